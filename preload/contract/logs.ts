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
  hits: LogHit[];
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
  hits: LogHit[];
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
  /** Only documents not sent before, newest first. */
  hits: LogHit[];
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
