/**
 * parseAlerts checks the common well-formed answer by hand and falls back to the zod schema otherwise:
 * the two must give the same value for every answer the schema accepts, and an error for every one it
 * rejects (the schema's own message, naming the field).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { z } from 'zod';
import { gettableAlertSchema, parseAlertAt, parseAlerts } from '../clients/alertmanager';
import { reuseUnchanged } from './alert-merge';
import { SourceError } from '../clients/source-error';

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const strings = fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 5 }) }, fc.constant(null), fc.integer()), { maxKeys: 3 });
const list = fc.oneof(fc.constant(null), fc.constant(undefined), fc.array(fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 4 }) }, fc.integer()), { maxLength: 2 }));
const rawAlert = fc.record(
  {
    labels: strings,
    annotations: maybe(strings),
    receivers: maybe(fc.array(fc.record({ name: fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 4 }) }, fc.integer()), extra: maybe(fc.integer()) }), { maxLength: 2 })),
    fingerprint: fc.oneof({ weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) }, fc.constant(''), fc.integer()),
    startsAt: fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 4 }) }, fc.constant(null)),
    updatedAt: maybe(fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 4 }) }, fc.constant(null))),
    endsAt: maybe(fc.string({ maxLength: 4 })),
    generatorURL: maybe(fc.oneof(fc.string({ maxLength: 4 }), fc.integer())),
    status: fc.record(
      { state: fc.constantFrom('active', 'suppressed', 'unprocessed', 'firing'), silencedBy: list, inhibitedBy: list, mutedBy: list, other: fc.integer() },
      { requiredKeys: ['state'] },
    ),
    unknown: fc.anything(),
  },
  { requiredKeys: ['labels', 'fingerprint', 'startsAt', 'status'] },
);

test('parseAlerts: the fast path gives exactly what the schema gives, and fails where it fails', () => {
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.oneof({ weight: 9, arbitrary: fc.array(rawAlert, { maxLength: 4 }) }, fc.anything()), (value) => {
      const raw: unknown = JSON.parse(JSON.stringify(value ?? null));
      const expected = z.array(gettableAlertSchema).safeParse(raw);
      if (expected.success) {
        accepted += 1;
        assert.deepEqual(JSON.parse(JSON.stringify(parseAlerts(raw))), JSON.parse(JSON.stringify(expected.data)));
      } else {
        rejected += 1;
        assert.throws(() => parseAlerts(raw), (err: unknown) => err instanceof SourceError && err.kind === 'parse' && /^unexpected Alertmanager alerts answer: /.test(err.message));
      }
    }),
    { numRuns: 3000 },
  );
  assert.ok(accepted > 100 && rejected > 100, `both sides exercised: ${accepted} accepted, ${rejected} rejected`);
});

test('parseAlerts: a wrong field is named', () => {
  const ok = { labels: { alertname: 'A' }, fingerprint: 'f1', startsAt: '2026-01-01T00:00:00Z', status: { state: 'active', silencedBy: null, inhibitedBy: [] } };
  assert.equal(parseAlerts([ok])[0]?.endsAt, '');
  assert.throws(() => parseAlerts([ok, { ...ok, labels: { alertname: 3 } }]), /\[1\]\.labels\.alertname/);
});

test('parseAlertAt: element by element, the same alerts as parseAlerts, and an error naming [index].field', () => {
  let checked = 0;
  fc.assert(
    fc.property(fc.array(rawAlert, { maxLength: 4 }), (value) => {
      const raw = JSON.parse(JSON.stringify(value)) as unknown[];
      const whole = z.array(gettableAlertSchema).safeParse(raw);
      if (whole.success) {
        assert.deepEqual(JSON.parse(JSON.stringify(raw.map((a, i) => parseAlertAt(a, i)))), JSON.parse(JSON.stringify(whole.data)));
      } else {
        const bad = raw.findIndex((a) => !gettableAlertSchema.safeParse(a).success);
        assert.throws(() => parseAlertAt(raw[bad], bad), (err: unknown) => err instanceof SourceError && err.kind === 'parse' && err.message.startsWith(`unexpected Alertmanager alerts answer: [${bad}]`));
      }
      checked++;
    }),
    { numRuns: 1500 },
  );
  assert.equal(checked, 1500);
});

test('reuseUnchanged: the previous object when nothing but the object changed; otherwise the new value', () => {
  let reused = 0;
  let fresh = 0;
  const valid = fc.array(rawAlert, { minLength: 2, maxLength: 2 }).filter((pair) => pair.every((a) => gettableAlertSchema.safeParse(JSON.parse(JSON.stringify(a))).success));
  fc.assert(
    fc.property(valid, fc.boolean(), (pair, same) => {
      const [a, b] = pair.map((x) => gettableAlertSchema.parse(JSON.parse(JSON.stringify(x))));
      const prev = a!;
      const next = same ? (JSON.parse(JSON.stringify(prev)) as typeof prev) : b!;
      const got = reuseUnchanged(prev, next);
      // Whatever it returns says exactly what the new answer says (mutedBy absent and undefined are the same).
      assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(next)));
      if (got === prev) reused++;
      else fresh++;
      if (same) assert.equal(got, prev);
    }),
    { numRuns: 1000 },
  );
  assert.ok(reused > 100 && fresh > 100, `${reused} reused, ${fresh} fresh`);
});

test('reuseUnchanged: only updatedAt moving keeps the labels and annotations objects in a new shell', () => {
  const prev = parseAlertAt({ labels: { alertname: 'A' }, annotations: { summary: 's' }, fingerprint: 'f', startsAt: 't0', updatedAt: 'u1', status: { state: 'active' } }, 0);
  const next = parseAlertAt({ labels: { alertname: 'A' }, annotations: { summary: 's' }, fingerprint: 'f', startsAt: 't0', updatedAt: 'u2', status: { state: 'active' } }, 0);
  const got = reuseUnchanged(prev, next);
  assert.notEqual(got, prev);
  assert.equal(got.updatedAt, 'u2');
  assert.equal(got.labels, prev.labels);
  assert.equal(got.annotations, prev.annotations);
  const changed = parseAlertAt({ labels: { alertname: 'A' }, annotations: { summary: 'other' }, fingerprint: 'f', startsAt: 't0', updatedAt: 'u1', status: { state: 'active' } }, 0);
  assert.equal(reuseUnchanged(prev, changed), changed);
});
