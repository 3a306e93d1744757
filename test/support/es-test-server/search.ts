/**
 * `_search` execution over one snapshot: query, post_filter, sort (+ search_after), from/size with
 * the result window check, track_total_hits, _source filtering, fields, highlight and aggregations.
 *
 * Sorting by the timestamp field (the usual log view) walks the time-sorted snapshot directly
 * (binary search for the time range and the search_after position) so deep paging over 200k docs
 * stays cheap; any other sort collects all matches and sorts them.
 * Sort values: dates are epoch millis (or formatted with a sort `format`), `_doc`/`_shard_doc` are the
 * document number (one shard), a missing value sorts last and is reported as null (ES reports
 * Long.MAX_VALUE/MIN_VALUE instead).
 */
import { fieldValues, Mapping } from './analysis';
import { runAggs, validateAggs } from './aggs';
import { formatDate, parseDateValue } from './dates';
import { allShardsFailed, httpError, resultWindowTooLarge, validationFailed } from './errors';
import { highlightRec, parseHighlight } from './highlight';
import { compileQuery, type HlMatcher, type QueryCtx } from './query';
import { EsHttpError, ShardFailure, versionAtLeast, type EsFlavor, type FieldType, type Rec, type Snapshot, type VersionInfo } from './types';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface SearchEnv {
  flavor: EsFlavor;
  version: VersionInfo;
  now: number;
  timestampField: string;
  maxResultWindow: number;
  maxBuckets: number;
  mapping: Mapping;
}

export interface SearchTarget {
  /** Concrete index searched, or null when the pattern matched no index (zero shards). */
  index: string | null;
  snapshot: Snapshot;
  pitId?: string;
}

type SortKind = 'field' | 'score' | 'doc' | 'shard_doc';
interface SortSpec {
  kind: SortKind;
  field: string;
  desc: boolean;
  type: FieldType | undefined;
  format?: string;
}

const KNOWN_BODY_KEYS = new Set([
  'query', 'size', 'from', 'sort', 'search_after', 'track_total_hits', 'highlight', 'aggs', 'aggregations', '_source', 'pit', 'timeout',
  'track_scores', 'fields', 'post_filter', 'min_score', 'version', 'seq_no_primary_term', 'explain', 'profile', 'stats', 'docvalue_fields', 'stored_fields',
]);
const UNSUPPORTED_BODY_KEYS = new Set(['collapse', 'suggest', 'rescore', 'script_fields', 'runtime_mappings', 'slice', 'indices_boost', 'knn', 'terminate_after', 'ext', 'rank', 'retriever']);

function parsingError(reason: string): EsHttpError {
  return httpError(400, 'parsing_exception', reason, { line: 1, col: 1 });
}

/** Shard-level failures come back wrapped in search_phase_execution_exception; parse errors do not. */
export function failureToHttp(f: ShardFailure, index: string): EsHttpError {
  if (f.type === 'parsing_exception' || f.type === 'x_content_parse_exception' || f.type === 'action_request_validation_exception') {
    return httpError(f.status, f.type, f.reason, f.type === 'action_request_validation_exception' ? {} : { line: 1, col: 1 });
  }
  return allShardsFailed(f, index);
}

function intParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw parsingError(`[${name}] failed to parse field [${name}]`);
  return n;
}

function parseSort(raw: unknown, env: SearchEnv): SortSpec[] {
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: SortSpec[] = [];
  const make = (field: string, opts: Json | string | undefined): SortSpec => {
    const kind: SortKind = field === '_score' ? 'score' : field === '_doc' ? 'doc' : field === '_shard_doc' ? 'shard_doc' : 'field';
    const orderRaw = typeof opts === 'string' ? opts : opts?.order;
    if (orderRaw !== undefined && orderRaw !== 'asc' && orderRaw !== 'desc') throw parsingError(`[sort] unknown order [${String(orderRaw)}]`);
    const desc = orderRaw === undefined ? kind === 'score' : orderRaw === 'desc';
    const spec: SortSpec = { kind, field, desc, type: kind === 'field' ? env.mapping.type(field) : undefined };
    if (isObj(opts)) {
      for (const k of Object.keys(opts)) {
        if (!['order', 'format', 'unmapped_type', 'missing', 'mode', 'numeric_type'].includes(k)) throw parsingError(`[field_sort] unknown field [${k}]`);
      }
      if (typeof opts.format === 'string') {
        if (env.flavor === 'opensearch' || !versionAtLeast(env.version, 7, 13)) throw parsingError('[field_sort] unknown field [format]');
        spec.format = opts.format;
      }
      if (kind === 'field' && !spec.type && typeof opts.unmapped_type === 'string') spec.type = 'keyword';
    }
    if (kind === 'field' && !spec.type) throw new ShardFailure('query_shard_exception', `No mapping found for [${field}] in order to sort on`);
    if (kind === 'field' && spec.type === 'text') {
      throw new ShardFailure(
        'illegal_argument_exception',
        `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
      );
    }
    return spec;
  };
  for (const item of items) {
    if (typeof item === 'string') {
      const [f, o] = item.split(':');
      out.push(make(f as string, o));
    } else if (isObj(item)) {
      for (const [f, o] of Object.entries(item)) out.push(make(f, isObj(o) ? o : typeof o === 'string' ? o : undefined));
    } else throw parsingError('[sort] malformed');
  }
  return out;
}

type Key = (number | string | null)[];

function keyOf(r: Rec, sort: SortSpec[], env: SearchEnv): Key {
  return sort.map((s) => {
    switch (s.kind) {
      case 'score':
        return 1;
      case 'doc':
      case 'shard_doc':
        return r.num;
      case 'field': {
        if (s.field === env.timestampField) return r.ts;
        const vals = fieldValues(r.src, s.field);
        if (vals.length === 0) return null;
        if (s.type === 'date') {
          const ts = vals.map((v) => (typeof v === 'number' ? v : parseDateValue(v, env.now))).filter((x): x is number => x !== null);
          return ts.length ? (s.desc ? Math.max(...ts) : Math.min(...ts)) : null;
        }
        if (s.type === 'long' || s.type === 'double') {
          const ns = vals.map(Number).filter((x) => Number.isFinite(x));
          return ns.length ? (s.desc ? Math.max(...ns) : Math.min(...ns)) : null;
        }
        const ss = vals.map(String).sort();
        return (s.desc ? ss[ss.length - 1] : ss[0]) ?? null;
      }
    }
  });
}

function cmpKeys(a: Key, b: Key, sort: SortSpec[]): number {
  for (let i = 0; i < sort.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1; // missing last, both orders
    if (y === null) return -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return (sort[i] as SortSpec).desc ? -c : c;
  }
  return 0;
}

function afterKey(values: unknown[], sort: SortSpec[], env: SearchEnv): Key {
  if (values.length !== sort.length) {
    throw new ShardFailure('illegal_argument_exception', `search_after has ${values.length} value(s) but sort has ${sort.length}.`);
  }
  return values.map((v, i) => {
    const s = sort[i] as SortSpec;
    if (v === null) return null;
    if (s.kind === 'doc' || s.kind === 'shard_doc' || s.kind === 'score' || s.type === 'long' || s.type === 'double') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new ShardFailure('illegal_argument_exception', `Failed to parse search_after value for field [${s.field}].`);
      return n;
    }
    if (s.type === 'date') {
      const t = parseDateValue(v, env.now);
      if (t === null) throw new ShardFailure('illegal_argument_exception', `Failed to parse search_after value for field [${s.field}].`);
      return t;
    }
    return String(v);
  });
}

function sortValueOut(k: number | string | null, s: SortSpec): unknown {
  if (k === null) return null;
  if (s.format && typeof k === 'number' && s.type === 'date') return s.format === 'epoch_millis' ? String(k) : formatDate(k);
  return k;
}

function lowerBound(ts: Float64Array, v: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function upperBound(ts: Float64Array, v: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function globList(v: unknown): RegExp[] | null {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : null;
  if (!list) return null;
  return list.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
}

function filterSource(src: Json, spec: unknown): Json | undefined {
  if (spec === false) return undefined;
  if (spec === undefined || spec === true) return src;
  let includes: RegExp[] | null = null;
  let excludes: RegExp[] | null = null;
  if (typeof spec === 'string' || Array.isArray(spec)) includes = globList(spec);
  else if (isObj(spec)) {
    includes = globList(spec.includes ?? spec.include);
    excludes = globList(spec.excludes ?? spec.exclude);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (includes && includes.length && !includes.some((re) => re.test(k))) continue;
    if (excludes && excludes.some((re) => re.test(k))) continue;
    out[k] = v;
  }
  return out;
}

function hitFields(r: Rec, spec: unknown, env: SearchEnv): Json | undefined {
  if (!Array.isArray(spec)) return undefined;
  const out: Json = {};
  for (const item of spec) {
    const pattern = typeof item === 'string' ? item : isObj(item) && typeof item.field === 'string' ? item.field : null;
    if (!pattern) continue;
    for (const f of env.mapping.matching(pattern)) {
      const vals = fieldValues(r.src, f);
      if (!vals.length) continue;
      out[f] = env.mapping.type(f) === 'date' ? vals.map((v) => (typeof v === 'number' ? formatDate(v) : v)) : vals;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function parseTrackTotalHits(v: unknown, restInt: boolean): number | false {
  if (restInt) return Infinity;
  if (v === undefined || v === null) return 10_000;
  if (v === true || v === 'true') return Infinity;
  if (v === false || v === 'false') return false;
  const n = Number(v);
  if (!Number.isInteger(n) || n < -1) throw parsingError(`[track_total_hits] parameter must be positive or equals to -1, got ${String(v)}`);
  return n === -1 ? Infinity : n;
}

/** Runs one search; throws EsHttpError with the ES-shaped error body on failure. */
export function executeSearch(rawBody: unknown, params: URLSearchParams, target: SearchTarget, env: SearchEnv): Json {
  const started = performance.now();
  const indexName = target.index ?? '_na_';
  if (rawBody !== undefined && !isObj(rawBody)) throw parsingError('request body or source parameter is required');
  const body: Json = rawBody ?? {};
  for (const k of Object.keys(body)) {
    if (UNSUPPORTED_BODY_KEYS.has(k)) throw httpError(400, 'illegal_argument_exception', `[${k}] is not supported by the test server`);
    if (!KNOWN_BODY_KEYS.has(k)) throw parsingError(`Unknown key for a ${Array.isArray(body[k]) ? 'START_ARRAY' : isObj(body[k]) ? 'START_OBJECT' : 'VALUE_STRING'} in [${k}].`);
  }
  try {
    const size = intParam(params.get('size') ?? body.size, 'size') ?? 10;
    const from = intParam(params.get('from') ?? body.from, 'from') ?? 0;
    if (size < 0) throw validationFailed(`[size] parameter cannot be negative, found [${size}]`);
    if (from < 0) throw validationFailed(`[from] parameter cannot be negative, found [${from}]`);
    const searchAfterRaw = body.search_after;
    if (searchAfterRaw !== undefined && !Array.isArray(searchAfterRaw)) throw parsingError('[search_after] must be an array');
    if (searchAfterRaw !== undefined && from > 0) throw validationFailed('`from` parameter must be set to 0 when `search_after` is used.');
    const restInt = params.get('rest_total_hits_as_int') === 'true';
    const track = parseTrackTotalHits(params.get('track_total_hits') ?? body.track_total_hits, restInt);

    const urlSort = params.get('sort');
    const sortRaw = body.sort ?? (urlSort ? urlSort.split(',') : undefined);
    const explicitSort = sortRaw !== undefined;
    let sort = parseSort(sortRaw, env);
    const hasShardDoc = sort.some((s) => s.kind === 'shard_doc');
    const shardDocKnown = env.flavor === 'elasticsearch' && versionAtLeast(env.version, 7, 12);
    if (hasShardDoc && !shardDocKnown) throw new ShardFailure('query_shard_exception', 'No mapping found for [_shard_doc] in order to sort on');
    if (hasShardDoc && !target.pitId) throw validationFailed('[_shard_doc] sort field cannot be used without [point in time]');
    if (target.pitId && shardDocKnown && explicitSort && !hasShardDoc) {
      sort = [...sort, { kind: 'shard_doc', field: '_shard_doc', desc: false, type: undefined }];
    }
    if (!explicitSort) sort = [{ kind: 'score', field: '_score', desc: true, type: undefined }, { kind: 'doc', field: '_doc', desc: false, type: undefined }];
    if (searchAfterRaw !== undefined && !explicitSort) throw new ShardFailure('illegal_argument_exception', 'Sort must contain at least one field.');
    if (from + size > env.maxResultWindow) throw resultWindowTooLarge(from + size, env.maxResultWindow);

    const hlSpec = parseHighlight(body.highlight);
    const hl = hlSpec ? new Map<string, HlMatcher[]>() : null;
    const qctx: QueryCtx = { mapping: env.mapping, now: env.now, timestampField: env.timestampField, hl };
    let queryRaw = body.query;
    const q = params.get('q');
    if (q !== null && queryRaw === undefined) queryRaw = { query_string: { query: q, ...(params.get('df') ? { default_field: params.get('df') } : {}), ...(params.get('default_operator') ? { default_operator: params.get('default_operator') } : {}) } };
    const query = compileQuery(qctx, queryRaw);
    const postFilter = body.post_filter === undefined ? null : compileQuery({ ...qctx, hl: null }, body.post_filter);
    const aggSpec = body.aggs ?? body.aggregations;
    validateAggs(aggSpec, { mapping: env.mapping, now: env.now, timestampField: env.timestampField, maxBuckets: env.maxBuckets, version: env.version, flavor: env.flavor });
    const after = searchAfterRaw === undefined ? null : afterKey(searchAfterRaw, sort, env);

    const { recs, ts } = target.index === null ? { recs: [] as Rec[], ts: new Float64Array(0) } : target.snapshot;
    const a = Number.isFinite(query.lo) ? lowerBound(ts, query.lo) : 0;
    const b = Number.isFinite(query.hi) ? upperBound(ts, query.hi) : recs.length;
    const qt = query.test;
    const pf = postFilter ? postFilter.test : null;
    const wantAggs = aggSpec !== undefined;
    const aggDocs: Rec[] = [];
    let count = 0;
    let counted = false;

    const primary = sort[0] as SortSpec;
    const fast = primary.kind === 'field' && primary.field === env.timestampField;
    let window: Rec[] = [];
    const need = from + size;

    if (fast) {
      const fullScan = wantAggs || track === Infinity;
      if (fullScan || (track !== false && track > 0)) {
        const limit = fullScan ? Infinity : (track as number);
        for (let i = a; i < b; i++) {
          const r = recs[i] as Rec;
          if (!qt(r)) continue;
          if (wantAggs) aggDocs.push(r);
          if (pf && !pf(r)) continue;
          count++;
          if (count > limit) break;
        }
        counted = true;
      }
      if (need > 0) {
        const desc = primary.desc;
        let i: number;
        let end: number;
        const afterTs = after ? after[0] : null;
        if (desc) {
          i = b - 1;
          if (typeof afterTs === 'number') i = Math.min(i, upperBound(ts, afterTs) - 1);
          end = a - 1;
        } else {
          i = a;
          if (typeof afterTs === 'number') i = Math.max(i, lowerBound(ts, afterTs));
          end = b;
        }
        const step = desc ? -1 : 1;
        let boundary: number | null = null;
        for (; i !== end; i += step) {
          const r = recs[i] as Rec;
          if (boundary !== null && r.ts !== boundary) break;
          if (!qt(r) || (pf && !pf(r))) continue;
          if (after && cmpKeys(keyOf(r, sort, env), after, sort) <= 0) continue;
          window.push(r);
          if (boundary === null && window.length >= need) boundary = r.ts;
        }
      }
    } else {
      const matched: Rec[] = [];
      for (let i = a; i < b; i++) {
        const r = recs[i] as Rec;
        if (!qt(r)) continue;
        if (wantAggs) aggDocs.push(r);
        if (pf && !pf(r)) continue;
        matched.push(r);
      }
      count = matched.length;
      counted = true;
      window = after ? matched.filter((r) => cmpKeys(keyOf(r, sort, env), after, sort) > 0) : matched;
    }
    const keyed = window.map((r) => ({ r, k: keyOf(r, sort, env) }));
    keyed.sort((x, y) => cmpKeys(x.k, y.k, sort) || x.r.num - y.r.num);
    const page = keyed.slice(from, from + size);

    const urlSource = params.get('_source');
    const sourceSpec: unknown = urlSource === null ? body._source : urlSource === 'false' ? false : urlSource === 'true' ? true : urlSource.split(',');
    const scoreSorted = !explicitSort;
    const typed = env.flavor === 'elasticsearch' ? env.version.major < 8 : env.version.major < 2;
    const hits = page.map(({ r, k }) => {
      const hit: Json = { _index: indexName };
      if (typed) hit._type = '_doc';
      hit._id = r.id;
      if (body.version === true) hit._version = 1;
      if (body.seq_no_primary_term === true) {
        hit._seq_no = r.num;
        hit._primary_term = 1;
      }
      hit._score = scoreSorted || body.track_scores === true ? 1 : null;
      const source = body.stored_fields === '_none_' ? undefined : filterSource(r.src, sourceSpec);
      if (source !== undefined) hit._source = source;
      const fields = hitFields(r, body.fields, env);
      if (fields) hit.fields = fields;
      if (hlSpec && hl) {
        const h = highlightRec(r, hlSpec, hl, env.mapping);
        if (h) hit.highlight = h;
      }
      if (explicitSort) hit.sort = k.map((v, i) => sortValueOut(v, sort[i] as SortSpec));
      return hit;
    });

    const hitsObj: Json = {};
    if (track !== false) {
      if (!counted) hitsObj.total = restInt ? 0 : { value: 0, relation: 'eq' };
      else if (restInt) hitsObj.total = count;
      else if (count > (track as number)) hitsObj.total = { value: track, relation: 'gte' };
      else hitsObj.total = { value: count, relation: 'eq' };
    }
    hitsObj.max_score = scoreSorted || body.track_scores === true ? (hits.length ? 1 : null) : null;
    hitsObj.hits = hits;

    const out: Json = {};
    if (target.pitId) out.pit_id = target.pitId;
    out.took = Math.round(performance.now() - started);
    out.timed_out = false;
    out._shards = target.index === null ? { total: 0, successful: 0, skipped: 0, failed: 0 } : { total: 1, successful: 1, skipped: 0, failed: 0 };
    out.hits = hitsObj;
    if (wantAggs) {
      out.aggregations = runAggs(aggSpec, aggDocs, { mapping: env.mapping, now: env.now, timestampField: env.timestampField, maxBuckets: env.maxBuckets, version: env.version, flavor: env.flavor });
    }
    return out;
  } catch (e) {
    if (e instanceof ShardFailure) throw failureToHttp(e, indexName);
    throw e;
  }
}

/** `_count`: the number of documents matching `query`. */
export function executeCount(rawBody: unknown, params: URLSearchParams, target: SearchTarget, env: SearchEnv): Json {
  const body = isObj(rawBody) ? rawBody : {};
  for (const k of Object.keys(body)) if (k !== 'query') throw parsingError(`request does not support [${k}]`);
  const indexName = target.index ?? '_na_';
  try {
    const qctx: QueryCtx = { mapping: env.mapping, now: env.now, timestampField: env.timestampField, hl: null };
    const q = params.get('q');
    const queryRaw = body.query ?? (q !== null ? { query_string: { query: q } } : undefined);
    const c = compileQuery(qctx, queryRaw);
    const { recs, ts } = target.index === null ? { recs: [] as Rec[], ts: new Float64Array(0) } : target.snapshot;
    const a = Number.isFinite(c.lo) ? lowerBound(ts, c.lo) : 0;
    const b = Number.isFinite(c.hi) ? upperBound(ts, c.hi) : recs.length;
    let count = 0;
    for (let i = a; i < b; i++) if (c.test(recs[i] as Rec)) count++;
    return { count, _shards: target.index === null ? { total: 0, successful: 0, skipped: 0, failed: 0 } : { total: 1, successful: 1, skipped: 0, failed: 0 } };
  } catch (e) {
    if (e instanceof ShardFailure) throw failureToHttp(e, indexName);
    throw e;
  }
}
