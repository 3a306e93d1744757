import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView } from '../../../preload/contract';
import { compareAlerts, mergeSorted } from '../../../main/alerts/alert-order';
import { AlertMapView, applyAlertsUpdate } from './alerts-store';
import { replaceInPlace, updateSorted } from '../../../main/alerts/alert-order';

function alert(fp: string, severity: string, startsAt: string, summary = ''): AlertView {
  return { fingerprint: fp, labels: { alertname: 'A', severity }, annotations: { summary }, startsAt, updatedAt: '', endsAt: '', generatorURL: '', state: 'active', silencedBy: [], inhibitedBy: [], receivers: [], alertmanagers: ['am'] };
}

const SEVERITIES = ['critical', 'warning', 'info', 'x'];
const STARTS = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'];

test('updateSorted: an alert replaced at its own place is written over in a copy; the list it came from is not changed', () => {
  const a = alert('a', 'critical', STARTS[0]!);
  const b = alert('b', 'warning', STARTS[0]!);
  const c = alert('c', 'info', STARTS[0]!);
  const sorted = [a, b, c];
  const b2 = alert('b', 'warning', STARTS[0]!, 'new summary');
  const out = updateSorted(sorted, [b], [b2]);
  assert.deepEqual(out, [a, b2, c]);
  assert.equal(out[1], b2);
  assert.deepEqual(sorted, [a, b, c]);
  assert.notEqual(out, sorted);
  // Moved (a new start), removed and added in the same change.
  const a2 = alert('a', 'critical', STARTS[2]!);
  const d = alert('d', 'critical', STARTS[1]!);
  assert.deepEqual(updateSorted(out, [a, c, b2], [a2, b, d]).map((x) => x.fingerprint), ['a', 'd', 'b']);
});

test('updateSorted gives the same list as mergeSorted and as a full sort (random changes)', () => {
  const arbAlert = fc.record({ fp: fc.integer({ min: 0, max: 40 }), sev: fc.integer({ min: 0, max: 3 }), start: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 3 }) });
  fc.assert(
    fc.property(fc.array(arbAlert, { maxLength: 40 }), fc.array(arbAlert, { maxLength: 15 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }), (initial, upserts, removals) => {
      const byFp = new Map<string, AlertView>();
      for (const x of initial) byFp.set(`f${x.fp}`, alert(`f${x.fp}`, SEVERITIES[x.sev]!, STARTS[x.start]!, `v${x.v}`));
      const sorted = [...byFp.values()].sort(compareAlerts);
      const gone: AlertView[] = [];
      const added: AlertView[] = [];
      const next = new Map(byFp);
      for (const fp of removals) {
        const old = next.get(`f${fp}`);
        if (old && byFp.get(`f${fp}`) === old) gone.push(old);
        next.delete(`f${fp}`);
      }
      for (const x of upserts) {
        const fp = `f${x.fp}`;
        if (added.some((a) => a.fingerprint === fp)) continue;
        const old = next.get(fp);
        if (old) gone.push(old);
        // Often the same place (same severity and start), sometimes a move.
        const same = old && x.v !== 0;
        const a = same ? alert(fp, old.labels.severity!, old.startsAt, `u${x.v}`) : alert(fp, SEVERITIES[x.sev]!, STARTS[x.start]!, `u${x.v}`);
        next.set(fp, a);
        added.push(a);
      }
      const expected = [...next.values()].sort(compareAlerts);
      assert.deepEqual(updateSorted(sorted, gone, added), expected);
      assert.deepEqual(updateSorted(sorted, gone, added), mergeSorted(sorted, gone, added));
    }),
    { numRuns: 300 },
  );
});

test('alerts resolving and firing for many polls: the Map keeps the right alerts (it is compacted in place on the way)', () => {
  let state: Parameters<typeof applyAlertsUpdate>[0] = { seq: 0, environment: 'e', byFingerprint: new Map() };
  const make = (i: number, start: string) => alert(`f${i}`, SEVERITIES[i % 4]!, start);
  state = { ...state, ...applyAlertsUpdate(state, { kind: 'snapshot', seq: 1, environment: 'e', alerts: Array.from({ length: 6000 }, (_, i) => make(i, STARTS[0]!)) }) };
  const backing = (state.byFingerprint as AlertMapView).backing;
  const expected = new Map([...state.byFingerprint]);
  for (let round = 1; round <= 40; round++) {
    // 100 resolve, the 100 resolved last round fire again (a new start).
    const removed = Array.from({ length: 100 }, (_, k) => `f${(round * 100 + k) % 6000}`);
    const upserted = round > 1 ? Array.from({ length: 100 }, (_, k) => make(((round - 1) * 100 + k) % 6000, STARTS[round % 3]!)) : [];
    for (const fp of removed) expected.delete(fp);
    for (const a of upserted) expected.set(a.fingerprint, a);
    state = { ...state, ...applyAlertsUpdate(state, { kind: 'diff', seq: round + 1, environment: 'e', upserted, removed }) };
  }
  assert.equal((state.byFingerprint as AlertMapView).backing, backing, 'the same Map object');
  assert.deepEqual(new Map([...state.byFingerprint]), expected);
  assert.deepEqual(state.sorted, [...expected.values()].sort(compareAlerts));
});

test('replaceInPlace: same-place replacements are written into the list itself; anything else leaves it untouched', () => {
  const a = alert('a', 'critical', STARTS[0]!);
  const b = alert('b', 'warning', STARTS[0]!);
  const c = alert('c', 'info', STARTS[0]!);
  const list = [a, b, c];
  const b2 = alert('b', 'warning', STARTS[0]!, 'new summary');
  assert.equal(replaceInPlace(list, [b], [b2]), true);
  assert.deepEqual(list, [a, b2, c]);
  assert.equal(list[1], b2);
  // A move (new start), a new alert, an object not in the list: refused before anything is written.
  const c2 = alert('c', 'info', STARTS[2]!);
  const a2 = alert('a', 'critical', STARTS[0]!, 'x');
  assert.equal(replaceInPlace(list, [a, c], [a2, c2]), false);
  assert.equal(replaceInPlace(list, [a], [a2, alert('d', 'info', STARTS[1]!)]), false);
  assert.equal(replaceInPlace(list, [b], [alert('b', 'warning', STARTS[0]!, 'y')]), false);
  assert.deepEqual(list, [a, b2, c]);
  // Through the store: the same array, a new version, and the change says so.
  let state: Parameters<typeof applyAlertsUpdate>[0] = { seq: 0, environment: 'e', byFingerprint: new Map() };
  state = { ...state, ...applyAlertsUpdate(state, { kind: 'snapshot', seq: 1, environment: 'e', alerts: [a, b, c] }) };
  const sorted = state.sorted;
  const next = applyAlertsUpdate(state, { kind: 'diff', seq: 2, environment: 'e', upserted: [b2], removed: [] });
  assert.equal(next.sorted, sorted);
  assert.notEqual(next.version, state.version);
  assert.equal(next.change?.inPlace, true);
  assert.deepEqual(next.sorted, [a, b2, c]);
});
