import { z } from 'zod';
import { request } from './define';

/** A piece of a field value; `hit` marks what the query matched (rendered as <mark>, text only). */
export interface LogSegment {
  text: string;
  hit: boolean;
}

export type LogScalar = string | number | boolean | null;

export interface LogHit {
  id: string;
  index: string;
  /** The hit's sort values (timestamp, tiebreaker) as the server gave them. */
  sort: LogScalar[];
  /** Epoch ms of the timestamp field; null when the document has none. */
  timestamp: number | null;
  level: string | null;
  /** The message with the query's matches marked; the whole message when nothing matched in it; [] when the document has none. */
  message: LogSegment[];
  /**
   * Every field of the document, nested objects flattened to dotted names; arrays/objects as JSON text —
   * except the message's field, which is sent once, as `message` (see `messageField`).
   */
  fields: Record<string, LogScalar>;
  /**
   * Where the message came from. Omitted (the common case): the field `message`, left out of `fields`.
   * A name: that field, left out of `fields`. null: its field is in `fields` as is (not text, or the
   * highlight did not rebuild it). Its value when left out is `message`'s text joined.
   */
  messageField?: string | null;
  /** Highlighted values of other fields (not the message); omitted when there are none. */
  highlights?: Record<string, LogSegment[]>;
}

/**
 * A page of hits as the bridge carries it (`logs.search`, `logs.page`): field names once per page, each hit
 * a tuple of values. `decodeLogHits` turns it into `LogHit`s (the renderer's store does, so components keep
 * their shape). Nothing is lost: the decoded hits are what the core's `toLogHit` makes.
 */
export interface LogHitTable {
  /** Every field name of the page, once. */
  names: string[];
  /**
   * Field lists ("shapes"): indexes into `names`, in the order of a row's values. An entry `~i` (negative):
   * `names[i]` is the timestamp field and its value is the row's timestamp as ISO text — no value is sent.
   */
  shapes: number[][];
  /** Index names, once. */
  indices: string[];
  rows: LogHitRow[];
}

/**
 * One hit: id, index (into `indices`), timestamp (epoch ms or null), shape (into `shapes`), the values in
 * the shape's order, the message and the sort values, then optional extras.
 * - message: null = none (`[]`); a string = one plain segment; an array = segments alternating plain and
 *   matched text, starting with plain; a leading '' when the first is matched (`['', 'x']` is
 *   `[{text:'x', hit:true}]`). Neighbouring segments of the same kind are sent merged.
 * - sort: a number k = `[timestamp, k]`; otherwise the sort values as the server gave them.
 * `level` is not sent: it is the first string among `LOG_LEVEL_FIELDS` in the fields.
 */
export type LogHitRow = [id: string, index: number, timestamp: number | null, shape: number, values: LogScalar[], message: string | string[] | null, sort: number | LogScalar[], extra?: LogHitRowExtra];

export interface LogHitRowExtra {
  /** `LogHit.messageField` when it is not omitted. */
  messageField?: string | null;
  /** Highlighted values of other fields, as alternating plain / matched strings. */
  highlights?: Record<string, string[]>;
}

/** Fields whose first string value is the hit's level, in this order. */
export const LOG_LEVEL_FIELDS = ['level', 'log.level', 'severity', 'loglevel'];

let isoDay = NaN;
let isoPrefix = '';
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `new Date(ms).toISOString()`, several times faster for whole ms in years 1970–9999 (the day's prefix is cached); '' for an invalid time. */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < 253_402_300_800_000 && Number.isInteger(ms))) {
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString();
  }
  const day = Math.floor(ms / 86_400_000);
  if (day !== isoDay) {
    isoDay = day;
    isoPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  let r = ms - day * 86_400_000;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  const f = r - sec * 1000;
  return `${isoPrefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}Z`;
}

/** Alternating plain / matched strings → segments; a leading '' only marks that the first segment is matched. */
function toSegments(parts: string[]): LogSegment[] {
  const out: LogSegment[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i === 0 && parts.length > 1 && parts[0] === '') continue;
    out.push({ text: parts[i] as string, hit: (i & 1) === 1 });
  }
  return out;
}

/** The field `message` stands for, left out of `fields` (see `messageField`), or undefined. */
export function messageFieldOf(hit: LogHit): string | undefined {
  if (hit.message.length === 0 || hit.messageField === null) return undefined;
  return hit.messageField ?? 'message';
}

/** A field's value in a hit (the message field, sent once as `message`, reads back as its text). */
export function hitField(hit: LogHit, name: string): LogScalar | undefined {
  if (name === messageFieldOf(hit)) {
    let text = '';
    for (const seg of hit.message) text += seg.text;
    return text;
  }
  return hit.fields[name];
}

/** Every field name of a hit, the message field included. */
export function hitFieldNames(hit: LogHit): string[] {
  const names = Object.keys(hit.fields);
  const m = messageFieldOf(hit);
  if (m !== undefined) names.push(m);
  return names;
}

/** The hits of a page table, in order, as plain `LogHit` objects. */
export function decodeLogHits(t: LogHitTable): LogHit[] {
  const { names, shapes, indices, rows } = t;
  // Per shape: the names resolved once, and which of them can carry the level (in LOG_LEVEL_FIELDS order).
  const shapeNames: string[][] = new Array<string[]>(shapes.length);
  const shapeLevels: string[][] = new Array<string[]>(shapes.length);
  for (let k = 0; k < shapes.length; k++) {
    const shape = shapes[k] as number[];
    const ns = new Array<string>(shape.length);
    for (let i = 0; i < shape.length; i++) {
      const e = shape[i] as number;
      ns[i] = names[e < 0 ? ~e : e] ?? '';
    }
    shapeNames[k] = ns;
    shapeLevels[k] = LOG_LEVEL_FIELDS.filter((f) => ns.includes(f));
  }
  const out = new Array<LogHit>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as LogHitRow;
    const timestamp = row[2];
    const shapeNo = row[3];
    const shape = shapes[shapeNo] ?? [];
    const ns = shapeNames[shapeNo] ?? [];
    const values = row[4];
    const fields: Record<string, LogScalar> = {};
    let v = 0;
    for (let k = 0; k < shape.length; k++) {
      if ((shape[k] as number) < 0) fields[ns[k] as string] = timestamp === null ? null : isoTime(timestamp);
      else fields[ns[k] as string] = values[v++] as LogScalar;
    }
    let level: string | null = null;
    for (const f of shapeLevels[shapeNo] ?? []) {
      const lv = fields[f];
      if (typeof lv === 'string') {
        level = lv;
        break;
      }
    }
    const m = row[5];
    const message: LogSegment[] = m === null ? [] : typeof m === 'string' ? [{ text: m, hit: false }] : toSegments(m);
    const s = row[6];
    const hit: LogHit = { id: row[0], index: indices[row[1]] ?? '', sort: typeof s === 'number' ? [timestamp, s] : s, timestamp, level, message, fields };
    const extra = row[7];
    if (extra) {
      if (extra.messageField !== undefined) hit.messageField = extra.messageField;
      if (extra.highlights) {
        const hl: Record<string, LogSegment[]> = {};
        for (const f in extra.highlights) hl[f] = toSegments(extra.highlights[f] as string[]);
        hit.highlights = hl;
      }
    }
    out[r] = hit;
  }
  return out;
}

export interface LogTotal {
  value: number;
  /** 'gte': at least `value` (the server stopped counting, or documents arrived while paging). */
  relation: 'eq' | 'gte';
}

export interface LogHistogram {
  intervalMs: number;
  buckets: { key: number; count: number }[];
}

export interface LogTopValues {
  field: string;
  values: { value: LogScalar; count: number }[];
  /** Documents with other values than the ones listed. */
  otherCount: number;
}

export interface LogSearchResult {
  source: string;
  index: string;
  /** The first page (decode with `decodeLogHits`). */
  hits: LogHitTable;
  total: LogTotal;
  histogram: LogHistogram;
  /** Top values over the whole result (terms aggregations) for the sidebar's main fields. */
  topValues: LogTopValues[];
  /** Give to 'logs.page' for the next hits; null when there are no more (or the 100,000 limit is reached). */
  cursor: string | null;
  /** 'pit': pages from a frozen point in time; 'search_after': live index, new documents may shift pages. */
  pagingMode: 'pit' | 'search_after';
  /** Server time for the search in ms (`took`). */
  took: number;
  /** Non-fatal problems: shard failures, no index matching the pattern, sidebar aggregation refused. */
  warnings: string[];
}

export interface LogPageResult {
  /** The next page (decode with `decodeLogHits`). */
  hits: LogHitTable;
  total: LogTotal;
  cursor: string | null;
  /** Hits returned so far for this search, this page included. */
  fetched: number;
  /** Set when paging stopped at the limit. */
  limitNote: string | null;
}

export interface LogSurroundingResult {
  anchor: LogHit;
  /** Newer documents from the same host/service, newest first (the nearest last). */
  newer: LogHit[];
  /** Older documents, newest first (the nearest first). */
  older: LogHit[];
}

export interface LogSourceInfo {
  name: string;
  url: string;
  index: string;
  timestampField: string;
  flavor: 'auto' | 'elasticsearch' | 'opensearch';
}

export interface LogRangeSpec {
  /** 'relative': the last `ms` up to now; 'absolute': from/to epoch ms. */
  kind: 'relative' | 'absolute';
  ms?: number;
  from?: number;
  to?: number;
}

export interface SavedSearch {
  name: string;
  source: string | null;
  query: string;
  filters: LogFilterSpec[];
  columns: string[];
  range: LogRangeSpec;
  savedAt: number;
}

export interface RecentQuery {
  query: string;
  source: string | null;
  at: number;
}

export interface SavedSearches {
  saved: SavedSearch[];
  recent: RecentQuery[];
}

export interface LogFilterSpec {
  field: string;
  value: LogScalar;
  negate: boolean;
}

export interface LogExportResult {
  fileName: string;
  mimeType: string;
  content: string;
  count: number;
  /** True when more hits matched than `maxHits`. */
  truncated: boolean;
}

export interface LogTailEvent {
  tailId: string;
  /** Only documents not sent before, newest first (decode with `decodeLogHits`). */
  hits: LogHitTable;
  /** The last poll's error text (the tail keeps polling), or null. */
  error: string | null;
  at: number;
}

export const MAX_QUERY_CHARS = 4096;
export const MAX_DEEP_HITS = 100_000;
const MAX_RANGE_MS = 400 * 24 * 3600_000;

const fieldName = z.string().min(1).max(200);
const scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const filterSchema = z.object({ field: fieldName, value: scalar, negate: z.boolean() }).strict();
const sourceName = z.string().min(1).max(100).optional();
const query = z.string().max(MAX_QUERY_CHARS, `the query is longer than ${MAX_QUERY_CHARS} characters`);
const epoch = z.number().int().min(0).max(8_640_000_000_000);

const searchShape = {
  source: sourceName,
  query,
  from: epoch,
  to: epoch,
  filters: z.array(filterSchema).max(50).default([]),
};
const rangeOk = (a: { from: number; to: number }) => a.to >= a.from;
const rangeMsg = '"to" must not be before "from"';
const rangeSmall = (a: { from: number; to: number }) => a.to - a.from <= MAX_RANGE_MS;

const rangeSpecSchema = z
  .object({
    kind: z.enum(['relative', 'absolute']),
    ms: z.number().int().min(1000).max(MAX_RANGE_MS).optional(),
    from: epoch.optional(),
    to: epoch.optional(),
  })
  .strict()
  .refine((r) => (r.kind === 'relative' ? r.ms !== undefined : r.from !== undefined && r.to !== undefined), 'a relative range needs ms; an absolute one from and to');

export const logsRequests = {
  'logs.sources': request<LogSourceInfo[]>()(z.object({}).strict()),
  'logs.search': request<LogSearchResult>()(
    z
      .object({
        ...searchShape,
        size: z.number().int().min(1).max(10_000).default(200),
        columns: z.array(fieldName).max(20).optional(),
      })
      .strict()
      .refine(rangeOk, rangeMsg)
      .refine(rangeSmall, 'the range can be at most 400 days'),
  ),
  'logs.page': request<LogPageResult>()(z.object({ cursor: z.string().min(1).max(100) }).strict()),
  'logs.closeCursor': request<void>()(z.object({ cursor: z.string().min(1).max(100) }).strict()),
  'logs.surrounding': request<LogSurroundingResult>()(
    z
      .object({
        source: sourceName,
        id: z.string().min(1).max(512),
        index: z.string().min(1).max(512),
        timestamp: epoch,
        by: z.enum(['host', 'service']),
        value: z.string().min(1).max(500),
        n: z.number().int().min(1).max(200).default(10),
      })
      .strict(),
  ),
  'logs.tail.start': request<{ tailId: string; intervalMs: number }>()(
    z
      .object({
        source: sourceName,
        query,
        filters: z.array(filterSchema).max(50).default([]),
        /** Only documents at or after this time (epoch ms): the newest one the renderer has. */
        since: epoch,
        intervalMs: z.number().int().min(250).max(3_600_000).optional(),
      })
      .strict(),
  ),
  'logs.tail.stop': request<void>()(z.object({ tailId: z.string().min(1).max(100) }).strict()),
  'logs.export': request<LogExportResult>()(
    z
      .object({
        ...searchShape,
        format: z.enum(['ndjson', 'csv']),
        columns: z.array(fieldName).max(50).optional(),
        maxHits: z.number().int().min(1).max(MAX_DEEP_HITS).default(10_000),
      })
      .strict()
      .refine(rangeOk, rangeMsg)
      .refine(rangeSmall, 'the range can be at most 400 days'),
  ),
  'logs.savedSearches.list': request<SavedSearches>()(z.object({}).strict()),
  'logs.savedSearches.save': request<SavedSearches>()(
    z
      .object({
        name: z.string().trim().min(1, 'give the search a name').max(120),
        source: z.string().min(1).max(100).nullable().default(null),
        query,
        filters: z.array(filterSchema).max(50).default([]),
        columns: z.array(fieldName).max(20).default([]),
        range: rangeSpecSchema,
      })
      .strict(),
  ),
  'logs.savedSearches.delete': request<SavedSearches>()(z.object({ name: z.string().min(1).max(120) }).strict()),
  'logs.recent.clear': request<SavedSearches>()(z.object({}).strict()),
};

export interface LogsEvents {
  /** Log sources of the active environment (sent on every environment switch). */
  'logs.sources': LogSourceInfo[];
  'logs.tail': LogTailEvent;
}
