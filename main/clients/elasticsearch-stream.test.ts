/**
 * searchAnswerSink (a search answer read as it streams in) must give what parseSearchResponse gives for the
 * whole text: the same result, or the same error naming the field; onHits gets every hit once, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSearchResponse, searchAnswerSink, type SearchHit, type SearchResult } from './elasticsearch';

function whole(text: string): SearchResult | Error {
  try {
    return parseSearchResponse(JSON.parse(text));
  } catch (err) {
    return err as Error;
  }
}

function streamed(text: string, cuts: number[]): { result: SearchResult | Error; handed: SearchHit[] } {
  const bytes = Buffer.from(text);
  const handed: SearchHit[] = [];
  const sink = searchAnswerSink((hits) => handed.push(...hits));
  try {
    let from = 0;
    for (const p of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length)) {
      if (p > from) sink.push(bytes.subarray(from, p));
      from = Math.max(from, p);
    }
    return { result: sink.end(), handed };
  } catch (err) {
    return { result: err as Error, handed };
  }
}

const goodHit = fc.record({
  _index: fc.constantFrom('logs-1', 'logs-2'),
  _id: fc.string({ maxLength: 5 }),
  _score: fc.constantFrom(null, 1.5),
  _source: fc.record({ message: fc.string({ maxLength: 12 }), '@timestamp': fc.constant('2026-01-01T00:00:00.000Z') }),
  sort: fc.tuple(fc.integer(), fc.integer()),
});
/** Hits that are not the common shape: the schema names what is wrong (or, for a few, accepts them). */
const oddHit = fc.oneof(
  goodHit.map((h) => ({ ...h, _id: 7 })),
  goodHit.map((h) => ({ ...h, sort: [{}] })),
  goodHit.map((h) => ({ ...h, _source: 'text' })),
  goodHit.map((h) => ({ ...h, highlight: { message: [1] } })),
);

test('searchAnswerSink: the same result or the same error as the whole-text parse, cut anywhere', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 6, arbitrary: goodHit }, { weight: 1, arbitrary: oddHit }), { maxLength: 10 }),
      fc.constantFrom('ok', 'no-took', 'bad-shards', 'no-hits-array'),
      fc.array(fc.nat({ max: 3000 }), { maxLength: 10 }),
      (hits, envelope, cuts) => {
        const answer: Record<string, unknown> = { took: 3, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits }, aggregations: { h: { buckets: [] } } };
        if (envelope === 'no-took') delete answer.took;
        if (envelope === 'bad-shards') answer._shards = { total: 'x' };
        if (envelope === 'no-hits-array') answer.hits = { total: 0, hits: 'none' };
        const text = JSON.stringify(answer);
        const want = whole(text);
        const got = streamed(text, cuts);
        if (want instanceof Error) {
          assert.ok(got.result instanceof Error, 'accepted what the whole-text parse refuses');
          assert.equal(got.result.message, want.message);
        } else {
          assert.ok(!(got.result instanceof Error), `refused: ${got.result instanceof Error ? got.result.message : ''}`);
          assert.deepEqual(got.result, want);
          assert.deepEqual(got.handed, want.hits);
        }
      },
    ),
    { numRuns: 1500 },
  );
});
