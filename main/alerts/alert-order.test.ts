import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView } from '../../preload/contract';
import { alertAsText, compareAlerts, groupAlerts, inboxRows, severityRank, uiState } from './alert-order';

let n = 0;
function alert(labels: Record<string, string>, extra: Partial<AlertView> = {}): AlertView {
  n += 1;
  return {
    fingerprint: `fp${String(n).padStart(4, '0')}`,
    labels,
    annotations: {},
    startsAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '',
    endsAt: '',
    generatorURL: '',
    state: 'active',
    silencedBy: [],
    inhibitedBy: [],
    receivers: [],
    alertmanagers: ['am1'],
    ...extra,
  };
}

test('severity order: critical, warning, info, then everything else', () => {
  assert.deepEqual(['info', 'page', 'critical', undefined, 'warning'].sort((a, b) => severityRank(a) - severityRank(b)), ['critical', 'warning', 'info', 'page', undefined]);
});

test('within a severity, newest first; fingerprint breaks ties', () => {
  const old = alert({ severity: 'warning' }, { startsAt: '2026-01-01T00:00:00Z' });
  const newer = alert({ severity: 'warning' }, { startsAt: '2026-01-01T01:00:00Z' });
  const crit = alert({ severity: 'critical' }, { startsAt: '2025-01-01T00:00:00Z' });
  assert.deepEqual([old, newer, crit].sort(compareAlerts).map((a) => a.fingerprint), [crit.fingerprint, newer.fingerprint, old.fingerprint]);
});

test('groups by alertname with the worst severity first, then by name; flat when groupBy is null', () => {
  const alerts = [alert({ alertname: 'B', severity: 'warning' }), alert({ alertname: 'A', severity: 'info' }), alert({ alertname: 'C', severity: 'critical' }), alert({ alertname: 'A', severity: 'warning' }), alert({ severity: 'warning' })];
  const groups = groupAlerts(alerts, 'alertname');
  assert.deepEqual(groups.map((g) => g.value), ['C', 'A', 'B', '']);
  assert.equal(groups[1]!.alerts.length, 2);
  const flat = groupAlerts(alerts, null);
  assert.equal(flat.length, 1);
  assert.equal(inboxRows(flat, new Set()).length, 5, 'a flat list has no group header rows');
  const rows = inboxRows(groups, new Set(['alertname=A']));
  assert.equal(rows.length, 4 + 3, 'four headers; A collapsed hides its two alerts');
});

test('ui state: acknowledged is apart from other silences', () => {
  assert.equal(uiState(alert({})), 'active');
  assert.equal(uiState(alert({}, { silencedBy: ['s'], state: 'suppressed' })), 'silenced');
  assert.equal(uiState(alert({}, { inhibitedBy: ['x'], state: 'suppressed' })), 'inhibited');
  assert.equal(uiState(alert({}, { silencedBy: ['s'], ack: { by: 'me', at: 1, endsAt: 2, silenceIds: ['s'], comment: 'ACK!' } })), 'acknowledged');
});

test('property: order is stable across refreshes (same alerts in any arrival order, some removed)', () => {
  const arb = fc.array(
    fc.record({ sev: fc.constantFrom('critical', 'warning', 'info', 'x'), name: fc.constantFrom('A', 'B', 'C'), t: fc.integer({ min: 0, max: 5 }) }),
    { minLength: 1, maxLength: 40 },
  );
  fc.assert(
    fc.property(arb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (specs, keep) => {
      const all = specs.map((s, i) => ({ ...alert({ alertname: s.name, severity: s.sev }, { startsAt: `2026-01-01T00:0${s.t}:00Z` }), fingerprint: `f${i}` }));
      const subset = [...all].reverse().filter((_, i) => keep[i]);
      for (const by of [null, 'alertname']) {
        const order = (list: AlertView[]) => groupAlerts(list, by).map((g) => g.alerts.map((a) => a.fingerprint));
        const before = order(all);
        const after = order(subset);
        const kept = new Set(after.flat());
        // Within each group (the whole list when flat) survivors keep their relative order.
        for (const g of after) {
          const from = before.find((b) => b.includes(g[0]!))!;
          assert.deepEqual(from.filter((f) => kept.has(f)), g);
        }
      }
    }),
  );
});

test('copy as text has what a ticket needs', () => {
  const a = alert({ alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'critical' }, { annotations: { summary: 'Disk almost full', runbook_url: 'https://r/x' }, generatorURL: 'http://prom/graph' });
  const text = alertAsText(a, Date.parse('2026-01-01T00:30:00Z'));
  assert.match(text, /^\[CRITICAL\] DiskSpaceLow on db-1:9100/);
  assert.match(text, /Summary: Disk almost full/);
  assert.match(text, /30 min ago/);
  assert.match(text, /runbook_url: https:\/\/r\/x/);
  assert.match(text, /Source: http:\/\/prom\/graph/);
});
