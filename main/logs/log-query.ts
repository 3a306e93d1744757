/**
 * Pure builder of the log view's search request (no I/O): the operator's Lucene query string in
 * bool.must, the time range and filter pills in bool.filter / bool.must_not, newest-first sort with a
 * tiebreaker for search_after, highlight with sentinel tags (never markup), a date histogram sized
 * for the range, and terms aggregations for the field sidebar.
 */
import { parseDateHistogramAgg, parseTermsAgg, type HistogramBucket, type SearchResult, type TermsAggResult } from '../clients/elasticsearch';

/** A filter pill: `field` is (or, negated, is not) `value`; a null value means "field exists". */
export interface LogFilter {
  field: string;
  value: string | number | boolean | null;
  negate: boolean;
}

export type SortValue = string | number | boolean | null;

export interface LogSearchParams {
  /** Lucene syntax as typed (`service:synapse AND level:ERROR`); empty means everything. */
  query: string;
  /** Epoch ms, inclusive. */
  from: number;
  to: number;
  size: number;
  /** `sort` values of the last hit of the previous page. */
  searchAfter?: SortValue[];
  filters?: LogFilter[];
  /** Histogram bucket width; absent → chosen for the range (60–120 buckets); null → no histogram. */
  histogramIntervalMs?: number | null;
  /** Fields for the sidebar's top values (terms aggregations named by termsAggName). */
  termsFields?: string[];
  /** Buckets per terms aggregation (default 10). */
  termsSize?: number;
  highlight: boolean;
  timestampField: string;
  sortDesc: boolean;
  /**
   * Second sort key that makes the order total for search_after: `_doc` (default; any search),
   * `_shard_doc` (Elasticsearch >= 7.12 with a PIT), or null for none.
   */
  tiebreaker?: '_doc' | '_shard_doc' | null;
  /** Default true (exact). A number counts exactly up to it, false asks for no total. */
  trackTotalHits?: boolean | number;
  /** Search through a point in time (then the request must go to /_search without an index). */
  pit?: { id: string; keepAlive: string };
}

export interface EsSearchBody extends Record<string, unknown> {
  size: number;
  track_total_hits: boolean | number;
  query: { bool: { must: unknown[]; filter: unknown[]; must_not: unknown[] } };
  sort: Record<string, unknown>[];
  search_after?: SortValue[];
  pit?: { id: string; keep_alive: string };
  highlight?: Record<string, unknown>;
  aggs?: Record<string, unknown>;
}

/** Highlight tags sent to the server; the renderer splits on them with splitHighlight (no HTML). */
export const HIGHLIGHT_PRE_TAG = '@ops-hl@';
export const HIGHLIGHT_POST_TAG = '@/ops-hl@';
export const HISTOGRAM_AGG = 'histogram';
export const MAX_RESULT_WINDOW = 10_000;

export function termsAggName(field: string): string {
  return `terms:${field}`;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Consecutive steps differ by at most 2×, which keeps the bucket count within 60–120. */
const LADDER = [
  100, 200, 250, 500,
  S, 2 * S, 3 * S, 5 * S, 10 * S, 15 * S, 30 * S,
  M, 2 * M, 3 * M, 5 * M, 10 * M, 15 * M, 30 * M,
  H, 2 * H, 3 * H, 6 * H, 12 * H,
  D, 2 * D, 3 * D, 5 * D, 7 * D, 10 * D, 14 * D, 20 * D, 30 * D, 60 * D, 90 * D, 180 * D, 360 * D,
];
const MAX_BUCKETS = 120;

/** `fixed_interval` text for a width in ms: the largest unit that divides it (`90000` → `90s`). */
export function formatFixedInterval(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`histogram interval must be a positive whole number of ms, got ${ms}`);
  for (const [unit, size] of [['d', D], ['h', H], ['m', M], ['s', S]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export interface HistogramInterval {
  ms: number;
  /** For `fixed_interval`, e.g. `15m`. */
  fixedInterval: string;
}

/**
 * A round bucket width giving 60–120 buckets over `rangeMs` (counting the partial buckets at both
 * ends). Ranges under ~12 s get 100 ms buckets (fewer than 60); ranges over ~117 years, 360 d.
 */
export function chooseHistogramInterval(rangeMs: number): HistogramInterval {
  const range = Math.max(0, rangeMs);
  // A range spans at most floor(range/ms) + 1 aligned buckets (+1 more when it ends on a boundary).
  const ms = LADDER.find((w) => Math.floor(range / w) + 2 <= MAX_BUCKETS) ?? (LADDER[LADDER.length - 1] as number);
  return { ms, fixedInterval: formatFixedInterval(ms) };
}

function filterClause(f: LogFilter): unknown {
  if (f.value === null) return { exists: { field: f.field } };
  return { match_phrase: { [f.field]: f.value } };
}

export function buildLogSearch(p: LogSearchParams): EsSearchBody {
  if (!Number.isFinite(p.from) || !Number.isFinite(p.to) || p.from > p.to) throw new RangeError(`invalid time range ${p.from}..${p.to}`);
  if (!Number.isInteger(p.size) || p.size < 0 || p.size > MAX_RESULT_WINDOW) throw new RangeError(`size must be 0..${MAX_RESULT_WINDOW}, got ${p.size}`);
  const order = p.sortDesc ? 'desc' : 'asc';
  const must: unknown[] = [];
  const q = p.query.trim();
  if (q !== '') must.push({ query_string: { query: q, analyze_wildcard: true, default_operator: 'OR' } });
  const filter: unknown[] = [{ range: { [p.timestampField]: { gte: p.from, lte: p.to, format: 'epoch_millis' } } }];
  const mustNot: unknown[] = [];
  for (const f of p.filters ?? []) (f.negate ? mustNot : filter).push(filterClause(f));

  const sort: Record<string, unknown>[] = [{ [p.timestampField]: { order, unmapped_type: 'boolean' } }];
  const tiebreaker = p.tiebreaker === undefined ? '_doc' : p.tiebreaker;
  if (tiebreaker) sort.push({ [tiebreaker]: order });

  const body: EsSearchBody = {
    size: p.size,
    track_total_hits: p.trackTotalHits ?? true,
    query: { bool: { must, filter, must_not: mustNot } },
    sort,
  };
  if (p.searchAfter && p.searchAfter.length > 0) body.search_after = p.searchAfter;
  if (p.pit) body.pit = { id: p.pit.id, keep_alive: p.pit.keepAlive };
  if (p.highlight) {
    body.highlight = {
      pre_tags: [HIGHLIGHT_PRE_TAG],
      post_tags: [HIGHLIGHT_POST_TAG],
      fields: { '*': {} },
      require_field_match: true,
      number_of_fragments: 0,
    };
  }
  const aggs: Record<string, unknown> = {};
  if (p.histogramIntervalMs !== null) {
    const fixed = p.histogramIntervalMs === undefined ? chooseHistogramInterval(p.to - p.from).fixedInterval : formatFixedInterval(p.histogramIntervalMs);
    aggs[HISTOGRAM_AGG] = {
      date_histogram: { field: p.timestampField, fixed_interval: fixed, min_doc_count: 0, extended_bounds: { min: p.from, max: p.to } },
    };
  }
  for (const field of p.termsFields ?? []) aggs[termsAggName(field)] = { terms: { field, size: p.termsSize ?? 10 } };
  if (Object.keys(aggs).length > 0) body.aggs = aggs;
  return body;
}

export interface LogAggregations {
  histogram: HistogramBucket[];
  terms: Record<string, TermsAggResult>;
}

/** Reads the histogram and sidebar aggregations of an answer to a buildLogSearch body. */
export function readLogAggregations(result: Pick<SearchResult, 'aggregations'>, termsFields: string[] = []): LogAggregations {
  const terms: Record<string, TermsAggResult> = {};
  for (const f of termsFields) terms[f] = parseTermsAgg(result, termsAggName(f));
  return { histogram: parseDateHistogramAgg(result, HISTOGRAM_AGG), terms };
}

export interface HighlightSegment {
  text: string;
  hit: boolean;
}

/** Splits a highlighted fragment into plain-text segments; `hit` marks the matched parts. */
export function splitHighlight(fragment: string, pre = HIGHLIGHT_PRE_TAG, post = HIGHLIGHT_POST_TAG): HighlightSegment[] {
  const out: HighlightSegment[] = [];
  let rest = fragment;
  while (rest.length > 0) {
    const a = rest.indexOf(pre);
    if (a < 0) break;
    const b = rest.indexOf(post, a + pre.length);
    if (b < 0) break;
    if (a > 0) out.push({ text: rest.slice(0, a), hit: false });
    out.push({ text: rest.slice(a + pre.length, b), hit: true });
    rest = rest.slice(b + post.length);
  }
  if (rest.length > 0) out.push({ text: rest, hit: false });
  // Merge neighbours of the same kind ("a" "b" both hits separated by nothing).
  return out.reduce<HighlightSegment[]>((acc, s) => {
    const last = acc[acc.length - 1];
    if (last && last.hit === s.hit) last.text += s.text;
    else acc.push({ ...s });
    return acc;
  }, []);
}
