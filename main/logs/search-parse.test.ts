/**
 * parseSearchResponse checks hits by hand (the envelope by the schema) and falls back to the full schema
 * otherwise: the same result for every answer the schema accepts, an error wherever it rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSearchResponse } from '../clients/elasticsearch';
import { SourceError } from '../clients/source-error';

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const odd = fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant({}));
const hit = fc.record(
  {
    _index: fc.oneof({ weight: 9, arbitrary: fc.string({ maxLength: 4 }) }, odd),
    _id: fc.oneof({ weight: 9, arbitrary: fc.string({ maxLength: 4 }) }, odd),
    _score: maybe(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.string())),
    _source: maybe(fc.oneof({ weight: 9, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) }, odd)),
    fields: maybe(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof({ weight: 5, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }) }, odd), { maxKeys: 2 })),
    highlight: maybe(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof({ weight: 5, arbitrary: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }) }, fc.array(fc.integer(), { minLength: 1, maxLength: 1 })), { maxKeys: 2 })),
    sort: maybe(fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null), fc.constant({})), { maxLength: 2 })),
  },
  { requiredKeys: ['_index', '_id'] },
);
const answer = fc.record({
  took: fc.oneof({ weight: 9, arbitrary: fc.nat() }, fc.constant(-1)),
  timed_out: fc.boolean(),
  _shards: fc.record({ total: fc.nat(3), successful: fc.nat(3), failed: fc.oneof({ weight: 9, arbitrary: fc.nat(1) }, fc.constant('x')) }),
  hits: fc.record({ total: maybe(fc.oneof(fc.nat(), fc.record({ value: fc.nat(), relation: fc.constantFrom('eq', 'gte') }))), hits: fc.array(hit, { maxLength: 4 }) }),
});

test('parseSearchResponse: the fast path gives exactly what the schema gives, and fails where it fails', () => {
  // The reference: the same answer with one field the fast check does not know about on the first hit, so
  // that it goes through the schema alone (unknown keys are dropped by both).
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(answer, (value) => {
      const raw = JSON.parse(JSON.stringify(value)) as { hits: { hits: Record<string, unknown>[] } };
      const slow = JSON.parse(JSON.stringify(value)) as { hits: { hits: unknown[] } };
      slow.hits.hits.push(1); // never a valid hit: the fast path declines
      let expected: unknown;
      try {
        parseSearchResponse(slow);
      } catch (err) {
        expected = err;
      }
      assert.ok(expected instanceof SourceError && expected.kind === 'parse');
      const withoutBad = JSON.parse(JSON.stringify(value)) as unknown;
      let fast: ReturnType<typeof parseSearchResponse> | null = null;
      let fastErr: unknown = null;
      try {
        fast = parseSearchResponse(withoutBad);
      } catch (err) {
        fastErr = err;
      }
      if (fast) {
        accepted += 1;
        assert.equal(fast.hits.length, raw.hits.hits.length);
        for (const [i, h] of fast.hits.entries()) {
          const r = raw.hits.hits[i]!;
          assert.equal(h.id, r._id);
          assert.deepEqual(h.source, r._source ?? {});
          assert.deepEqual(h.sort, r.sort);
        }
      } else {
        rejected += 1;
        assert.ok(fastErr instanceof SourceError && fastErr.kind === 'parse' && /^unexpected Elasticsearch search answer: /.test(fastErr.message));
      }
    }),
    { numRuns: 2000 },
  );
  assert.ok(accepted > 50 && rejected > 50, `both sides exercised: ${accepted} accepted, ${rejected} rejected`);
});
