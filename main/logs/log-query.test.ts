import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildLogSearch,
  chooseHistogramInterval,
  formatFixedInterval,
  HIGHLIGHT_POST_TAG,
  HIGHLIGHT_PRE_TAG,
  HISTOGRAM_AGG,
  readLogAggregations,
  splitHighlight,
  termsAggName,
  type LogSearchParams,
} from './log-query';

const H = 3_600_000;
const base: LogSearchParams = {
  query: 'service:synapse AND level:ERROR',
  from: 1_700_000_000_000,
  to: 1_700_000_000_000 + 24 * H,
  size: 100,
  highlight: true,
  timestampField: '@timestamp',
  sortDesc: true,
};

describe('buildLogSearch', () => {
  it('puts the Lucene query in bool.must and the time range in bool.filter', () => {
    const body = buildLogSearch(base);
    assert.deepEqual(body.query.bool.must, [{ query_string: { query: 'service:synapse AND level:ERROR', analyze_wildcard: true, default_operator: 'OR' } }]);
    assert.deepEqual(body.query.bool.filter[0], { range: { '@timestamp': { gte: base.from, lte: base.to, format: 'epoch_millis' } } });
    assert.deepEqual(body.query.bool.must_not, []);
    assert.equal(body.size, 100);
    assert.equal(body.track_total_hits, true);
  });

  it('sends the query exactly as typed (trimmed), and no query_string for an empty query', () => {
    const typed = '  service:bridge AND processing_time:>1000 ';
    assert.equal((buildLogSearch({ ...base, query: typed }).query.bool.must[0] as { query_string: { query: string } }).query_string.query, typed.trim());
    assert.deepEqual(buildLogSearch({ ...base, query: '   ' }).query.bool.must, []);
  });

  it('sorts by the timestamp field with a tiebreaker in the same direction', () => {
    assert.deepEqual(buildLogSearch(base).sort, [{ '@timestamp': { order: 'desc', unmapped_type: 'boolean' } }, { _doc: 'desc' }]);
    assert.deepEqual(buildLogSearch({ ...base, sortDesc: false, tiebreaker: '_shard_doc', timestampField: 'ts' }).sort, [
      { ts: { order: 'asc', unmapped_type: 'boolean' } },
      { _shard_doc: 'asc' },
    ]);
    assert.equal(buildLogSearch({ ...base, tiebreaker: null }).sort.length, 1);
  });

  it('turns filter pills into match_phrase (or exists) in filter / must_not', () => {
    const body = buildLogSearch({
      ...base,
      filters: [
        { field: 'host', value: 'server-001', negate: false },
        { field: 'level', value: 'DEBUG', negate: true },
        { field: 'processing_time', value: 1500, negate: false },
        { field: 'user', value: null, negate: true },
      ],
    });
    assert.deepEqual(body.query.bool.filter.slice(1), [{ match_phrase: { host: 'server-001' } }, { match_phrase: { processing_time: 1500 } }]);
    assert.deepEqual(body.query.bool.must_not, [{ match_phrase: { level: 'DEBUG' } }, { exists: { field: 'user' } }]);
  });

  it('adds search_after and pit only when given', () => {
    const plain = buildLogSearch(base);
    assert.equal('search_after' in plain, false);
    assert.equal('pit' in plain, false);
    const paged = buildLogSearch({ ...base, searchAfter: [1_700_000_000_123, 42], pit: { id: 'abc==', keepAlive: '1m' } });
    assert.deepEqual(paged.search_after, [1_700_000_000_123, 42]);
    assert.deepEqual(paged.pit, { id: 'abc==', keep_alive: '1m' });
    assert.equal('search_after' in buildLogSearch({ ...base, searchAfter: [] }), false);
  });

  it('highlights every field with sentinel tags, whole values', () => {
    assert.deepEqual(buildLogSearch(base).highlight, {
      pre_tags: [HIGHLIGHT_PRE_TAG],
      post_tags: [HIGHLIGHT_POST_TAG],
      fields: { '*': {} },
      require_field_match: true,
      number_of_fragments: 0,
    });
    assert.equal('highlight' in buildLogSearch({ ...base, highlight: false }), false);
  });

  it('adds a date histogram over the whole range and terms aggregations for the sidebar', () => {
    const body = buildLogSearch({ ...base, termsFields: ['service', 'host'], termsSize: 5 });
    assert.deepEqual(body.aggs?.[HISTOGRAM_AGG], {
      date_histogram: { field: '@timestamp', fixed_interval: '15m', min_doc_count: 0, extended_bounds: { min: base.from, max: base.to } },
    });
    assert.deepEqual(body.aggs?.[termsAggName('service')], { terms: { field: 'service', size: 5 } });
    assert.deepEqual(body.aggs?.[termsAggName('host')], { terms: { field: 'host', size: 5 } });
    const explicit = buildLogSearch({ ...base, histogramIntervalMs: 90_000 });
    assert.equal((explicit.aggs?.[HISTOGRAM_AGG] as { date_histogram: { fixed_interval: string } }).date_histogram.fixed_interval, '90s');
    assert.equal('aggs' in buildLogSearch({ ...base, histogramIntervalMs: null }), false);
  });

  it('passes trackTotalHits through and rejects impossible requests', () => {
    assert.equal(buildLogSearch({ ...base, trackTotalHits: false }).track_total_hits, false);
    assert.equal(buildLogSearch({ ...base, trackTotalHits: 10_000 }).track_total_hits, 10_000);
    assert.throws(() => buildLogSearch({ ...base, from: base.to + 1 }), RangeError);
    assert.throws(() => buildLogSearch({ ...base, size: 10_001 }), RangeError);
    assert.throws(() => buildLogSearch({ ...base, size: -1 }), RangeError);
    assert.throws(() => buildLogSearch({ ...base, histogramIntervalMs: 0 }), RangeError);
  });
});

describe('chooseHistogramInterval', () => {
  it('picks round intervals for the usual ranges', () => {
    const cases: [number, string][] = [
      [15 * 60_000, '10s'],
      [H, '1m'],
      [4 * H, '3m'],
      [24 * H, '15m'],
      [7 * 24 * H, '2h'],
      [30 * 24 * H, '12h'],
    ];
    for (const [range, want] of cases) assert.equal(chooseHistogramInterval(range).fixedInterval, want, `range ${range}`);
  });

  it('gives 60-120 aligned buckets for any range from 12 s to 10 years, wherever it starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12_000, max: 10 * 365 * 24 * H }), fc.integer({ min: 0, max: 2_000_000_000_000 }), (range, start) => {
        const { ms } = chooseHistogramInterval(range);
        const first = Math.floor(start / ms);
        const last = Math.floor((start + range) / ms);
        const buckets = last - first + 1;
        return buckets >= 60 && buckets <= 120;
      }),
      { numRuns: 2000 },
    );
  });

  it('formats fixed intervals with the largest whole unit', () => {
    assert.equal(formatFixedInterval(250), '250ms');
    assert.equal(formatFixedInterval(30_000), '30s');
    assert.equal(formatFixedInterval(90_000), '90s');
    assert.equal(formatFixedInterval(2 * H), '2h');
    assert.equal(formatFixedInterval(7 * 24 * H), '7d');
  });
});

describe('splitHighlight / readLogAggregations', () => {
  it('splits sentinel-tagged fragments into text segments, never markup', () => {
    const frag = `${HIGHLIGHT_PRE_TAG}Authentication${HIGHLIGHT_POST_TAG} ${HIGHLIGHT_PRE_TAG}failed${HIGHLIGHT_POST_TAG} for <b>@alice</b>`;
    assert.deepEqual(splitHighlight(frag), [
      { text: 'Authentication', hit: true },
      { text: ' ', hit: false },
      { text: 'failed', hit: true },
      { text: ' for <b>@alice</b>', hit: false },
    ]);
    assert.deepEqual(splitHighlight('no tags'), [{ text: 'no tags', hit: false }]);
    assert.deepEqual(splitHighlight(`${HIGHLIGHT_PRE_TAG}unterminated`), [{ text: `${HIGHLIGHT_PRE_TAG}unterminated`, hit: false }]);
  });

  it('reads histogram and terms buckets, and fails clearly on a wrong shape', () => {
    const aggs = readLogAggregations(
      {
        aggregations: {
          [HISTOGRAM_AGG]: { buckets: [{ key: 1, key_as_string: '1970-01-01T00:00:00.001Z', doc_count: 3 }] },
          [termsAggName('service')]: { doc_count_error_upper_bound: 0, sum_other_doc_count: 4, buckets: [{ key: 'synapse', doc_count: 9 }] },
        },
      },
      ['service', 'host'],
    );
    assert.deepEqual(aggs.histogram, [{ key: 1, keyAsString: '1970-01-01T00:00:00.001Z', count: 3 }]);
    assert.deepEqual(aggs.terms.service, { buckets: [{ key: 'synapse', count: 9 }], otherCount: 4 });
    assert.deepEqual(aggs.terms.host, { buckets: [], otherCount: 0 });
    assert.throws(() => readLogAggregations({ aggregations: { [HISTOGRAM_AGG]: { buckets: [{ key: 'x' }] } } }), /unexpected date_histogram aggregation "histogram"/);
  });
});
