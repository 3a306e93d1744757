import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView } from '../../../../preload/contract';
import { computeInbox, labelNames, parseFilter, prefillMatchers, safeHttpUrl, updateInbox } from './inbox-model';
import { applyAlertsUpdate } from '../../store/alerts-store';
import { compareAlerts } from '../../../../main/alerts/alert-order';

function alert(fp: string, labels: Record<string, string>, extra: Partial<AlertView> = {}): AlertView {
  return { fingerprint: fp, labels, annotations: {}, startsAt: '2026-01-01T00:00:00Z', updatedAt: '', endsAt: '', generatorURL: '', state: 'active', silencedBy: [], inhibitedBy: [], receivers: [], alertmanagers: ['am'], ...extra };
}

const alerts = new Map([
  ['1', alert('1', { alertname: 'CPU', instance: 'server-1', severity: 'critical', team: 'infra' })],
  ['2', alert('2', { alertname: 'CPU', instance: 'server-2', severity: 'warning', team: 'infra' }, { ack: { by: 'al', at: 1, endsAt: 2, silenceIds: ['s'], comment: 'ACK!' }, silencedBy: ['s'] })],
  ['3', alert('3', { alertname: 'Disk', instance: 'db-1', severity: 'warning', team: 'storage' }, { silencedBy: ['m'] })],
]);

test('state toggles and filter: counts per state before the toggles, rows after', () => {
  const f = parseFilter('');
  assert.ok(f.ok);
  if (!f.ok) return;
  const view = computeInbox(alerts, f.filter, new Set(['active', 'acknowledged']), 'alertname', new Set());
  assert.deepEqual(view.stateCounts, { active: 1, acknowledged: 1, silenced: 1, inhibited: 0 });
  assert.equal(view.shown, 2);
  assert.deepEqual(view.rows.toArray().map((r) => (r.kind === 'group' ? `g:${r.group.value}` : r.alert.fingerprint)), ['g:CPU', '1', '2']);
  const g = parseFilter('instance=~"server-.*" team="infra" server');
  assert.ok(g.ok);
  if (g.ok) assert.equal(computeInbox(alerts, g.filter, new Set(['active', 'acknowledged', 'silenced', 'inhibited']), null, new Set()).shown, 2);
});

test('silence editor prefill: all labels of one alert, the shared labels of a group, alertname first', () => {
  assert.deepEqual(prefillMatchers([alerts.get('1')!]).map((m) => m.name), ['alertname', 'instance', 'severity', 'team']);
  assert.deepEqual(prefillMatchers([alerts.get('1')!, alerts.get('2')!]).map((m) => `${m.name}=${m.value}`), ['alertname=CPU', 'team=infra']);
  assert.deepEqual(labelNames(alerts), ['alertname', 'instance', 'severity', 'team']);
});

test('links: only http and https', () => {
  assert.equal(safeHttpUrl('https://runbooks.example.com/x'), 'https://runbooks.example.com/x');
  assert.equal(safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(safeHttpUrl('file:///etc/passwd'), null);
  assert.equal(safeHttpUrl('not a url'), null);
});

test('the store applies diffs in order and asks for a snapshot on a gap', () => {
  const base = { seq: 1, environment: 'prod', byFingerprint: new Map(alerts) };
  const next = applyAlertsUpdate(base, { kind: 'diff', seq: 2, environment: 'prod', upserted: [alert('4', { alertname: 'New' })], removed: ['3'] });
  assert.deepEqual([...next.byFingerprint!.keys()].sort(), ['1', '2', '4']);
  assert.deepEqual(applyAlertsUpdate(base, { kind: 'diff', seq: 5, environment: 'prod', upserted: [], removed: [] }), { needsResync: true });
});

test('a diff applied to the last inbox gives the same inbox as a full pass (grouped, flat, filtered, folded)', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const make = (i: number, v: number) =>
    alert(`f${i}`, { alertname: `A${rnd(5)}`, instance: `server-${rnd(8)}`, severity: ['critical', 'warning', 'info', 'x'][rnd(4)]! }, {
      startsAt: `2026-01-0${1 + rnd(5)}T00:00:00Z`,
      annotations: { summary: `v${v}` },
      ...(rnd(5) === 0 ? { silencedBy: ['s'] } : {}),
    });
  const filters = ['', 'severity="warning"', 'server-3'];
  for (const groupBy of ['alertname', 'severity', null]) {
    for (const text of filters) {
      const pf = parseFilter(text);
      assert.ok(pf.ok);
      if (!pf.ok) return;
      const states = new Set<'active' | 'acknowledged'>(['active', 'acknowledged']);
      const collapsed = new Set(groupBy ? [`${groupBy}=A1`] : []);
      const mark = Date.parse('2026-01-03T00:00:00Z');
      let state: Parameters<typeof applyAlertsUpdate>[0] = { seq: 0, environment: 'e', byFingerprint: new Map() };
      state = { ...state, ...applyAlertsUpdate(state, { kind: 'snapshot', seq: 1, environment: 'e', alerts: Array.from({ length: 60 }, (_, i) => make(i, 0)) }) };
      let view = computeInbox(state.sorted!, pf.filter, states, groupBy, collapsed, mark);
      for (let round = 1; round <= 15; round++) {
        const upserted = [...new Map(Array.from({ length: 1 + rnd(6) }, () => make(rnd(80), round)).map((a) => [a.fingerprint, a])).values()];
        const removed = Array.from({ length: rnd(4) }, () => `f${rnd(80)}`).filter((fp) => !upserted.some((u) => u.fingerprint === fp));
        const next = { ...state, ...applyAlertsUpdate(state, { kind: 'diff', seq: round + 1, environment: 'e', upserted, removed }) };
        assert.ok(next.change && next.change.fromVersion === state.version);
        view = updateInbox(view, next.change.gone, next.change.added, pf.filter, states, groupBy, collapsed, mark);
        const full = computeInbox(next.sorted!, pf.filter, states, groupBy, collapsed, mark);
        assert.deepEqual(view.rows.toArray(), full.rows.toArray(), `rows, group by ${groupBy}, filter "${text}", round ${round}`);
        assert.deepEqual(view.groups, full.groups);
        assert.deepEqual([view.stateCounts, view.shown, view.total, view.newCount], [full.stateCounts, full.shown, full.total, full.newCount]);
        state = next;
      }
    }
  }
});

test('property: the inbox updated from each diff alone (in place or not) equals a full pass, over random diff sequences', () => {
  const SEV = ['critical', 'warning', 'info', 'x'];
  const START = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'];
  const ack = { by: 'al', at: 1, endsAt: 2, silenceIds: ['s'], comment: '' };
  // An alert's labels follow from its fingerprint (as in Alertmanager); severity and start may move it.
  const make = (i: number, sev: number, start: number, st: number, v: number) =>
    alert(`f${i}`, { alertname: `A${i % 3}`, instance: `server-${i % 5}`, severity: SEV[(i + sev) % 4]! }, {
      startsAt: START[start]!,
      annotations: { summary: `v${v}` },
      ...(st === 1 ? { silencedBy: ['m'] } : st === 2 ? { ack, silencedBy: ['s'] } : st === 3 ? { inhibitedBy: ['x'] } : {}),
    });
  const arbAlert = fc.record({ i: fc.integer({ min: 0, max: 30 }), sev: fc.integer({ min: 0, max: 1 }), start: fc.integer({ min: 0, max: 2 }), st: fc.integer({ min: 0, max: 3 }), v: fc.integer({ min: 0, max: 3 }) });
  // A step: replace alerts at their places only (what most warm polls bring), or any mix of upserts and removals.
  const arbStep = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), picks: fc.array(fc.record({ i: fc.integer({ min: 0, max: 30 }), st: fc.integer({ min: 0, max: 3 }), v: fc.integer({ min: 0, max: 3 }) }), { maxLength: 8 }) }),
    fc.record({ kind: fc.constant('mixed' as const), upserts: fc.array(arbAlert, { maxLength: 6 }), removals: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }) }),
  );
  fc.assert(
    fc.property(
      fc.array(arbAlert, { maxLength: 30 }),
      fc.array(arbStep, { minLength: 1, maxLength: 12 }),
      fc.constantFrom('', 'severity="warning"', 'server-3', 'v1'),
      fc.constantFrom('alertname', 'severity', 'instance', null),
      fc.subarray(['active', 'acknowledged', 'silenced', 'inhibited'] as const),
      fc.boolean(),
      (initial, steps, text, groupBy, stateList, fold) => {
        const pf = parseFilter(text);
        if (!pf.ok) throw new Error(pf.error);
        const states = new Set<'active' | 'acknowledged' | 'silenced' | 'inhibited'>(stateList);
        const collapsed = new Set(fold && groupBy ? [`${groupBy}=A1`, `${groupBy}=warning`] : []);
        const mark = Date.parse('2026-01-02T00:00:00Z');
        let state: Parameters<typeof applyAlertsUpdate>[0] = { seq: 0, environment: 'e', byFingerprint: new Map() };
        const first = new Map(initial.map((x) => [`f${x.i}`, make(x.i, x.sev, x.start, x.st, x.v)]));
        state = { ...state, ...applyAlertsUpdate(state, { kind: 'snapshot', seq: 1, environment: 'e', alerts: [...first.values()] }) };
        let view = computeInbox(state.sorted!, pf.filter, states, groupBy, collapsed, mark);
        steps.forEach((step, n) => {
          let upserted: AlertView[];
          let removed: string[] = [];
          if (step.kind === 'replace') {
            const byFp = new Map<string, AlertView>();
            for (const p of step.picks) {
              const old = state.byFingerprint.get(`f${p.i}`);
              if (old) byFp.set(old.fingerprint, { ...make(p.i, 0, 0, p.st, p.v), labels: old.labels, startsAt: old.startsAt });
            }
            upserted = [...byFp.values()];
          } else {
            upserted = [...new Map(step.upserts.map((x) => [`f${x.i}`, make(x.i, x.sev, x.start, x.st, x.v)])).values()];
            removed = step.removals.map((i) => `f${i}`).filter((fp) => !upserted.some((u) => u.fingerprint === fp));
          }
          const next = { ...state, ...applyAlertsUpdate(state, { kind: 'diff', seq: n + 2, environment: 'e', upserted, removed }) };
          assert.ok(next.change && next.change.fromVersion === state.version);
          if (step.kind === 'replace') assert.ok(next.change.inPlace, 'replacements at their places are applied in place');
          view = updateInbox(view, next.change.gone, next.change.added, pf.filter, states, groupBy, collapsed, mark, next.change.inPlace);
          assert.deepEqual(next.sorted, [...next.byFingerprint.values()].sort(compareAlerts));
          const full = computeInbox(next.sorted!, pf.filter, states, groupBy, collapsed, mark);
          assert.deepEqual(view.rows.toArray(), full.rows.toArray());
          assert.deepEqual(view.groups, full.groups);
          assert.deepEqual([view.stateCounts, view.shown, view.total, view.newCount], [full.stateCounts, full.shown, full.total, full.newCount]);
          state = next;
        });
      },
    ),
    { numRuns: 300 },
  );
});
