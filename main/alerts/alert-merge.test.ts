/**
 * mergeAlertMaps keeps an unchanged alert's view across polls, and must never show anything other than what
 * a fresh merge of the same answers shows, over any sequence of polls of any set of HA replicas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { GettableAlert } from '../clients/alertmanager';
import type { AlertView } from '../../preload/contract';
import { byFingerprint, diffAlerts, mergeAlertMaps, mergeAlerts, reuseUnchanged, type ViewOrigin } from './alert-merge';

const alertArb = fc.record({
  fp: fc.constantFrom('f1', 'f2', 'f3', 'f4'),
  summary: fc.constantFrom('disk', 'cpu'),
  updatedAt: fc.constantFrom('2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z'),
  state: fc.constantFrom('active', 'suppressed'),
});
const sourceArb = fc.uniqueArray(alertArb, { selector: (a) => a.fp, maxLength: 4 });
// A poll: for each of three replicas, its answer or null (unreachable this poll).
const pollArb = fc.array(fc.option(sourceArb, { nil: null }), { minLength: 3, maxLength: 3 });

function gettable(a: { fp: string; summary: string; updatedAt: string; state: string }): GettableAlert {
  return {
    labels: { alertname: a.fp },
    annotations: { summary: a.summary },
    receivers: [{ name: 'team' }],
    fingerprint: a.fp,
    startsAt: '2026-01-01T00:00:00Z',
    updatedAt: a.updatedAt,
    endsAt: '',
    generatorURL: '',
    status: { state: a.state as GettableAlert['status']['state'], silencedBy: [], inhibitedBy: [] },
  };
}

/** One poll's answers as the feature reads them: each replica's alerts parsed, unchanged ones kept (reuseUnchanged). */
function answerPoll(poll: ({ fp: string; summary: string; updatedAt: string; state: string }[] | null)[], parsed: Map<string, Map<string, GettableAlert>>) {
  return poll.flatMap((answer, i) => {
    if (!answer) return [];
    const source = `am${i}`;
    const known = parsed.get(source);
    const alerts = answer.map((a) => reuseUnchanged(known?.get(a.fp), gettable(a)));
    const map = byFingerprint(alerts);
    parsed.set(source, map);
    return [{ source, alerts, byFingerprint: map }];
  });
}

test('mergeAlertMaps over a sequence of polls: always what a fresh merge shows; unchanged alerts keep their view', () => {
  let kept = 0;
  let rebuilt = 0;
  fc.assert(
    fc.property(fc.array(pollArb, { minLength: 1, maxLength: 6 }), (polls) => {
      let prev = new Map<string, AlertView>();
      const origins = new WeakMap<AlertView, ViewOrigin>();
      const parsed = new Map<string, Map<string, GettableAlert>>();
      // Every poll is answered twice in a row: the second time nothing changed, so every view must be kept.
      for (const [k, poll] of polls.flatMap((p) => [p, p]).entries()) {
        const perSource = answerPoll(poll, parsed);
        const merged = mergeAlertMaps(perSource, prev, origins);
        const fresh = mergeAlerts(perSource.map(({ source, alerts }) => ({ source, alerts })));
        assert.deepEqual(JSON.parse(JSON.stringify([...merged])), JSON.parse(JSON.stringify([...fresh])));
        for (const [fp, view] of merged) {
          const old = prev.get(fp);
          if (k % 2 === 1) assert.equal(view, old, `${fp} kept when the same answers come again`);
          if (old === view) kept++;
          else rebuilt++;
        }
        prev = merged;
      }
    }),
    { numRuns: 1500 },
  );
  assert.ok(kept > 500 && rebuilt > 500, `both exercised: ${kept} kept, ${rebuilt} rebuilt`);
});

test('mergeAlertMaps: a replica losing an alert, or one field changing, gives a new view', () => {
  const a = gettable({ fp: 'f1', summary: 'disk', updatedAt: '2026-01-01T00:00:01Z', state: 'active' });
  const origins = new WeakMap<AlertView, ViewOrigin>();
  const first = mergeAlertMaps([{ source: 'am0', byFingerprint: byFingerprint([a]) }, { source: 'am1', byFingerprint: byFingerprint([a]) }], new Map(), origins);
  assert.deepEqual(first.get('f1')?.alertmanagers, ['am0', 'am1']);
  const same = mergeAlertMaps([{ source: 'am0', byFingerprint: byFingerprint([a]) }, { source: 'am1', byFingerprint: byFingerprint([a]) }], first, origins);
  assert.equal(same.get('f1'), first.get('f1'));
  const lost = mergeAlertMaps([{ source: 'am0', byFingerprint: byFingerprint([a]) }, { source: 'am1', byFingerprint: new Map() }], same, origins);
  assert.notEqual(lost.get('f1'), same.get('f1'));
  assert.deepEqual(lost.get('f1')?.alertmanagers, ['am0']);
  const changed = { ...a, annotations: { summary: 'other' } };
  const next = mergeAlertMaps([{ source: 'am0', byFingerprint: byFingerprint([changed]) }], lost, origins);
  assert.equal(next.get('f1')?.annotations.summary, 'other');
});

test('as the feature runs it (merge, then diff keeping unchanged views): what a fresh merge shows but updatedAt, and a repeated answer allocates no view', () => {
  let polls = 0;
  fc.assert(
    fc.property(fc.array(pollArb, { minLength: 1, maxLength: 6 }), (sequence) => {
      let shown = new Map<string, AlertView>();
      const origins = new WeakMap<AlertView, ViewOrigin>();
      const parsed = new Map<string, Map<string, GettableAlert>>();
      for (const [k, poll] of sequence.flatMap((p) => [p, p]).entries()) {
        const perSource = answerPoll(poll, parsed);
        const merged = mergeAlertMaps(perSource, shown, origins);
        const built = [...merged].filter(([fp, v]) => shown.get(fp) !== v).length;
        diffAlerts(shown, merged, true, (kept, fresh) => {
          const o = origins.get(fresh);
          if (o) origins.set(kept, o);
        });
        if (k % 2 === 1) assert.equal(built, 0, 'the same answers again build no view');
        const fresh = mergeAlerts(perSource.map(({ source, alerts }) => ({ source, alerts })));
        const strip = (m: Map<string, AlertView>) => JSON.parse(JSON.stringify([...m].map(([fp, v]) => [fp, { ...v, updatedAt: '' }]))) as unknown;
        assert.deepEqual(strip(merged), strip(fresh));
        shown = merged;
        polls++;
      }
    }),
    { numRuns: 1000 },
  );
  assert.ok(polls > 2000);
});
