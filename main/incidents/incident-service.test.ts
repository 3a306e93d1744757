import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Template } from '../../preload/contract/incidents';
import { ConsoleError } from '../core/errors';
import { parseIncidentExport } from './export-format';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncidentService, openIncidentService, severityFromLabel, type IncidentServiceEvent, type IncidentServiceOptions } from './incident-service';
import { IncidentStore, type StoredIncident } from './store';
import { T0, makeAlert, manualClock, sequentialIds } from './test-fixtures';

const MIN = 60_000;

function setup(options: Partial<IncidentServiceOptions> = {}) {
  const clock = manualClock();
  const events: IncidentServiceEvent[] = [];
  const saved: StoredIncident[] = [];
  const savedTemplates: Template[][] = [];
  const service = new IncidentService({
    now: clock.now,
    newId: sequentialIds(),
    user: 'alice',
    timeZone: 'UTC',
    environment: () => 'prod',
    escalationMatrix: [{ level: 2, contacts: ['bob (team lead)', '+1 555 0100'] }],
    persistence: { schedule: (r) => saved.push(r), scheduleTemplates: (t) => savedTemplates.push([...t]) },
    emit: (e) => events.push(e),
    ...options,
  });
  return { clock, events, saved, savedTemplates, service };
}

const cpu = makeAlert('fp-cpu', { alertname: 'HighCPUUsage', instance: 'node1:9100', severity: 'critical' }, { summary: 'CPU above 95% on node1' });
const disk = makeAlert('fp-disk', { alertname: 'DiskSpaceLow', instance: 'node1:9100', severity: 'warning' }, { summary: 'Disk 85% full' });
const other = makeAlert('fp-other', { alertname: 'HighMemory', instance: 'node7:9100', severity: 'warning' });

function consoleError(fn: () => unknown, code: string): ConsoleError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConsoleError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a ${code} error`);
}

describe('IncidentService: declare', () => {
  it('declares from nothing with sensible defaults', () => {
    const { service, events, saved } = setup();
    const d = service.declare({ title: 'Federation delays' });
    assert.equal(d.incident.id, 'incident-1');
    assert.equal(d.incident.severity, 'high');
    assert.equal(d.incident.status, 'investigating');
    assert.equal(d.incident.commander, 'alice');
    assert.equal(d.incident.environment, 'prod');
    assert.equal(d.incident.declaredAt, T0);
    assert.equal(d.incident.nextUpdateDueAt, T0 + 30 * MIN, 'the runbook: updates every 30 minutes');
    assert.deepEqual(
      d.timeline.map((e) => [e.kind, e.text, e.system]),
      [['declared', 'Declared High incident "Federation delays" — commander alice', false]],
    );
    assert.deepEqual(events.map((e) => e.name).slice(0, 2), ['incidents.changed', 'incidents.list']);
    assert.equal(saved.at(-1)?.detail.incident.id, 'incident-1');
    assert.equal(service.declare({}).incident.title, 'Untitled incident');
  });

  it('declares from alerts: snapshot, worst severity, title, instances, firing entries at alert start', () => {
    const { service } = setup();
    service.onAlertsChanged([cpu, disk, other], 'prod');
    const d = service.declare({ fromAlerts: ['fp-disk', 'fp-cpu'] });
    assert.equal(d.incident.severity, 'critical');
    assert.equal(d.incident.title, 'Disk 85% full');
    assert.deepEqual(d.incident.instances, ['node1:9100']);
    assert.deepEqual(d.incident.linkedAlerts.map((a) => [a.fingerprint, a.firing, a.snapshot.labels.alertname, a.snapshot.state]), [
      ['fp-disk', true, 'DiskSpaceLow', 'active'],
      ['fp-cpu', true, 'HighCPUUsage', 'active'],
    ]);
    assert.deepEqual(
      d.timeline.map((e) => [e.kind, e.at]),
      [
        ['alert-firing', T0 - 5 * MIN],
        ['alert-firing', T0 - 5 * MIN],
        ['declared', T0],
      ],
    );
    consoleError(() => service.declare({ fromAlerts: ['gone'] }), 'not-found');
  });

  it('maps alert severity labels', () => {
    assert.equal(severityFromLabel('critical'), 'critical');
    assert.equal(severityFromLabel('P2'), 'high');
    assert.equal(severityFromLabel('warning'), 'medium');
    assert.equal(severityFromLabel('info'), 'low');
    assert.equal(severityFromLabel('banana'), undefined);
  });
});

describe('IncidentService: update', () => {
  it('records status and severity changes as timeline entries', () => {
    const { service, clock } = setup();
    const id = service.declare({ title: 'DB down', severity: 'high' }).incident.id;
    clock.advance(5 * MIN);
    service.update({ id, changes: { status: 'identified', severity: 'critical' }, reason: 'primary lost' });
    clock.advance(20 * MIN);
    const d = service.update({ id, changes: { status: 'resolved' } });
    assert.equal(d.incident.resolvedAt, T0 + 25 * MIN);
    assert.equal(d.incident.nextUpdateDueAt, null);
    assert.deepEqual(
      d.timeline.filter((e) => e.kind === 'status' || e.kind === 'severity').map((e) => e.text),
      ['Severity raised: High → Critical — primary lost', 'Status: Investigating → Identified — primary lost', 'Status: Identified → Resolved'],
    );
    assert.equal(d.incident.milestones.respondedAt, T0 + 5 * MIN);
    clock.advance(MIN);
    const reopened = service.update({ id, changes: { status: 'monitoring' } });
    assert.equal(reopened.incident.resolvedAt, undefined);
    assert.equal(reopened.incident.nextUpdateDueAt, T0 + 56 * MIN);
    assert.match(reopened.timeline.at(-1)?.text ?? '', /^Reopened: Status: Resolved → Monitoring/);
  });

  it('records other fields as system entries, people changes as human ones', () => {
    const { service } = setup();
    const id = service.declare({ title: 'x' }).incident.id;
    const d = service.update({
      id,
      changes: { title: 'y', impact: 'Users cannot log in', commander: 'carol', commsLead: 'dave', eta: '12:00 UTC', links: [{ title: 'JIRA-1', url: 'https://jira.example/JIRA-1' }] },
    });
    const fields = d.timeline.filter((e) => e.kind === 'field').map((e) => [e.text, e.system]);
    assert.deepEqual(fields, [
      ['Title: "x" → "y"', true],
      ['Commander: alice → carol', false],
      ['Comms lead: dave', false],
      ['Impact: Users cannot log in', true],
      ['ETA: 12:00 UTC', true],
      ['Links: added JIRA-1', true],
    ]);
    const removed = service.update({ id, changes: { commsLead: null, eta: null } });
    assert.equal('commsLead' in removed.incident, false);
    assert.equal('eta' in removed.incident, false);
  });

  it('does nothing (no event, no bump) when nothing changes', () => {
    const { service, events } = setup();
    const d = service.declare({ title: 'x' });
    const before = d.incident.updatedAt;
    const n = events.length;
    service.update({ id: d.incident.id, changes: { title: 'x', status: 'investigating' } });
    assert.equal(events.length, n);
    assert.equal(d.incident.updatedAt, before);
  });

  it('refuses stale writes with conflict', () => {
    const { service } = setup();
    const d = service.declare({ title: 'x' });
    const seen = d.incident.updatedAt;
    service.update({ id: d.incident.id, changes: { title: 'y' }, expectedUpdatedAt: seen });
    consoleError(() => service.update({ id: d.incident.id, changes: { title: 'z' }, expectedUpdatedAt: seen }), 'conflict');
    assert.equal(d.incident.title, 'y');
  });

  it('links and unlinks alerts; an unknown alert changes nothing', () => {
    const { service } = setup();
    service.onAlertsChanged([cpu, other], 'prod');
    const id = service.declare({ title: 'x' }).incident.id;
    consoleError(() => service.update({ id, changes: { title: 'changed', linkAlerts: ['nope'] } }), 'not-found');
    assert.equal(service.get(id).incident.title, 'x', 'validation happens before any change');
    let d = service.update({ id, changes: { linkAlerts: ['fp-other'] } });
    assert.deepEqual(d.incident.linkedAlerts.map((a) => a.fingerprint), ['fp-other']);
    assert.deepEqual(d.incident.instances, ['node7:9100']);
    d = service.update({ id, changes: { unlinkAlerts: ['fp-other'] } });
    assert.deepEqual(d.incident.linkedAlerts, []);
    assert.match(d.timeline.at(-1)?.text ?? '', /^Unlinked alert HighMemory on node7:9100/);
  });
});

describe('IncidentService: timeline entries', () => {
  it('adds notes (back-dated ones in order) and refuses the future', () => {
    const { service, clock } = setup();
    const id = service.declare({ title: 'x' }).incident.id;
    clock.advance(10 * MIN);
    service.addEntry({ incidentId: id, text: 'now' });
    const back = service.addEntry({ incidentId: id, text: 'restarted db at 08:15', at: T0 + 3 * MIN, kind: 'manual', starred: true });
    assert.equal(back.kind, 'manual');
    assert.equal(back.starred, true);
    assert.equal(back.system, false);
    assert.deepEqual(service.get(id).timeline.map((e) => e.text.slice(0, 12)), ['Declared Hig', 'restarted db', 'now']);
    consoleError(() => service.addEntry({ incidentId: id, text: 'later', at: T0 + 60 * MIN }), 'invalid-argument');
    consoleError(() => service.addEntry({ incidentId: 'nope', text: 'x' }), 'not-found');
  });

  it('edits time, text and star; system entries keep their text', () => {
    const { service, clock } = setup();
    service.onAlertsChanged([cpu], 'prod');
    const d = service.declare({ fromAlerts: ['fp-cpu'] });
    const id = d.incident.id;
    clock.advance(MIN);
    const note = service.addEntry({ incidentId: id, text: 'typo' });
    clock.advance(MIN);
    const edited = service.editEntry({ incidentId: id, entryId: note.id, text: 'fixed', at: T0 - 10 * MIN, starred: true });
    assert.equal(edited.text, 'fixed');
    assert.equal(edited.editedAt, T0 + 2 * MIN);
    assert.equal(service.get(id).timeline[0]?.id, note.id, 're-sorted by the new time');
    const system = d.timeline.find((e) => e.system);
    assert.ok(system);
    consoleError(() => service.editEntry({ incidentId: id, entryId: system.id, text: 'rewrite history' }), 'invalid-argument');
    assert.equal(service.editEntry({ incidentId: id, entryId: system.id, starred: true }).starred, true);
    consoleError(() => service.editEntry({ incidentId: id, entryId: 'nope', starred: true }), 'not-found');
  });
});

describe('IncidentService: evidence', () => {
  it('attaches alert, logs and chart evidence with a timeline entry each', () => {
    const { service } = setup();
    service.onAlertsChanged([cpu], 'prod');
    const id = service.declare({ title: 'x' }).incident.id;
    const a = service.attachEvidence({ incidentId: id, evidence: { kind: 'alert', fingerprint: 'fp-cpu' }, note: 'the first sign' });
    assert.ok(a.kind === 'alert');
    assert.deepEqual(a.labels, cpu.labels);
    assert.equal(a.title, 'HighCPUUsage');
    const logs = service.attachEvidence({
      incidentId: id,
      evidence: { kind: 'logs', title: 'synapse errors', query: 'level:ERROR', lines: [{ time: '2026-11-21T08:10:00Z', level: 'ERROR', message: 'boom', fields: { host: 'node1' } }] },
    });
    const chart = service.attachEvidence({ incidentId: id, evidence: { kind: 'chart', title: 'CPU', unit: '%', series: [{ name: 'node1', points: [[T0, 97]] }] } });
    assert.deepEqual(service.get(id).evidence.map((e) => e.id), [a.id, logs.id, chart.id]);
    assert.deepEqual(
      service.get(id).timeline.filter((e) => e.kind === 'evidence').map((e) => e.text),
      ['Attached alert HighCPUUsage on node1:9100 — CPU above 95% on node1: the first sign', 'Attached logs "synapse errors" (1 line)', 'Attached chart "CPU" (1 series)'],
    );
    consoleError(() => service.attachEvidence({ incidentId: id, evidence: { kind: 'alert', fingerprint: 'unknown' } }), 'not-found');
  });

  it('caps the evidence an incident holds so its export stays importable', () => {
    const { service } = setup();
    const id = service.declare({ title: 'x' }).incident.id;
    const line = { time: 't', level: 'info', message: 'x'.repeat(9_000), fields: {} };
    const lines = Array.from({ length: 1_000 }, () => line); // ~9 MiB of 12
    service.attachEvidence({ incidentId: id, evidence: { kind: 'logs', title: 'a', lines } });
    consoleError(() => service.attachEvidence({ incidentId: id, evidence: { kind: 'logs', title: 'b', lines } }), 'conflict');
  });
});

describe('IncidentService: messages', () => {
  it('composes from a template without saving, then posts', () => {
    const { service, clock } = setup();
    const id = service.declare({ title: 'Login failures', severity: 'critical', impact: 'Users cannot log in' }).incident.id;
    clock.advance(12 * MIN);
    const composed = service.composeMessage({ incidentId: id, templateId: 'builtin-initial-alert' });
    assert.equal(composed.text.split('\n')[0], 'INCIDENT: Critical - Login failures');
    assert.match(composed.text, /^Time: 2026-11-21 08:24 UTC$/m);
    assert.deepEqual(composed.unfilled, ['eta']);
    assert.equal(service.get(id).messages.length, 0, 'composing saves nothing');
    const withEta = service.composeMessage({ incidentId: id, templateId: 'builtin-initial-alert', overrides: { eta: '09:30 UTC' } });
    assert.deepEqual(withEta.unfilled, []);

    const msg = service.postMessage({ incidentId: id, templateId: 'builtin-initial-alert', text: withEta.text });
    assert.equal(msg.markdown.split('\n')[0], '**INCIDENT:** Critical - Login failures  ');
    assert.deepEqual(msg.audiences, ['stakeholders', 'status-page']);
    const d = service.get(id);
    assert.equal(d.messages.length, 1);
    assert.equal(d.incident.nextUpdateDueAt, T0 + 42 * MIN, 'next update due 30 min after this one');
    assert.equal(d.incident.milestones.notifiedAt, T0 + 12 * MIN);
    assert.equal(d.incident.milestones.statusPageAt, T0 + 12 * MIN);
    assert.match(d.timeline.at(-1)?.text ?? '', /^Posted Initial Alert to stakeholders and status-page:\nINCIDENT: Critical/);
    consoleError(() => service.composeMessage({ incidentId: id, templateId: 'nope' }), 'not-found');
  });
});

describe('IncidentService: escalation', () => {
  it('walks the matrix with the configured contacts', () => {
    const { service } = setup();
    const id = service.declare({ title: 'x' }).incident.id;
    assert.deepEqual(service.escalationMatrix().map((l) => l.title), ['On-call engineer', 'Senior engineer + team lead', 'Engineering manager + operations manager', 'CTO + executive team']);
    service.escalate({ incidentId: id });
    let d = service.escalate({ incidentId: id, reason: 'no progress in 30 min' });
    assert.equal(d.incident.escalationLevel, 2);
    assert.equal(d.timeline.at(-1)?.text, 'Escalated to Level 2: Senior engineer + team lead (bob (team lead), +1 555 0100) — no progress in 30 min');
    assert.match(d.timeline.find((e) => e.kind === 'escalation')?.text ?? '', /Level 1: On-call engineer — no contacts configured/);
    service.escalate({ incidentId: id, level: 4 });
    consoleError(() => service.escalate({ incidentId: id }), 'conflict');
    consoleError(() => service.escalate({ incidentId: id, level: 4 }), 'invalid-argument');
    d = service.escalate({ incidentId: id, level: 1 });
    assert.match(d.timeline.at(-1)?.text ?? '', /^De-escalated to Level 1/);
  });
});

describe('IncidentService: templates', () => {
  it('lists built-ins first, saves and deletes custom ones, protects built-ins', () => {
    const { service, savedTemplates } = setup();
    assert.deepEqual(service.listTemplates().slice(0, 3).map((t) => t.name), ['Initial Alert', 'Status Update', 'Resolution Notice']);
    const t = service.saveTemplate({ name: 'Exec summary', body: 'INCIDENT: [SEVERITY] - [BRIEF DESCRIPTION] ({{duration}})' });
    assert.equal(t.body, 'INCIDENT: {{severity}} - {{title}} ({{duration}})', 'runbook syntax converted');
    assert.equal(t.builtIn, false);
    assert.deepEqual(savedTemplates.at(-1)?.map((x) => x.id), [t.id]);
    const renamed = service.saveTemplate({ id: t.id, name: 'Exec', body: 'x' });
    assert.equal(service.listTemplates().filter((x) => !x.builtIn).length, 1);
    assert.equal(renamed.name, 'Exec');
    consoleError(() => service.saveTemplate({ id: 'builtin-initial-alert', name: 'mine', body: 'x' }), 'conflict');
    consoleError(() => service.deleteTemplate('builtin-status-update'), 'conflict');
    service.deleteTemplate(t.id);
    consoleError(() => service.deleteTemplate(t.id), 'not-found');
    assert.deepEqual(savedTemplates.at(-1), []);
  });
});

describe('IncidentService: export and import', () => {
  it('exports JSON that imports again as a read-only review, and HTML', () => {
    const { service } = setup();
    const id = service.declare({ title: 'x', impact: 'token=abcdef123 leaked in logs' }).incident.id;
    service.postMessage({ incidentId: id, templateId: 'builtin-status-update', text: 'update' });
    const json = service.exportIncident({ id, format: 'json' });
    assert.equal(json.fileName, 'incident-incident-1-20261121-0812.opsincident', 'the extension the installers associate with the app');
    assert.equal(json.mimeType, 'application/json');
    assert.ok(!json.content.includes('abcdef123'));
    const review = service.importIncident({ content: json.content, fileName: '/home/alice/Downloads/x.json' });
    assert.equal(review.readOnly, true);
    assert.equal(review.fileName, 'x.json');
    assert.equal(review.incident.id, id);
    assert.deepEqual(review.templatesUsed.map((t) => t.id), ['builtin-status-update']);
    assert.deepEqual(review, { readOnly: true, fileName: 'x.json', ...(({ format: _f, ...rest }) => rest)(parseIncidentExport(json.content)) });
    assert.equal(service.list().length, 1, 'import does not add to the live incidents');
    const html = service.exportIncident({ id, format: 'html' });
    assert.equal(html.fileName, 'incident-incident-1-20261121-0812.html');
    assert.match(html.content, /^<!DOCTYPE html>/);
  });

  it('import errors are invalid-argument with a clear message', () => {
    const { service } = setup();
    assert.match(consoleError(() => service.importIncident({ content: '{"format":"ops-console.incident","version":3}', fileName: 'a.json' }), 'invalid-argument').message, /version 3 > 1/);
    assert.match(consoleError(() => service.importIncident({ content: '{"format": ', fileName: 'a.json' }), 'invalid-argument').message, /truncated/);
  });
});

describe('IncidentService: what the console sees', () => {
  it('records linked alerts resolving and firing again, once per change', () => {
    const { service, clock } = setup();
    service.onAlertsChanged([cpu, disk], 'prod');
    const id = service.declare({ fromAlerts: ['fp-cpu'] }).incident.id;
    const count = () => service.get(id).timeline.length;
    service.onAlertsChanged([cpu, disk], 'prod');
    assert.ok(
      service.get(id).timeline.some((e) => e.text.startsWith('FIRING on an affected instance: DiskSpaceLow')),
      'disk fires on the same instance (entry at the time it started)',
    );
    const n0 = count();
    service.onAlertsChanged([cpu, disk], 'prod');
    assert.equal(count(), n0, 'no change, no entry');
    clock.advance(5 * MIN);
    service.onAlertsChanged([disk], 'prod');
    service.onAlertsChanged([disk], 'prod');
    const d = service.get(id);
    assert.equal(d.incident.linkedAlerts[0]?.firing, false);
    assert.equal(d.timeline.filter((e) => e.kind === 'alert-resolved').length, 1);
    assert.equal(d.timeline.at(-1)?.text, 'RESOLVED: HighCPUUsage on node1:9100 — CPU above 95% on node1');
    assert.equal(d.timeline.at(-1)?.system, true);
    clock.advance(5 * MIN);
    const again = makeAlert('fp-cpu', cpu.labels, cpu.annotations, new Date(T0 + 9 * MIN).toISOString());
    service.onAlertsChanged([again, disk], 'prod');
    const last = service.get(id).timeline.at(-1);
    assert.equal(last?.kind, 'alert-firing');
    assert.equal(last?.at, T0 + 9 * MIN, 'at the time the alert started again');
    assert.match(last?.text ?? '', /^FIRING again: HighCPUUsage/);
  });

  it('watches alerts on affected instances (host match, any port)', () => {
    const { service, clock } = setup();
    const id = service.declare({ title: 'node1 trouble', instances: ['node1'] }).incident.id;
    service.onAlertsChanged([disk, other], 'prod');
    let d = service.get(id);
    assert.deepEqual(d.timeline.filter((e) => e.kind === 'alert-firing').map((e) => e.text), ['FIRING on an affected instance: DiskSpaceLow on node1:9100 — Disk 85% full']);
    service.onAlertsChanged([disk, other], 'prod');
    clock.advance(MIN);
    service.onAlertsChanged([other], 'prod');
    d = service.get(id);
    assert.deepEqual(d.timeline.filter((e) => e.kind === 'alert-resolved').map((e) => e.text), ['RESOLVED on an affected instance: DiskSpaceLow on node1:9100']);
    assert.equal(service.stored(id).watch[0]?.firing, false);
  });

  it('ignores other environments and resolved incidents; applies diffs', () => {
    const { service } = setup();
    service.onAlertsChanged([cpu], 'prod');
    const id = service.declare({ fromAlerts: ['fp-cpu'] }).incident.id;
    const n = service.get(id).timeline.length;
    service.onAlertsChanged([], 'staging');
    service.onAlertsChanged([]); // still staging
    assert.equal(service.get(id).timeline.length, n);
    service.onAlertsUpdate({ kind: 'snapshot', seq: 1, environment: 'prod', alerts: [] }); // environment start: no poll yet
    assert.equal(service.get(id).timeline.length, n);
    service.onAlertsUpdate({ kind: 'diff', seq: 2, environment: 'prod', upserted: [cpu], removed: [] });
    assert.equal(service.get(id).timeline.length, n, 'still firing: nothing to record');
    service.onAlertsUpdate({ kind: 'diff', seq: 3, environment: 'prod', upserted: [], removed: ['fp-cpu'] });
    assert.equal(service.get(id).timeline.at(-1)?.kind, 'alert-resolved');
    service.update({ id, changes: { status: 'resolved' } });
    const m = service.get(id).timeline.length;
    service.onAlertsUpdate({ kind: 'snapshot', seq: 4, environment: 'prod', alerts: [cpu] });
    assert.equal(service.get(id).timeline.length, m);
  });

  it('records acks, unacks and silences on the incidents they concern', () => {
    const { service } = setup();
    service.onAlertsChanged([cpu, other], 'prod');
    const id = service.declare({ fromAlerts: ['fp-cpu'] }).incident.id;
    const other2 = service.declare({ title: 'unrelated' }).incident.id;
    service.onAck({ fingerprints: ['fp-cpu'], author: 'bob', until: T0 + 15 * MIN, comment: 'looking' });
    service.onUnack({ fingerprints: ['fp-cpu'], author: 'bob' });
    service.onSilence({ silenceId: 's-1', author: 'carol', matchers: [{ name: 'alertname', value: 'High.*', isRegex: true }], endsAt: T0 + 2 * 3_600_000, comment: 'maintenance' });
    service.onSilence({ silenceId: 's-2', matchers: [{ name: 'alertname', value: 'Nothing', isRegex: false }] });
    const d = service.get(id);
    assert.deepEqual(
      d.timeline.filter((e) => ['ack', 'unack', 'silence'].includes(e.kind)).map((e) => [e.kind, e.author, e.text]),
      [
        ['ack', 'bob', 'Acknowledged HighCPUUsage on node1:9100 until 2026-11-21 08:27 UTC: looking'],
        ['unack', 'bob', 'Acknowledgement withdrawn: HighCPUUsage on node1:9100'],
        ['silence', 'carol', 'Silenced alertname=~"High.*" until 2026-11-21 10:12 UTC (covers HighCPUUsage): maintenance'],
      ],
    );
    assert.equal(d.incident.milestones.respondedAt, T0, 'an ack is a response');
    assert.equal(service.get(other2).timeline.length, 1);
  });
});

describe('IncidentService: response timers', () => {
  it('reminds of the runbook targets: respond 15 min, notify and status page 30 min, updates every 30 min', () => {
    const { service, clock } = setup();
    const id = service.declare({ title: 'x', severity: 'critical' }).incident.id;
    assert.deepEqual(service.dueReminders(T0 + 5 * MIN), []);
    assert.deepEqual(service.dueReminders(T0 + 11 * MIN).map((r) => [r.kind, r.overdue, r.message]), [['respond', false, 'First response due in 4 min']]);
    assert.deepEqual(service.dueReminders(T0 + 16 * MIN).map((r) => [r.kind, r.overdue]), [['respond', true]]);
    assert.deepEqual(
      service.dueReminders(T0 + 31 * MIN).map((r) => [r.kind, r.overdue, r.message]),
      [
        ['respond', true, 'First response overdue by 16 min'],
        ['notify', true, 'Stakeholder notification overdue by 1 min'],
        ['status-page', true, 'Status page update overdue by 1 min'],
        ['status-update', true, 'Status update overdue by 1 min'],
      ],
    );
    clock.set(T0 + 31 * MIN);
    service.postMessage({ incidentId: id, templateId: null, text: 'update', audiences: ['stakeholders', 'status-page'] });
    assert.deepEqual(service.timers(id).map((r) => [r.kind, r.dueAt]), [['status-update', T0 + 61 * MIN]]);
    assert.deepEqual(service.dueReminders(T0 + 62 * MIN).map((r) => r.kind), ['status-update']);
    service.update({ id, changes: { status: 'resolved' } });
    assert.deepEqual(service.timers(id).map((r) => [r.kind, r.dueAt]), [['review', T0 + 31 * MIN + 48 * 60 * MIN]]);
    service.update({ id, changes: { milestones: { reviewedAt: T0 + 40 * 60 * MIN } } });
    assert.deepEqual(service.timers(id), []);
  });

  it('uses configured targets and emits reminders only when they change', () => {
    const { service, events } = setup({ targets: { low: { updateIntervalMs: 120 * MIN } } });
    const d = service.declare({ title: 'x', severity: 'low' });
    assert.equal(d.incident.nextUpdateDueAt, T0 + 120 * MIN);
    const count = () => events.filter((e) => e.name === 'incidents.reminders').length;
    const before = count();
    service.checkReminders(T0 + 11 * MIN);
    service.checkReminders(T0 + 12 * MIN);
    assert.equal(count(), before + 1);
    service.checkReminders(T0 + 16 * MIN);
    assert.equal(count(), before + 2, 'the respond target went overdue');
  });
});

describe('IncidentService: boundary', () => {
  it('invoke validates arguments against the contract', () => {
    const { service } = setup();
    assert.match(consoleError(() => service.invoke('incidents.declare', { title: 'x'.repeat(301) }), 'invalid-argument').message, /^incidents\.declare: title: /);
    assert.match(consoleError(() => service.invoke('incidents.declare', { title: 'x', admin: true }), 'invalid-argument').message, /Unrecognized key/);
    assert.match(consoleError(() => service.invoke('incidents.get', { id: '../../etc/passwd' }), 'invalid-argument').message, /id: /);
    assert.match(consoleError(() => service.invoke('incidents.editEntry', { incidentId: 'a', entryId: 'b' }), 'invalid-argument').message, /nothing to change/);
    assert.match(
      consoleError(() => service.invoke('incidents.update', { id: 'a', changes: { links: [{ title: 't', url: 'javascript:alert(1)' }] } }), 'invalid-argument').message,
      /changes\.links\[0\]\.url: must be an http/,
    );
    const d = service.invoke('incidents.declare', { title: 'ok' });
    assert.equal(service.invoke('incidents.list', {})[0]?.id, d.incident.id);
  });

  it('loads stored incidents and reports storage problems', () => {
    const a = setup();
    const id = a.service.declare({ title: 'persisted' }).incident.id;
    const b = setup();
    b.service.load({ incidents: [a.service.stored(id)], templates: [{ id: 't1', name: 'n', body: 'b', builtIn: false }], problems: [{ file: 'x.json', movedTo: 'x.json.corrupt-1', error: 'bad', at: 1 }] });
    assert.deepEqual(b.service.list().map((s) => s.title), ['persisted']);
    assert.equal(b.service.listTemplates().at(-1)?.id, 't1');
    assert.deepEqual(b.events.map((e) => e.name), ['incidents.list', 'incidents.storage']);
  });
});

describe('IncidentService with IncidentStore', () => {
  it('autosaves to the data folder and reopens from it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ops-incident-service-'));
    try {
      const clock = manualClock();
      const store = new IncidentStore({ dataDir, debounceMs: 10, maxDelayMs: 50 });
      const a = await openIncidentService(store, { now: clock.now, user: 'alice' });
      const id = a.declare({ title: 'Persist me', severity: 'critical' }).incident.id;
      a.addEntry({ incidentId: id, text: 'note 1' });
      a.saveTemplate({ name: 'Mine', body: 'Hello {{title}}' });
      await store.close();
      const events: IncidentServiceEvent[] = [];
      const b = await openIncidentService(new IncidentStore({ dataDir }), { now: clock.now, emit: (e) => events.push(e) });
      assert.deepEqual(b.get(id), a.get(id));
      assert.equal(b.listTemplates().at(-1)?.name, 'Mine');
      assert.equal(events[0]?.name, 'incidents.list');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
