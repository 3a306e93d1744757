import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_TEMPLATES,
  PLACEHOLDERS,
  composeMessage,
  escapeMarkdown,
  fillTemplate,
  fromRunbookSyntax,
  placeholdersIn,
  textToMarkdown,
} from './templates';
import { formatBoth, formatDuration, formatLocal, formatUtc } from './time-format';
import { T0, makeIncident } from './test-fixtures';
import type { LinkedAlert } from '../../preload/contract/incidents';

const builtin = (id: string) => {
  const t = BUILTIN_TEMPLATES.find((x) => x.id === id);
  assert.ok(t, id);
  return t;
};

const linked = (fp: string, labels: Record<string, string>, annotations: Record<string, string>, firing = true): LinkedAlert => ({
  fingerprint: fp,
  linkedAt: T0,
  snapshot: { labels, annotations, startsAt: new Date(T0).toISOString(), state: 'active' },
  firing,
  lastChangeAt: T0,
});

describe('built-in templates', () => {
  it("are the runbook's three templates plus an internal briefing, with {{placeholders}} only", () => {
    assert.deepEqual(
      BUILTIN_TEMPLATES.map((t) => t.name),
      ['Initial Alert', 'Status Update', 'Resolution Notice', 'Internal Briefing'],
    );
    const known = new Set(PLACEHOLDERS.map((p) => p.name));
    for (const t of BUILTIN_TEMPLATES) {
      assert.equal(t.builtIn, true);
      assert.doesNotMatch(t.body, /\[[A-Z ]+\]/, `${t.name} still has a runbook [PLACEHOLDER]`);
      for (const p of placeholdersIn(t.body)) assert.ok(known.has(p), `${t.name}: unknown placeholder ${p}`);
    }
    assert.match(builtin('builtin-initial-alert').body, /^INCIDENT: \{\{severity\}\} - \{\{title\}\}\nTime: \{\{time\}\}\nImpact: \{\{impact\}\}/);
    assert.match(builtin('builtin-resolution-notice').body, /Root Cause: \{\{root_cause\}\}\nResolution: \{\{resolution\}\}\nPrevention: \{\{prevention\}\}/);
  });

  it('converts the runbook bracket syntax it knows and leaves other brackets alone', () => {
    assert.equal(
      fromRunbookSyntax('INCIDENT: [SEVERITY] - [BRIEF DESCRIPTION]\nStatus: [INVESTIGATING/IDENTIFIED/MONITORING/RESOLVED]\nlog: [WARN] x'),
      'INCIDENT: {{severity}} - {{title}}\nStatus: {{status}}\nlog: [WARN] x',
    );
  });
});

describe('fillTemplate', () => {
  const now = T0 + (1 * 60 + 23) * 60_000; // 1 h 23 min after declaration

  it('fills the Initial Alert from live data, times in UTC and local', () => {
    const out = composeMessage(builtin('builtin-initial-alert'), { incident: makeIncident({ eta: '10:00 UTC' }), now, timeZone: 'Europe/Berlin' });
    assert.equal(
      out.text,
      [
        'INCIDENT: Critical - Federation delays',
        'Time: 2026-11-21 09:35 UTC (10:35 CET)',
        'Impact: Messages between servers arrive minutes late',
        'Status: Investigating',
        'ETA: 10:00 UTC',
        'Updates: Every 30 minutes or as significant progress is made',
      ].join('\n'),
    );
    assert.deepEqual(out.unfilled, []);
    assert.equal(out.templateId, 'builtin-initial-alert');
  });

  it('lists unfilled placeholders in order, with their spans in the text, and keeps them visible', () => {
    const out = fillTemplate(builtin('builtin-status-update').body, { incident: makeIncident(), now, timeZone: 'UTC' });
    assert.deepEqual(out.unfilled, ['progress', 'next_steps', 'eta']);
    for (const s of out.unfilledSpans) assert.equal(out.text.slice(s.start, s.end), `{{${s.name}}}`);
    assert.match(out.text, /Time: 2026-11-21 09:35 UTC\n/);
  });

  it('overrides win over live data; blank overrides do not count', () => {
    const out = fillTemplate(builtin('builtin-status-update').body, {
      incident: makeIncident({ status: 'identified', eta: 'soon' }),
      now,
      timeZone: 'UTC',
      overrides: { progress: 'Restarted the federation sender', next_steps: '   ', eta: '11:00 UTC' },
    });
    assert.match(out.text, /Status: Identified\nProgress: Restarted the federation sender\nNext Steps: \{\{next_steps\}\}\nETA: 11:00 UTC$/);
    assert.deepEqual(out.unfilled, ['next_steps']);
  });

  it('fills the Resolution Notice: duration to resolution, post-mortem link from the links', () => {
    const incident = makeIncident({
      status: 'resolved',
      resolvedAt: T0 + 2 * 3_600_000 + 5 * 60_000,
      links: [{ title: 'Post-mortem', url: 'https://wiki.example/pm/42' }],
    });
    const out = fillTemplate(builtin('builtin-resolution-notice').body, {
      incident,
      now: T0 + 5 * 3_600_000,
      timeZone: 'UTC',
      overrides: { root_cause: 'Disk full on node1', resolution: 'Freed space', prevention: 'Disk alerts at 80%' },
    });
    assert.match(out.text, /^INCIDENT RESOLVED: Federation delays\n/);
    assert.match(out.text, /Duration: 2 h 05 min\n/);
    assert.match(out.text, /Post-Mortem: https:\/\/wiki\.example\/pm\/42$/);
    assert.deepEqual(out.unfilled, []);
  });

  it('writes linked alerts with their summaries, affected instances and escalation', () => {
    const incident = makeIncident({
      escalationLevel: 2,
      linkedAlerts: [
        linked('a1', { alertname: 'HighCPUUsage', instance: 'node1:9100', severity: 'critical' }, { summary: 'CPU above 95%' }),
        linked('a2', { alertname: 'FederationLag', job: 'synapse' }, {}, false),
      ],
    });
    const out = fillTemplate('Alerts: {{alerts}}\nOn: {{instances}}\nEsc: {{escalation}}\nCount: {{alert_count}}/{{firing_count}}', {
      incident,
      now,
      escalationMatrix: [{ level: 2, title: 'Senior engineer + team lead', contacts: ['bob'] }],
    });
    assert.equal(
      out.text,
      [
        'Alerts: ',
        '- HighCPUUsage on node1:9100 — CPU above 95% (firing)',
        '- FederationLag on synapse (resolved)',
        'On: node1:9100, node2:9100',
        'Esc: Level 2: Senior engineer + team lead (bob)',
        'Count: 2/1',
      ].join('\n'),
    );
    const one = fillTemplate('Alerts: {{alerts}}', { incident: makeIncident({ linkedAlerts: [linked('a1', { alertname: 'X' }, {})] }), now });
    assert.equal(one.text, 'Alerts: X (firing)');
    const none = fillTemplate('Alerts: {{alerts}}', { incident: makeIncident(), now });
    assert.deepEqual(none.unfilled, ['alerts']);
  });

  it('unknown placeholders are unfilled unless overridden; names are case-insensitive and may have spaces', () => {
    const out = fillTemplate('{{ Severity }} {{ticket}} {{bridge}}', { incident: makeIncident(), now, overrides: { bridge: 'https://meet.example/x' } });
    assert.equal(out.text, 'Critical {{ticket}} https://meet.example/x');
    assert.deepEqual(out.unfilled, ['ticket']);
  });

  it('is plain text: markup in values is not escaped for HTML, and the Markdown variant escapes it', () => {
    const incident = makeIncident({ title: '<script>alert(1)</script> *db* _down_ [x](javascript:alert(1))' });
    const out = fillTemplate('INCIDENT: {{title}}', { incident, now });
    assert.equal(out.text, 'INCIDENT: <script>alert(1)</script> *db* _down_ [x](javascript:alert(1))');
    assert.equal(out.markdown, '**INCIDENT:** \\<script\\>alert(1)\\</script\\> \\*db\\* \\_down\\_ \\[x\\](javascript:alert(1))');
    assert.doesNotMatch(out.markdown.slice('**INCIDENT:**'.length), /(?<!\\)[<[*_]/);
  });
});

describe('Markdown', () => {
  it('bolds "Key:" lines, keeps line breaks, sets lists apart', () => {
    assert.equal(textToMarkdown('INCIDENT: x\nTime: y\nAlerts:\n- a\n- b\nETA: z'), '**INCIDENT:** x  \n**Time:** y  \n**Alerts:**\n\n- a\n- b\n\n**ETA:** z');
  });
  it('escapes line-leading syntax', () => {
    assert.equal(escapeMarkdown('# not a heading'), '\\# not a heading');
    assert.equal(escapeMarkdown('1. not a list'), '1\\. not a list');
    assert.equal(escapeMarkdown('> not a quote'), '\\> not a quote');
    assert.equal(textToMarkdown('---'), '\\---');
  });
});

describe('time wording', () => {
  it('formats UTC, local and both', () => {
    assert.equal(formatUtc(T0), '2026-11-21 08:12 UTC');
    assert.match(formatLocal(T0, 'America/New_York'), /^2026-11-21 03:12 (EST|GMT-5)$/);
    assert.equal(formatBoth(T0, 'Asia/Tokyo'), '2026-11-21 08:12 UTC (17:12 GMT+9)');
    assert.equal(formatBoth(Date.UTC(2026, 10, 21, 23, 30), 'Asia/Tokyo'), '2026-11-21 23:30 UTC (2026-11-22 08:30 GMT+9)');
    assert.equal(formatBoth(T0, 'UTC'), '2026-11-21 08:12 UTC');
    assert.equal(formatBoth(T0, 'Not/AZone'), '2026-11-21 08:12 UTC');
  });
  it('formats durations', () => {
    assert.equal(formatDuration(30_000), '<1 min');
    assert.equal(formatDuration(45 * 60_000), '45 min');
    assert.equal(formatDuration(83 * 60_000), '1 h 23 min');
    assert.equal(formatDuration(51 * 3_600_000), '2 d 3 h');
  });
});
