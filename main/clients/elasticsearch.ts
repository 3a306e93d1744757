import { z } from 'zod';
import type { HttpClient, HttpRequest } from './http';
import { isPlainObject, isStringArray, parseWith } from './parse';
import { SourceError } from './source-error';

/**
 * Elasticsearch / OpenSearch over one connection: version detection, cluster health, search and
 * point in time (both flavours). Answers are validated with zod; a wrong shape is a 'parse'
 * SourceError. Error answers keep the server's own words, including the root cause that
 * Elasticsearch hides under `search_phase_execution_exception: all shards failed`.
 */

export type EsFlavor = 'elasticsearch' | 'opensearch';

export interface ElasticsearchClientOptions {
  /** Index or pattern searched, e.g. `logs-*`. */
  index: string;
  /** 'auto' reads GET / (OpenSearch answers version.distribution = "opensearch"). */
  flavor: 'auto' | EsFlavor;
  timestampField: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

// ---------- schemas ----------

const infoSchema = z.object({
  name: z.string(),
  cluster_name: z.string(),
  cluster_uuid: z.string().optional(),
  version: z.object({
    number: z.string().min(1),
    distribution: z.string().optional(),
    build_flavor: z.string().optional(),
    lucene_version: z.string().optional(),
  }),
  tagline: z.string().optional(),
});

const healthSchema = z.object({
  cluster_name: z.string(),
  status: z.enum(['green', 'yellow', 'red']),
  timed_out: z.boolean().default(false),
  number_of_nodes: z.number().int().nonnegative(),
  number_of_data_nodes: z.number().int().nonnegative(),
  active_primary_shards: z.number().int().nonnegative(),
  active_shards: z.number().int().nonnegative(),
  relocating_shards: z.number().int().nonnegative(),
  initializing_shards: z.number().int().nonnegative(),
  unassigned_shards: z.number().int().nonnegative(),
  number_of_pending_tasks: z.number().int().nonnegative().default(0),
  active_shards_percent_as_number: z.number().optional(),
});

const sortValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const hitSchema = z.object({
  _index: z.string(),
  _id: z.string(),
  _score: z.number().nullable().optional(),
  _source: z.record(z.string(), z.unknown()).optional(),
  fields: z.record(z.string(), z.array(z.unknown())).optional(),
  highlight: z.record(z.string(), z.array(z.string())).optional(),
  sort: z.array(sortValue).optional(),
});
const totalSchema = z.union([
  z.number().int().nonnegative().transform((value) => ({ value, relation: 'eq' as const })),
  z.object({ value: z.number().int().nonnegative(), relation: z.enum(['eq', 'gte']) }),
]);
const shardFailureSchema = z
  .object({
    index: z.string().nullable().optional(),
    shard: z.number().optional(),
    reason: z.object({ type: z.string(), reason: z.string().nullable().optional() }).passthrough(),
  })
  .passthrough();
const searchSchema = z.object({
  pit_id: z.string().optional(),
  took: z.number().nonnegative(),
  timed_out: z.boolean(),
  terminated_early: z.boolean().optional(),
  _shards: z.object({
    total: z.number().int().nonnegative(),
    successful: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative().default(0),
    failed: z.number().int().nonnegative(),
    failures: z.array(shardFailureSchema).optional(),
  }),
  hits: z.object({
    total: totalSchema.optional(),
    max_score: z.number().nullable().optional(),
    hits: z.array(hitSchema),
  }),
  aggregations: z.record(z.string(), z.unknown()).optional(),
});
const countSchema = z.object({ count: z.number().int().nonnegative() });
const esPitOpenSchema = z.object({ id: z.string().min(1) });
const osPitOpenSchema = z.object({ pit_id: z.string().min(1), creation_time: z.number().optional() });
const esPitCloseSchema = z.object({ succeeded: z.boolean(), num_freed: z.number().int().nonnegative() });
const osPitCloseSchema = z.object({ pits: z.array(z.object({ pit_id: z.string(), successful: z.boolean() })) });

const dateHistogramSchema = z.object({
  buckets: z.array(z.object({ key: z.number(), key_as_string: z.string().optional(), doc_count: z.number().int().nonnegative() }).passthrough()),
});
const termsAggSchema = z.object({
  doc_count_error_upper_bound: z.number().optional(),
  sum_other_doc_count: z.number().int().nonnegative().default(0),
  buckets: z.array(z.object({ key: z.union([z.string(), z.number(), z.boolean()]), key_as_string: z.string().optional(), doc_count: z.number().int().nonnegative() }).passthrough()),
});

// ---------- public types ----------

export interface EsInfo {
  name: string;
  clusterName: string;
  flavor: EsFlavor;
  /** Version number as reported, e.g. "8.15.0" or "2.11.0". */
  version: string;
  tagline?: string;
}

export interface EsCapabilities {
  flavor: EsFlavor;
  /** Null when GET / could not be read and the flavour came from the configuration. */
  version: string | null;
  /** Point in time: Elasticsearch >= 7.10 (POST /{index}/_pit), OpenSearch >= 2.4 (POST /{index}/_search/point_in_time). */
  pit: boolean;
  /** `_shard_doc` sort tiebreaker: Elasticsearch >= 7.12, OpenSearch >= 3.3 (PIT searches only). */
  shardDocTiebreaker: boolean;
}

export interface ClusterHealth {
  clusterName: string;
  status: 'green' | 'yellow' | 'red';
  timedOut: boolean;
  numberOfNodes: number;
  numberOfDataNodes: number;
  activePrimaryShards: number;
  activeShards: number;
  relocatingShards: number;
  initializingShards: number;
  unassignedShards: number;
  pendingTasks: number;
  activeShardsPercent: number | null;
}

export interface SearchHit {
  index: string;
  id: string;
  score: number | null;
  source: Record<string, unknown>;
  fields?: Record<string, unknown[]>;
  highlight?: Record<string, string[]>;
  sort?: (number | string | boolean | null)[];
}

export interface TotalHits {
  value: number;
  /** 'gte' means "at least": the server stopped counting (track_total_hits). */
  relation: 'eq' | 'gte';
}

export interface SearchResult {
  took: number;
  timedOut: boolean;
  shards: { total: number; successful: number; skipped: number; failed: number };
  /** Reasons of failed shards when the answer is partial. */
  shardFailures: string[];
  /** True when the index pattern matched no index at all (zero shards searched). */
  noIndicesMatched: boolean;
  /** Null when the request asked for no total (track_total_hits: false). */
  total: TotalHits | null;
  maxScore: number | null;
  hits: SearchHit[];
  aggregations: Record<string, unknown>;
  /** Point-in-time id to use for the next page (may change between pages). */
  pitId?: string;
}

export interface HistogramBucket {
  key: number;
  keyAsString?: string;
  count: number;
}
export interface TermsBucket {
  key: string | number | boolean;
  count: number;
}
export interface TermsAggResult {
  buckets: TermsBucket[];
  otherCount: number;
}

export interface PitHandle {
  id: string;
  flavor: EsFlavor;
  keepAlive: string;
}

// ---------- pure parse functions ----------

export function parseInfo(raw: unknown, configured: ElasticsearchClientOptions['flavor'] = 'auto'): EsInfo {
  const info = parseWith(infoSchema, raw, 'Elasticsearch info answer');
  const detected: EsFlavor = info.version.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  return {
    name: info.name,
    clusterName: info.cluster_name,
    flavor: configured === 'auto' ? detected : configured,
    version: info.version.number,
    ...(info.tagline !== undefined ? { tagline: info.tagline } : {}),
  };
}

export function parseClusterHealth(raw: unknown): ClusterHealth {
  const h = parseWith(healthSchema, raw, 'Elasticsearch cluster health answer');
  return {
    clusterName: h.cluster_name,
    status: h.status,
    timedOut: h.timed_out,
    numberOfNodes: h.number_of_nodes,
    numberOfDataNodes: h.number_of_data_nodes,
    activePrimaryShards: h.active_primary_shards,
    activeShards: h.active_shards,
    relocatingShards: h.relocating_shards,
    initializingShards: h.initializing_shards,
    unassignedShards: h.unassigned_shards,
    pendingTasks: h.number_of_pending_tasks,
    activeShardsPercent: h.active_shards_percent_as_number ?? null,
  };
}

type RawHit = z.output<typeof hitSchema>;
type RawSearch = z.output<typeof searchSchema>;

/** A well-formed hit as the SearchHit it becomes (the `_source` object kept, not copied), or undefined. */
function fastHit(h: unknown): SearchHit | undefined {
  if (!isPlainObject(h)) return undefined;
  const { _index, _id, _score, _source, fields, highlight, sort } = h;
  if (typeof _index !== 'string' || typeof _id !== 'string') return undefined;
  if (!(_score === undefined || _score === null || typeof _score === 'number')) return undefined;
  if (!(_source === undefined || (isPlainObject(_source) && Object.getPrototypeOf(_source) === Object.prototype))) return undefined;
  if (fields !== undefined) {
    if (!isPlainObject(fields)) return undefined;
    for (const k in fields) if (!Array.isArray(fields[k])) return undefined;
  }
  if (highlight !== undefined) {
    if (!isPlainObject(highlight)) return undefined;
    for (const k in highlight) if (!isStringArray(highlight[k])) return undefined;
  }
  if (sort !== undefined) {
    if (!Array.isArray(sort)) return undefined;
    for (let i = 0; i < sort.length; i++) {
      const v: unknown = sort[i];
      if (!(v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) return undefined;
    }
  }
  const out: SearchHit = { index: _index, id: _id, score: (_score as number | null | undefined) ?? null, source: (_source as Record<string, unknown> | undefined) ?? {} };
  if (fields !== undefined) out.fields = fields as Record<string, unknown[]>;
  if (highlight !== undefined) out.highlight = highlight as Record<string, string[]>;
  if (sort !== undefined) out.sort = sort as SearchHit['sort'];
  return out;
}

function toSearchHit(h: RawHit): SearchHit {
  const hit: SearchHit = { index: h._index, id: h._id, score: h._score ?? null, source: h._source ?? {} };
  if (h.fields) hit.fields = h.fields;
  if (h.highlight) hit.highlight = h.highlight;
  if (h.sort) hit.sort = h.sort;
  return hit;
}

/**
 * 10,000 hits through zod cost much of a page's time and a copy of every document: the hits are checked by
 * hand straight into SearchHits (one object per hit, the documents not copied) and the envelope (shards,
 * totals, aggregations) by the schema; any hit that is not the common shape sends the whole answer through
 * the schema, for the error naming the field.
 */
function fastSearch(raw: unknown): { envelope: RawSearch; hits: SearchHit[] } | undefined {
  if (!isPlainObject(raw) || !isPlainObject(raw.hits) || !Array.isArray(raw.hits.hits)) return undefined;
  const list = raw.hits.hits as unknown[];
  const hits: SearchHit[] = new Array<SearchHit>(list.length);
  for (let i = 0; i < list.length; i++) {
    const h = fastHit(list[i]);
    if (!h) return undefined;
    hits[i] = h;
  }
  const envelope = searchSchema.safeParse({ ...raw, hits: { ...raw.hits, hits: [] } });
  if (!envelope.success) return undefined;
  return { envelope: envelope.data, hits };
}

export function parseSearchResponse(raw: unknown): SearchResult {
  const quick = fastSearch(raw);
  const r = quick ? quick.envelope : parseWith(searchSchema, raw, 'Elasticsearch search answer');
  const failures = (r._shards.failures ?? []).map((f) => {
    const where = f.index ? `[${f.index}][${f.shard ?? '?'}] ` : '';
    return `${where}${f.reason.type}: ${f.reason.reason ?? ''}`.trim();
  });
  return {
    took: r.took,
    timedOut: r.timed_out,
    shards: { total: r._shards.total, successful: r._shards.successful, skipped: r._shards.skipped, failed: r._shards.failed },
    shardFailures: failures,
    noIndicesMatched: r._shards.total === 0,
    total: r.hits.total ?? null,
    maxScore: r.hits.max_score ?? null,
    hits: quick ? quick.hits : r.hits.hits.map(toSearchHit),
    aggregations: r.aggregations ?? {},
    ...(r.pit_id !== undefined ? { pitId: r.pit_id } : {}),
  };
}

/** Buckets of a date_histogram (or histogram) aggregation named `name`; [] when absent. */
export function parseDateHistogramAgg(result: Pick<SearchResult, 'aggregations'>, name: string): HistogramBucket[] {
  const raw = result.aggregations[name];
  if (raw === undefined) return [];
  return parseWith(dateHistogramSchema, raw, `date_histogram aggregation "${name}"`).buckets.map((b) => ({
    key: b.key,
    ...(b.key_as_string !== undefined ? { keyAsString: b.key_as_string } : {}),
    count: b.doc_count,
  }));
}

/** Buckets of a terms aggregation named `name`; empty when absent. */
export function parseTermsAgg(result: Pick<SearchResult, 'aggregations'>, name: string): TermsAggResult {
  const raw = result.aggregations[name];
  if (raw === undefined) return { buckets: [], otherCount: 0 };
  const t = parseWith(termsAggSchema, raw, `terms aggregation "${name}"`);
  return { buckets: t.buckets.map((b) => ({ key: b.key, count: b.doc_count })), otherCount: t.sum_other_doc_count };
}

type Cause = { type?: unknown; reason?: unknown; caused_by?: unknown; root_cause?: unknown; failed_shards?: unknown };

function causeText(c: Cause): string | null {
  if (typeof c.type !== 'string') return null;
  return typeof c.reason === 'string' && c.reason !== '' ? `${c.type}: ${c.reason}` : c.type;
}

/**
 * Human text of an Elasticsearch/OpenSearch error body. For "search_phase_execution_exception: all
 * shards failed" the root cause leads (e.g. "query_shard_exception: Failed to parse query [...]"),
 * followed by the deepest cause (the parser's own words) and the wrapper.
 */
/** The start of a value as JSON; a value too deeply nested to stringify falls back to the raw body. */
function jsonHead(value: unknown, raw: string): string {
  try {
    return JSON.stringify(value).slice(0, 500);
  } catch {
    return raw.slice(0, 500);
  }
}

export function esErrorText(body: string): string {
  const trimmed = body.trim();
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return trimmed.length > 2000 ? `${trimmed.slice(0, 2000)}…` : trimmed || '(empty answer)';
  }
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (typeof o.error === 'string') return o.error;
    if (o.error && typeof o.error === 'object') {
      const top = o.error as Cause;
      const roots = Array.isArray(top.root_cause) ? (top.root_cause as Cause[]) : [];
      const shardReasons = Array.isArray(top.failed_shards)
        ? (top.failed_shards as { reason?: Cause }[]).map((f) => f.reason).filter((x): x is Cause => !!x && typeof x === 'object')
        : [];
      const lead = causeText(roots[0] ?? shardReasons[0] ?? top) ?? causeText(top) ?? jsonHead(top, trimmed);
      // The caused_by chain under the first shard failure (or the top-level error): the parser's own
      // words live there. Causes repeated inside a longer one are dropped.
      const chain: string[] = [];
      let cur: Cause | undefined = (shardReasons[0]?.caused_by as Cause | undefined) ?? (top.caused_by as Cause | undefined);
      for (let i = 0; cur && typeof cur === 'object' && i < 10; i++) {
        const t = causeText(cur);
        if (t) chain.push(t);
        cur = cur.caused_by as Cause | undefined;
      }
      const reasonOf = (t: string): string => {
        const k = t.indexOf(': ');
        return k < 0 ? t : t.slice(k + 2);
      };
      const causes = chain.filter((t, i) => t !== lead && !lead.includes(reasonOf(t)) && !chain.some((o, j) => j !== i && o !== t && o.includes(reasonOf(t))));
      const topText = causeText(top);
      let text = [lead, ...[...new Set(causes)].map((c) => `caused by ${c}`)].join(' — ');
      if (topText && topText !== lead) text += ` (${topText})`;
      return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
    }
    if (typeof o.message === 'string') return o.message;
  }
  return trimmed.slice(0, 2000);
}

export function esSourceError(status: number, body: string): SourceError {
  const text = esErrorText(body);
  if (status === 401 || status === 403) return new SourceError('auth', `HTTP ${status}: ${text || 'unauthorized'}`, status);
  return new SourceError('http', `HTTP ${status}: ${text}`, status);
}

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

export function capabilitiesFor(flavor: EsFlavor, version: string | null): EsCapabilities {
  if (version === null) {
    // Unknown version: assume a current release; callers fall back when PIT is refused.
    return { flavor, version, pit: true, shardDocTiebreaker: flavor === 'elasticsearch' };
  }
  return flavor === 'opensearch'
    ? { flavor, version, pit: versionAtLeast(version, 2, 4), shardDocTiebreaker: versionAtLeast(version, 3, 3) }
    : { flavor, version, pit: versionAtLeast(version, 7, 10), shardDocTiebreaker: versionAtLeast(version, 7, 12) };
}

/** `logs-*,-logs-old` → path segment with each name encoded (commas and wildcards kept). */
export function indexPath(index: string): string {
  return index
    .split(',')
    .map((p) => encodeURIComponent(p.trim()).replace(/%2A/gi, '*'))
    .join(',');
}

// ---------- client ----------

export class ElasticsearchClient {
  readonly index: string;
  readonly timestampField: string;
  private readonly configuredFlavor: ElasticsearchClientOptions['flavor'];
  private caps: EsCapabilities | null = null;

  constructor(
    private readonly http: HttpClient,
    opts: ElasticsearchClientOptions,
  ) {
    this.index = opts.index;
    this.timestampField = opts.timestampField;
    this.configuredFlavor = opts.flavor;
  }

  private async call(req: HttpRequest, what: string, okStatuses: number[] = []): Promise<{ status: number; data: unknown }> {
    const res = await this.http.send(req);
    if (res.status >= 400 && !okStatuses.includes(res.status)) throw esSourceError(res.status, res.text);
    try {
      return { status: res.status, data: JSON.parse(res.text) as unknown };
    } catch (err) {
      const head = res.text.slice(0, 120).replace(/\s+/g, ' ');
      throw new SourceError('parse', `invalid JSON in ${what} (${(err as Error).message}): ${head}`, res.status);
    }
  }

  /** GET /: name, version and flavour (the configured one unless 'auto'). */
  async info(opts: RequestOptions = {}): Promise<EsInfo> {
    const { data } = await this.call({ path: '/', signal: opts.signal, timeoutMs: opts.timeoutMs }, 'info answer');
    const info = parseInfo(data, this.configuredFlavor);
    this.caps = capabilitiesFor(info.flavor, info.version);
    return info;
  }

  /**
   * Flavour and features, read once from GET / and cached. When GET / is refused (some hosted
   * clusters deny it to log readers) and the flavour is configured, a current version is assumed.
   */
  async capabilities(opts: RequestOptions = {}): Promise<EsCapabilities> {
    if (this.caps) return this.caps;
    try {
      await this.info(opts);
    } catch (err) {
      if (this.configuredFlavor !== 'auto' && err instanceof SourceError && (err.kind === 'auth' || err.kind === 'http')) {
        this.caps = capabilitiesFor(this.configuredFlavor, null);
      } else throw err;
    }
    return this.caps as EsCapabilities;
  }

  async clusterHealth(opts: RequestOptions = {}): Promise<ClusterHealth> {
    const { data } = await this.call({ path: '/_cluster/health', signal: opts.signal, timeoutMs: opts.timeoutMs }, 'cluster health answer');
    return parseClusterHealth(data);
  }

  /**
   * POST /{index}/_search, or POST /_search when the body carries a `pit` (a PIT search must not
   * name an index).
   */
  async search(body: Record<string, unknown>, opts: RequestOptions & { index?: string } = {}): Promise<SearchResult> {
    const path = body.pit !== undefined ? '/_search' : `/${indexPath(opts.index ?? this.index)}/_search`;
    const { data } = await this.call({ method: 'POST', path, body, signal: opts.signal, timeoutMs: opts.timeoutMs }, 'search answer');
    return parseSearchResponse(data);
  }

  async count(query: Record<string, unknown> | undefined, opts: RequestOptions & { index?: string } = {}): Promise<number> {
    const { data } = await this.call(
      { method: 'POST', path: `/${indexPath(opts.index ?? this.index)}/_count`, body: query ? { query } : {}, signal: opts.signal, timeoutMs: opts.timeoutMs },
      'count answer',
    );
    return parseWith(countSchema, data, 'Elasticsearch count answer').count;
  }

  /**
   * Opens a point in time on the client's index: Elasticsearch `POST /{index}/_pit`, OpenSearch
   * `POST /{index}/_search/point_in_time`. Throws an 'http' SourceError without asking the
   * server when the version has no PIT.
   */
  async openPit(keepAlive = '1m', opts: RequestOptions & { index?: string } = {}): Promise<PitHandle> {
    const caps = await this.capabilities(opts);
    if (!caps.pit) {
      const name = caps.flavor === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
      const needs = caps.flavor === 'opensearch' ? '2.4' : '7.10';
      throw new SourceError('http', `point in time is not available on ${name} ${caps.version ?? '(unknown version)'} (needs ${name} ${needs} or later)`);
    }
    const index = indexPath(opts.index ?? this.index);
    if (caps.flavor === 'opensearch') {
      const { data } = await this.call(
        { method: 'POST', path: `/${index}/_search/point_in_time`, query: { keep_alive: keepAlive }, signal: opts.signal, timeoutMs: opts.timeoutMs },
        'point-in-time answer',
      );
      return { id: parseWith(osPitOpenSchema, data, 'OpenSearch point-in-time answer').pit_id, flavor: 'opensearch', keepAlive };
    }
    const { data } = await this.call(
      { method: 'POST', path: `/${index}/_pit`, query: { keep_alive: keepAlive }, signal: opts.signal, timeoutMs: opts.timeoutMs },
      'point-in-time answer',
    );
    return { id: parseWith(esPitOpenSchema, data, 'Elasticsearch point-in-time answer').id, flavor: 'elasticsearch', keepAlive };
  }

  /** Closes a PIT; false when the server no longer knew it (expired or already closed). */
  async closePit(pit: PitHandle | string, opts: RequestOptions = {}): Promise<boolean> {
    const id = typeof pit === 'string' ? pit : pit.id;
    const flavor = typeof pit === 'string' ? (await this.capabilities(opts)).flavor : pit.flavor;
    if (flavor === 'opensearch') {
      const { status, data } = await this.call(
        { method: 'DELETE', path: '/_search/point_in_time', body: { pit_id: [id] }, signal: opts.signal, timeoutMs: opts.timeoutMs },
        'point-in-time close answer',
        [404],
      );
      if (status === 404) return false;
      return parseWith(osPitCloseSchema, data, 'OpenSearch point-in-time close answer').pits.some((p) => p.successful);
    }
    const { status, data } = await this.call(
      { method: 'DELETE', path: '/_pit', body: { id }, signal: opts.signal, timeoutMs: opts.timeoutMs },
      'point-in-time close answer',
      [404],
    );
    if (status === 404) return false;
    return parseWith(esPitCloseSchema, data, 'Elasticsearch point-in-time close answer').num_freed > 0;
  }
}
