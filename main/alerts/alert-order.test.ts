import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView } from '../../preload/contract';
import { alertAsText, compareAlerts, groupAlerts, InboxRowList, inboxRows, mergeSorted, severityRank, SortedGrouper, uiState } from './alert-order';

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

// Incremental order (the renderer keeps 50,000 alerts sorted across diffs instead of re-sorting them).
const arbAlert = fc.record({
  fp: fc.integer({ min: 0, max: 40 }),
  severity: fc.constantFrom('critical', 'warning', 'info', 'Critical', 'page', ''),
  alertname: fc.constantFrom('A', 'B', 'C', ''),
  minute: fc.integer({ min: 0, max: 5 }),
  ack: fc.boolean(),
});
const toView = (r: { fp: number; severity: string; alertname: string; minute: number; ack: boolean }): AlertView =>
  alert(
    { ...(r.severity ? { severity: r.severity } : {}), ...(r.alertname ? { alertname: r.alertname } : {}) },
    { fingerprint: `f${r.fp}`, startsAt: `2026-01-01T00:0${r.minute}:00Z`, ack: r.ack ? { by: 'x', at: 1, endsAt: 2, silenceIds: ['s'], comment: 'ACK!' } : null },
  );
const byFp = (list: { fp: number }[]) => [...new Map(list.map((r) => [r.fp, r])).values()];

test('mergeSorted: after any diff, the same order as sorting everything again', () => {
  fc.assert(
    fc.property(fc.array(arbAlert, { maxLength: 40 }), fc.array(arbAlert, { maxLength: 15 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 10 }), (start, upserts, removes) => {
      const map = new Map(byFp(start).map((r) => [`f${r.fp}`, toView(r as typeof start[number])]));
      const sorted = [...map.values()].sort(compareAlerts);
      const gone: AlertView[] = [];
      const added: AlertView[] = [];
      for (const fp of removes) {
        const old = map.get(`f${fp}`);
        if (old) gone.push(old);
        map.delete(`f${fp}`);
      }
      for (const r of byFp(upserts)) {
        const a = toView(r as typeof upserts[number]);
        const old = map.get(a.fingerprint);
        if (old) gone.push(old);
        map.set(a.fingerprint, a);
        added.push(a);
      }
      assert.deepEqual(mergeSorted(sorted, gone, added), [...map.values()].sort(compareAlerts));
    }),
  );
});

test('SortedGrouper and InboxRowList: the same groups and rows as groupAlerts and inboxRows', () => {
  fc.assert(
    fc.property(fc.array(arbAlert, { maxLength: 40 }), fc.constantFrom('alertname', 'severity', null), fc.subarray(['alertname=A', 'alertname=', 'severity=warning', 'alertname=C']), (list, by, collapsedKeys) => {
      const alerts = byFp(list).map((r) => toView(r as typeof list[number]));
      const collapsed = new Set(collapsedKeys);
      const grouper = new SortedGrouper(by);
      for (const a of [...alerts].sort(compareAlerts)) grouper.add(a, uiState(a));
      const groups = grouper.result();
      const expected = groupAlerts(alerts, by);
      assert.deepEqual(groups, expected);
      const rows = new InboxRowList(groups, collapsed);
      const flat = inboxRows(expected, collapsed);
      assert.equal(rows.length, flat.length);
      assert.deepEqual(rows.toArray(), flat);
      for (const a of alerts) assert.equal(rows.indexOfAlert(a.fingerprint), flat.findIndex((r) => r.kind === 'alert' && r.alert === a));
      assert.equal(rows.at(flat.length), undefined);
    }),
  );
});
