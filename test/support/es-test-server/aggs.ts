/**
 * Aggregations: date_histogram (fixed_interval, calendar_interval, legacy `interval` before ES 8,
 * min_doc_count (default 0), extended_bounds, hard_bounds, offset, keyed, order by _key/_count),
 * histogram, terms (size, min_doc_count, order, missing, include/exclude), filter, filters and the
 * metrics min, max, avg, sum, value_count, cardinality, stats. Sub-aggregations nest under bucket
 * aggregations. Time zones other than UTC are ignored.
 */
import { fieldValues, Mapping } from './analysis';
import { addUnit, formatDate, parseDateValue, parseTimeValue, roundTo, type Unit } from './dates';
import { fielddataDisabled } from './errors';
import { compileQuery, type QueryCtx } from './query';
import { ShardFailure, type Rec, type VersionInfo } from './types';

export interface AggCtx {
  mapping: Mapping;
  now: number;
  timestampField: string;
  maxBuckets: number;
  version: VersionInfo;
  flavor: 'elasticsearch' | 'opensearch';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const parsing = (reason: string): ShardFailure => new ShardFailure('parsing_exception', reason);

const BUCKET_TYPES = new Set(['date_histogram', 'histogram', 'terms', 'filter', 'filters']);
const METRIC_TYPES = new Set(['min', 'max', 'avg', 'sum', 'value_count', 'cardinality', 'stats']);

class BucketCounter {
  n = 0;
  constructor(readonly max: number) {}
  add(k: number): void {
    this.n += k;
    if (this.n > this.max) {
      throw new ShardFailure(
        'too_many_buckets_exception',
        `Trying to create too many buckets. Must be less than or equal to: [${this.max}] but was [${this.n}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
      );
    }
  }
}

/** Validates the whole tree first so syntax errors come back as request errors, not shard failures. */
export function validateAggs(spec: unknown, ctx: AggCtx): void {
  if (spec === undefined) return;
  if (!isObj(spec)) throw parsing('Expected [START_OBJECT] under [aggregations], but got a [VALUE] in [aggs]');
  for (const [name, def] of Object.entries(spec)) {
    if (/[[\]>]/.test(name)) throw parsing(`Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`);
    if (!isObj(def)) throw parsing(`Expected [START_OBJECT] under [${name}], but got a [VALUE] in [${name}]`);
    const types = Object.keys(def).filter((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta');
    if (types.length === 0) throw parsing(`Missing definition for aggregation [${name}]`);
    if (types.length > 1) throw parsing(`Found two aggregation type definitions in [${name}]: [${types[0]}] and [${types[1]}]`);
    const type = types[0] as string;
    if (!BUCKET_TYPES.has(type) && !METRIC_TYPES.has(type)) throw parsing(`Unknown aggregation type [${type}]`);
    const body = def[type];
    if (!isObj(body)) throw parsing(`[${type}] aggregation malformed`);
    if (type === 'date_histogram' && body.interval !== undefined && ctx.flavor === 'elasticsearch' && ctx.version.major >= 8) {
      throw new ShardFailure('x_content_parse_exception', '[1:1] [date_histogram] unknown field [interval]');
    }
    const sub = def.aggs ?? def.aggregations;
    if (sub !== undefined) {
      if (METRIC_TYPES.has(type)) throw new ShardFailure('aggregation_initialization_exception', `Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
      validateAggs(sub, ctx);
    }
  }
}

export function runAggs(spec: unknown, docs: readonly Rec[], ctx: AggCtx): Json {
  return run(spec, docs, ctx, new BucketCounter(ctx.maxBuckets));
}

function run(spec: unknown, docs: readonly Rec[], ctx: AggCtx, counter: BucketCounter): Json {
  const out: Json = {};
  if (!isObj(spec)) return out;
  for (const [name, def] of Object.entries(spec)) {
    if (!isObj(def)) continue;
    const type = Object.keys(def).find((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta') as string;
    const body = def[type] as Json;
    const sub = (def.aggs ?? def.aggregations) as Json | undefined;
    const subRun = (bucketDocs: readonly Rec[]): Json => (sub ? run(sub, bucketDocs, ctx, counter) : {});
    let result: Json;
    switch (type) {
      case 'date_histogram':
        result = dateHistogram(body, docs, ctx, counter, subRun);
        break;
      case 'histogram':
        result = histogram(body, docs, ctx, counter, subRun);
        break;
      case 'terms':
        result = terms(body, docs, ctx, counter, subRun);
        break;
      case 'filter': {
        const qctx: QueryCtx = { mapping: ctx.mapping, now: ctx.now, timestampField: ctx.timestampField, hl: null };
        const c = compileQuery(qctx, body);
        const inside = docs.filter(c.test);
        result = { doc_count: inside.length, ...subRun(inside) };
        break;
      }
      case 'filters': {
        const qctx: QueryCtx = { mapping: ctx.mapping, now: ctx.now, timestampField: ctx.timestampField, hl: null };
        const f = body.filters;
        if (Array.isArray(f)) {
          result = { buckets: f.map((q) => {
            const inside = docs.filter(compileQuery(qctx, q).test);
            return { doc_count: inside.length, ...subRun(inside) };
          }) };
        } else if (isObj(f)) {
          const buckets: Json = {};
          for (const [k, q] of Object.entries(f)) {
            const inside = docs.filter(compileQuery(qctx, q).test);
            buckets[k] = { doc_count: inside.length, ...subRun(inside) };
          }
          result = { buckets };
        } else throw parsing('[filters] requires [filters]');
        break;
      }
      default:
        result = metric(type, body, docs, ctx);
    }
    if (isObj(def.meta)) result = { meta: def.meta, ...result };
    out[name] = result;
  }
  return out;
}

function numericValues(r: Rec, field: string, ctx: AggCtx): number[] {
  const type = ctx.mapping.type(field);
  const out: number[] = [];
  if (field === ctx.timestampField) return [r.ts];
  for (const v of fieldValues(r.src, field)) {
    if (type === 'date') {
      const t = typeof v === 'number' ? v : parseDateValue(v, ctx.now);
      if (t !== null) out.push(t);
    } else if (typeof v === 'number') out.push(v);
    else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) out.push(Number(v));
  }
  return out;
}

function requireField(body: Json, type: string): string {
  if (typeof body.field !== 'string') throw new ShardFailure('illegal_argument_exception', `Required one of fields [field, script], but none were specified.`, 400);
  void type;
  return body.field;
}

const CALENDAR: Record<string, Unit | 'q'> = {
  minute: 'm', '1m': 'm', hour: 'h', '1h': 'h', day: 'd', '1d': 'd', week: 'w', '1w': 'w', month: 'M', '1M': 'M', quarter: 'q', '1q': 'q', year: 'y', '1y': 'y',
};

function fixedInterval(v: unknown, setting: string): number {
  const s = String(v);
  const ms = /^\d+(ms|s|m|h|d)$/.test(s) ? parseTimeValue(s) : null;
  if (ms === null || ms <= 0) {
    throw new ShardFailure('illegal_argument_exception', `failed to parse setting [${setting}] with value [${s}] as a time value: unit is missing or unrecognized`);
  }
  return ms;
}

function dateHistogram(body: Json, docs: readonly Rec[], ctx: AggCtx, counter: BucketCounter, subRun: (d: readonly Rec[]) => Json): Json {
  const field = requireField(body, 'date_histogram');
  const type = ctx.mapping.type(field);
  if (type && type !== 'date' && type !== 'long' && type !== 'double') {
    throw new ShardFailure('illegal_argument_exception', `Field [${field}] of type [${type}] is not supported for aggregation [date_histogram]`);
  }
  const offset = body.offset === undefined ? 0 : ((): number => {
    const s = String(body.offset);
    const neg = s.startsWith('-');
    const v = parseTimeValue(s.replace(/^[+-]/, ''));
    if (v === null) throw new ShardFailure('illegal_argument_exception', `failed to parse setting [date_histogram.offset] with value [${s}] as a time value`);
    return neg ? -v : v;
  })();
  let keyOf: (t: number) => number;
  let next: (k: number) => number;
  const setFixed = (ms: number): void => {
    keyOf = (t) => Math.floor((t - offset) / ms) * ms + offset;
    next = (k) => k + ms;
  };
  const setCalendar = (u: Unit | 'q'): void => {
    if (u === 'q') {
      keyOf = (t) => {
        const d = new Date(t - offset);
        return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1) + offset;
      };
      next = (k) => addUnit(k - offset, 3, 'M') + offset;
    } else {
      keyOf = (t) => roundTo(t - offset, u, false) + offset;
      next = (k) => addUnit(k - offset, 1, u) + offset;
    }
  };
  if (body.fixed_interval !== undefined) setFixed(fixedInterval(body.fixed_interval, 'date_histogram.fixedInterval'));
  else if (body.calendar_interval !== undefined) {
    const u = CALENDAR[String(body.calendar_interval)];
    if (!u) throw new ShardFailure('illegal_argument_exception', `The supplied interval [${String(body.calendar_interval)}] could not be parsed as a calendar interval.`);
    setCalendar(u);
  } else if (body.interval !== undefined) {
    const u = CALENDAR[String(body.interval)];
    if (u) setCalendar(u);
    else setFixed(fixedInterval(body.interval, 'date_histogram.interval'));
  } else {
    throw new ShardFailure('illegal_argument_exception', 'Invalid interval specified, must be non-null and non-empty');
  }
  const minDocCount = typeof body.min_doc_count === 'number' ? body.min_doc_count : 0;
  const bound = (v: unknown, roundUp: boolean): number | null => {
    if (v === undefined || v === null) return null;
    const t = parseDateValue(v, ctx.now, roundUp);
    if (t === null) throw new ShardFailure('parse_exception', `failed to parse date field [${String(v)}] with format [strict_date_optional_time||epoch_millis]`);
    return t;
  };
  const ext = isObj(body.extended_bounds) ? { min: bound(body.extended_bounds.min, false), max: bound(body.extended_bounds.max, true) } : null;
  const hard = isObj(body.hard_bounds) ? { min: bound(body.hard_bounds.min, false), max: bound(body.hard_bounds.max, true) } : null;
  const fmt = typeof body.format === 'string' ? body.format : undefined;
  const keyAsString = (k: number): string => (fmt === 'epoch_millis' ? String(k) : fmt === 'epoch_second' ? String(Math.floor(k / 1000)) : formatDate(k));
  return bucketize(docs, (r) => numericValues(r, field, ctx), keyOf!, next!, {
    minDocCount,
    ext,
    hard,
    keyAsString,
    keyed: body.keyed === true,
    order: body.order,
    counter,
    subRun,
  });
}

function histogram(body: Json, docs: readonly Rec[], ctx: AggCtx, counter: BucketCounter, subRun: (d: readonly Rec[]) => Json): Json {
  const field = requireField(body, 'histogram');
  const interval = Number(body.interval);
  if (!(interval > 0)) throw new ShardFailure('illegal_argument_exception', '[interval] must be >0 for histogram aggregation [histogram]');
  const offset = typeof body.offset === 'number' ? body.offset : 0;
  const ext = isObj(body.extended_bounds) ? { min: Number(body.extended_bounds.min), max: Number(body.extended_bounds.max) } : null;
  const hard = isObj(body.hard_bounds) ? { min: Number(body.hard_bounds.min), max: Number(body.hard_bounds.max) } : null;
  return bucketize(
    docs,
    (r) => numericValues(r, field, ctx),
    (v) => Math.floor((v - offset) / interval) * interval + offset,
    (k) => k + interval,
    { minDocCount: typeof body.min_doc_count === 'number' ? body.min_doc_count : 0, ext, hard, keyAsString: null, keyed: body.keyed === true, order: body.order, counter, subRun },
  );
}

interface BucketOpts {
  minDocCount: number;
  ext: { min: number | null; max: number | null } | null;
  hard: { min: number | null; max: number | null } | null;
  keyAsString: ((k: number) => string) | null;
  keyed: boolean;
  order: unknown;
  counter: BucketCounter;
  subRun: (d: readonly Rec[]) => Json;
}

function bucketize(docs: readonly Rec[], values: (r: Rec) => number[], keyOf: (v: number) => number, next: (k: number) => number, o: BucketOpts): Json {
  const groups = new Map<number, Rec[]>();
  for (const r of docs) {
    const seen = new Set<number>();
    for (const v of values(r)) {
      if (o.hard && ((o.hard.min !== null && v < o.hard.min) || (o.hard.max !== null && v > o.hard.max))) continue;
      const k = keyOf(v);
      if (seen.has(k)) continue;
      seen.add(k);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(r);
    }
  }
  let keys = [...groups.keys()].sort((a, b) => a - b);
  if (o.minDocCount === 0) {
    let lo = keys[0];
    let hi = keys[keys.length - 1];
    if (o.ext?.min !== null && o.ext?.min !== undefined) lo = lo === undefined ? keyOf(o.ext.min) : Math.min(lo, keyOf(o.ext.min));
    if (o.ext?.max !== null && o.ext?.max !== undefined) hi = hi === undefined ? keyOf(o.ext.max) : Math.max(hi, keyOf(o.ext.max));
    if (o.hard?.min !== null && o.hard?.min !== undefined && lo !== undefined) lo = Math.max(lo, keyOf(o.hard.min));
    if (o.hard?.max !== null && o.hard?.max !== undefined && hi !== undefined) hi = Math.min(hi, keyOf(o.hard.max));
    if (lo !== undefined && hi !== undefined) {
      keys = [];
      for (let k = lo; k <= hi; k = next(k)) {
        keys.push(k);
        if (o.counter.n + keys.length > o.counter.max) o.counter.add(keys.length);
      }
    }
  }
  const buckets = keys
    .map((k) => ({ k, docs: groups.get(k) ?? [] }))
    .filter((b) => b.docs.length >= o.minDocCount);
  o.counter.add(buckets.length);
  const order = isObj(o.order) ? o.order : null;
  if (order?._key === 'desc') buckets.reverse();
  else if (order?._count) buckets.sort((a, b) => (order._count === 'asc' ? a.docs.length - b.docs.length : b.docs.length - a.docs.length) || a.k - b.k);
  const rendered = buckets.map((b) => ({
    ...(o.keyAsString ? { key_as_string: o.keyAsString(b.k) } : {}),
    key: b.k,
    doc_count: b.docs.length,
    ...o.subRun(b.docs),
  }));
  if (o.keyed) return { buckets: Object.fromEntries(rendered.map((b) => [b.key_as_string ?? String(b.key), b])) };
  return { buckets: rendered };
}

function terms(body: Json, docs: readonly Rec[], ctx: AggCtx, counter: BucketCounter, subRun: (d: readonly Rec[]) => Json): Json {
  const field = requireField(body, 'terms');
  const type = ctx.mapping.type(field);
  if (type === 'text') throw fielddataDisabled(field);
  const size = typeof body.size === 'number' ? body.size : 10;
  if (size < 1) throw new ShardFailure('illegal_argument_exception', `[size] must be greater than 0. Found [${size}] in [terms]`);
  const minDocCount = typeof body.min_doc_count === 'number' ? body.min_doc_count : 1;
  const include = typeof body.include === 'string' ? new RegExp(`^(?:${body.include})$`) : Array.isArray(body.include) ? new Set(body.include.map(String)) : null;
  const exclude = typeof body.exclude === 'string' ? new RegExp(`^(?:${body.exclude})$`) : Array.isArray(body.exclude) ? new Set(body.exclude.map(String)) : null;
  const keep = (k: string): boolean => {
    if (include instanceof RegExp && !include.test(k)) return false;
    if (include instanceof Set && !include.has(k)) return false;
    if (exclude instanceof RegExp && exclude.test(k)) return false;
    if (exclude instanceof Set && exclude.has(k)) return false;
    return true;
  };
  const groups = new Map<string | number, Rec[]>();
  for (const r of docs) {
    let vals: (string | number)[] = type === 'date' ? numericValues(r, field, ctx) : fieldValues(r.src, field).map((v) => (typeof v === 'number' ? v : String(v)));
    if (vals.length === 0 && body.missing !== undefined) vals = [body.missing as string | number];
    for (const v of new Set(vals)) {
      if (!keep(String(v))) continue;
      let g = groups.get(v);
      if (!g) groups.set(v, (g = []));
      g.push(r);
    }
  }
  const entries = [...groups.entries()].filter(([, g]) => g.length >= minDocCount);
  const cmpKey = (a: string | number, b: string | number): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
  const order = isObj(body.order) ? body.order : null;
  entries.sort((a, b) => {
    if (order?._key) return order._key === 'desc' ? cmpKey(b[0], a[0]) : cmpKey(a[0], b[0]);
    const byCount = order?._count === 'asc' ? a[1].length - b[1].length : b[1].length - a[1].length;
    return byCount || cmpKey(a[0], b[0]);
  });
  const top = entries.slice(0, size);
  counter.add(top.length);
  const other = entries.slice(size).reduce((s, [, g]) => s + g.length, 0);
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: other,
    buckets: top.map(([k, g]) => ({
      key: k,
      ...(type === 'date' && typeof k === 'number' ? { key_as_string: formatDate(k) } : {}),
      doc_count: g.length,
      ...subRun(g),
    })),
  };
}

function metric(type: string, body: Json, docs: readonly Rec[], ctx: AggCtx): Json {
  const field = requireField(body, type);
  const ftype = ctx.mapping.type(field);
  if (type === 'value_count' || type === 'cardinality') {
    if (ftype === 'text') throw fielddataDisabled(field);
    let count = 0;
    const distinct = new Set<string>();
    for (const r of docs) {
      const vals = fieldValues(r.src, field);
      count += vals.length;
      if (type === 'cardinality') for (const v of vals) distinct.add(String(v));
    }
    return { value: type === 'cardinality' ? distinct.size : count };
  }
  if (ftype === 'text' || ftype === 'keyword') {
    throw new ShardFailure('illegal_argument_exception', `Field [${field}] of type [${ftype}] is not supported for aggregation [${type}]`);
  }
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const r of docs) {
    for (const v of numericValues(r, field, ctx)) {
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const asDate = ftype === 'date';
  const withStr = (v: number | null): Json => ({ value: v, ...(asDate && v !== null ? { value_as_string: formatDate(v) } : {}) });
  switch (type) {
    case 'min':
      return withStr(n ? min : null);
    case 'max':
      return withStr(n ? max : null);
    case 'avg':
      return withStr(n ? sum / n : null);
    case 'sum':
      return { value: sum };
    default:
      return { count: n, min: n ? min : null, max: n ? max : null, avg: n ? sum / n : null, sum };
  }
}
