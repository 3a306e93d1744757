/**
 * An Elasticsearch/OpenSearch-protocol HTTP server over generated logs, for tests only.
 *
 * Endpoints: GET|HEAD /, GET /_cluster/health[/{index}], GET|POST [/{index}]/_search, [/{index}]/_count,
 * [/{index}]/_msearch (NDJSON, must end with a newline), GET [/{index}]/_mapping, GET /_cat/indices,
 * and point in time per flavour/version:
 *   Elasticsearch >= 7.10: POST /{index}/_pit?keep_alive=1m → {id}; DELETE /_pit {id}
 *   OpenSearch    >= 2.4 : POST /{index}/_search/point_in_time?keep_alive=1m → {pit_id, _shards, creation_time};
 *                          DELETE /_search/point_in_time {pit_id:[…]}; GET|DELETE /_search/point_in_time/_all
 * Older versions answer those paths with 400 "no handler found for uri …", and a `pit` in a search body
 * with 400 parsing_exception, like the real ones.
 * Index expressions: comma lists, `*` wildcards, `_all`, `-exclusions`. A missing concrete index is 404
 * index_not_found_exception; a wildcard matching nothing is an empty 200 answer with zero shards
 * (allow_no_indices=true, the Elasticsearch default) unless `allow_no_indices=false` (then 404).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { globToRegExp, Mapping } from './analysis';
import { parseTimeValue } from './dates';
import { httpError, illegalArgument, indexNotFound, noHandler, searchContextMissing, validationFailed } from './errors';
import { generateLogs } from './generate-logs';
import { PitStore } from './pit';
import { executeCount, executeSearch, type SearchEnv, type SearchTarget } from './search';
import { EsHttpError, parseVersion, versionAtLeast, type EsFlavor, type LogDoc, type Rec, type Snapshot } from './types';

export interface EsTestServerOptions {
  flavor: EsFlavor;
  /** '8.15.0' | '7.17.0' (Elasticsearch) or '2.11.0' | '1.3.0' (OpenSearch); default 8.15.0 / 2.11.0. */
  version?: string;
  /** Generated log count (default 20000). Ignored when `initialDocs` is given. */
  docs?: number;
  seed?: number;
  /** Time range the logs cover, ending at `endMs` (default 24 h). */
  spanMs?: number;
  /** End of the generated range (default: now). */
  endMs?: number;
  /** Use these documents instead of generated ones. */
  initialDocs?: LogDoc[];
  /** Index name (default `logs-YYYY.MM.DD` of `endMs`, UTC). */
  index?: string;
  requireAuth?: { username: string; password: string };
  /** index.max_result_window (default 10000). */
  maxResultWindow?: number;
  /** Delay before every answer. */
  latencyMs?: number;
  health?: 'green' | 'yellow' | 'red';
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  body?: unknown;
}

export interface EsTestServer {
  url: string;
  port: number;
  index: string;
  flavor: EsFlavor;
  version: string;
  /** Current documents, sorted by @timestamp (appended ones included). */
  readonly docs: LogDoc[];
  /** Adds documents; later searches see them, open PITs do not. */
  append(docs: LogDoc[]): void;
  stop(): Promise<void>;
  requestLog: RequestLogEntry[];
  setHealth(status: 'green' | 'yellow' | 'red'): void;
  /** Number of point-in-time contexts currently open. */
  livePits(): number;
}

const LUCENE: Record<string, string> = { '8': '9.11.1', '7': '8.11.1', 'os2': '9.7.0', 'os1': '8.10.1' };

function docId(seed: number, num: number): string {
  const h = createHash('sha1').update(`${seed}:${num}`).digest('base64url').slice(0, 14);
  const n = Buffer.alloc(6);
  n.writeUIntBE(num, 0, 6);
  return h + n.toString('base64url');
}

function mergeSorted(a: readonly Rec[], b: Rec[]): Rec[] {
  b.sort((x, y) => x.ts - y.ts || x.num - y.num);
  const last = a[a.length - 1];
  const first = b[0];
  if (!last || !first || last.ts <= first.ts) return [...a, ...b];
  const out: Rec[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Rec;
    const y = b[j] as Rec;
    if (x.ts < y.ts || (x.ts === y.ts && x.num < y.num)) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++] as Rec);
  while (j < b.length) out.push(b[j++] as Rec);
  return out;
}

function toSnapshot(recs: readonly Rec[]): Snapshot {
  const ts = new Float64Array(recs.length);
  for (let i = 0; i < recs.length; i++) ts[i] = (recs[i] as Rec).ts;
  return { recs, ts };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export async function startEsTestServer(opts: EsTestServerOptions): Promise<EsTestServer> {
  const flavor = opts.flavor;
  const versionStr = opts.version ?? (flavor === 'opensearch' ? '2.11.0' : '8.15.0');
  const version = parseVersion(versionStr);
  const seed = opts.seed ?? 1;
  const endMs = opts.endMs ?? Date.now();
  const indexName = opts.index ?? `logs-${new Date(endMs).toISOString().slice(0, 10).replace(/-/g, '.')}`;
  const hasPit = flavor === 'elasticsearch' ? versionAtLeast(version, 7, 10) : versionAtLeast(version, 2, 4);
  const maxResultWindow = opts.maxResultWindow ?? 10_000;
  const mapping = new Mapping();
  const pits = new PitStore(flavor);
  const requestLog: RequestLogEntry[] = [];
  let health = opts.health ?? 'green';
  let nextNum = 0;

  const makeRecs = (docs: LogDoc[]): Rec[] =>
    docs.map((d) => {
      const src = d as unknown as Record<string, unknown>;
      const ts = Date.parse(String(src['@timestamp']));
      if (!Number.isFinite(ts)) throw new Error(`es-test-server: document without a valid @timestamp: ${JSON.stringify(d).slice(0, 200)}`);
      mapping.observe(src);
      const num = nextNum++;
      return { num, ts, id: docId(seed, num), src };
    });

  const initial = opts.initialDocs ?? generateLogs(opts.docs ?? 20_000, seed, endMs, opts.spanMs ?? 24 * 3_600_000);
  let snapshot = toSnapshot(mergeSorted([], makeRecs(initial)));

  const env = (): SearchEnv => ({ flavor, version, now: Date.now(), timestampField: '@timestamp', maxResultWindow, maxBuckets: 65_536, mapping });

  function infoBody(): Record<string, unknown> {
    const lucene = flavor === 'opensearch' ? (LUCENE[`os${version.major}`] ?? '9.7.0') : (LUCENE[String(version.major)] ?? '9.11.1');
    const v: Record<string, unknown> = flavor === 'opensearch' ? { distribution: 'opensearch', number: versionStr } : { number: versionStr };
    if (flavor === 'elasticsearch') v.build_flavor = 'default';
    Object.assign(v, {
      build_type: flavor === 'opensearch' ? 'tar' : 'docker',
      build_hash: createHash('sha1').update(versionStr).digest('hex'),
      build_date: '2024-08-05T10:05:34.233336849Z',
      build_snapshot: false,
      lucene_version: lucene,
      minimum_wire_compatibility_version: flavor === 'opensearch' ? (version.major >= 2 ? '7.10.0' : '6.8.0') : version.major >= 8 ? '7.17.0' : '6.8.0',
      minimum_index_compatibility_version: flavor === 'opensearch' ? '7.0.0' : version.major >= 8 ? '7.0.0' : '6.0.0-beta1',
    });
    return {
      name: 'es-test-node',
      cluster_name: 'ops-console-test',
      cluster_uuid: 'b2mT0v0vQ9C6m3r1vN2c6g',
      version: v,
      tagline: flavor === 'opensearch' ? 'The OpenSearch Project: https://opensearch.org/' : 'You Know, for Search',
    };
  }

  function healthBody(): Record<string, unknown> {
    const unassigned = health === 'green' ? 0 : 1;
    const body: Record<string, unknown> = {
      cluster_name: 'ops-console-test',
      status: health,
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
    };
    if (flavor === 'opensearch') {
      body.discovered_master = true;
      if (version.major >= 2) body.discovered_cluster_manager = true;
    }
    Object.assign(body, {
      active_primary_shards: health === 'red' ? 0 : 1,
      active_shards: health === 'red' ? 0 : 1,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: unassigned + (health === 'red' ? 1 : 0),
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: health === 'green' ? 100.0 : health === 'yellow' ? 50.0 : 0.0,
    });
    return body;
  }

  /** The concrete index an expression selects, or null when a wildcard matched nothing. */
  function resolveIndex(expr: string, params: URLSearchParams): string | null {
    const ignoreUnavailable = params.get('ignore_unavailable') === 'true';
    const allowNoIndices = params.get('allow_no_indices') !== 'false';
    let selected = false;
    let sawWildcard = false;
    for (const part of expr.split(',').map((p) => p.trim()).filter(Boolean)) {
      if (part.startsWith('-') && sawWildcard) {
        if (globToRegExp(part.slice(1), false).test(indexName)) selected = false;
        continue;
      }
      if (part.includes(':')) throw illegalArgument(`remote clusters are not supported by the test server [${part}]`);
      if (part === '_all' || part.includes('*')) {
        sawWildcard = true;
        if (part === '_all' || globToRegExp(part, false).test(indexName)) selected = true;
        continue;
      }
      if (part === indexName) selected = true;
      else if (!ignoreUnavailable) throw indexNotFound(part);
    }
    if (!selected && !allowNoIndices) throw indexNotFound(expr);
    return selected ? indexName : null;
  }

  function keepAlive(v: unknown, required: boolean): number | undefined {
    if (v === undefined || v === null) {
      if (required) throw validationFailed('[keep_alive] is not specified');
      return undefined;
    }
    const ms = parseTimeValue(v);
    if (ms === null) throw illegalArgument(`failed to parse setting [keep_alive] with value [${String(v)}] as a time value: unit is missing or unrecognized`);
    return ms;
  }

  function searchTarget(pathIndex: string | null, body: unknown, params: URLSearchParams): { target: SearchTarget; body: unknown } {
    if (isObj(body) && body.pit !== undefined) {
      if (!hasPit) throw httpError(400, 'parsing_exception', 'Unknown key for a START_OBJECT in [pit].', { line: 1, col: 1 });
      if (pathIndex !== null) throw validationFailed('[indices] cannot be used with point in time. Do not specify any index with point in time.');
      const p = body.pit;
      if (!isObj(p) || typeof p.id !== 'string') throw httpError(400, 'parsing_exception', '[pit] failed to parse field [id]', { line: 1, col: 1 });
      const pit = pits.use(p.id, keepAlive(p.keep_alive, false));
      if (!pit) throw searchContextMissing(p.id.length > 40 ? `${p.id.slice(0, 40)}…` : p.id);
      const { pit: _pit, ...rest } = body;
      return { target: { index: pit.index, snapshot: pit.snapshot, pitId: pit.id }, body: rest };
    }
    const index = resolveIndex(pathIndex ?? '_all', params);
    return { target: { index, snapshot }, body };
  }

  function parseJsonBody(text: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw httpError(400, 'x_content_parse_exception', `[1:1] ${(e as Error).message}`);
    }
  }

  function msearch(text: string, pathIndex: string | null, params: URLSearchParams): Record<string, unknown> {
    if (!text.endsWith('\n')) throw illegalArgument('The msearch request must be terminated by a newline [\n]');
    const lines = text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
    const responses: unknown[] = [];
    const started = performance.now();
    for (let i = 0; i < lines.length; i += 2) {
      const header = parseJsonBody(lines[i] ?? '') ?? {};
      const body = parseJsonBody(lines[i + 1] ?? '');
      try {
        const idx = isObj(header) && header.index !== undefined ? (Array.isArray(header.index) ? header.index.join(',') : String(header.index)) : pathIndex;
        const st = searchTarget(idx, body, params);
        responses.push({ ...executeSearch(st.body, new URLSearchParams(), st.target, env()), status: 200 });
      } catch (e) {
        if (!(e instanceof EsHttpError)) throw e;
        responses.push({ ...(e.body as Record<string, unknown>), status: e.status });
      }
    }
    return { took: Math.round(performance.now() - started), responses };
  }

  function methodNotAllowed(path: string, method: string, allowed: string[]): EsHttpError {
    return new EsHttpError(405, { error: `Incorrect HTTP method for uri [${path}] and method [${method}], allowed: [${allowed.join(', ')}]`, status: 405 });
  }

  function route(method: string, url: URL, text: string): { status: number; body: unknown } {
    const params = url.searchParams;
    const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const fullPath = url.pathname + url.search;
    const allow = (...methods: string[]): void => {
      if (!methods.includes(method)) throw methodNotAllowed(fullPath, method, methods);
    };
    const [s0, s1, s2] = seg;
    if (seg.length === 0) {
      allow('GET', 'HEAD');
      return { status: 200, body: infoBody() };
    }
    if (s0 === '_cluster' && s1 === 'health' && seg.length <= 3) {
      allow('GET');
      if (s2 !== undefined) resolveIndex(s2, params);
      return { status: health === 'red' && params.get('wait_for_status') ? 408 : 200, body: healthBody() };
    }
    // Point in time, Elasticsearch flavour.
    if (flavor === 'elasticsearch' && hasPit && s0 === '_pit' && seg.length === 1) {
      allow('DELETE');
      const body = parseJsonBody(text);
      if (!isObj(body) || typeof body.id !== 'string') throw validationFailed('[id] is required');
      const freed = pits.close(body.id);
      return { status: freed ? 200 : 404, body: { succeeded: true, num_freed: freed ? 1 : 0 } };
    }
    if (flavor === 'elasticsearch' && hasPit && s1 === '_pit' && seg.length === 2 && s0 !== undefined && (!s0.startsWith('_') || s0 === '_all')) {
      allow('POST');
      const ka = keepAlive(params.get('keep_alive') ?? undefined, true) as number;
      const index = resolveIndex(s0, params);
      const pit = pits.open(index, snapshot, ka);
      const body: Record<string, unknown> = { id: pit.id };
      if (versionAtLeast(version, 8, 10)) body._shards = { total: index ? 1 : 0, successful: index ? 1 : 0, skipped: 0, failed: 0 };
      return { status: 200, body };
    }
    // Point in time, OpenSearch flavour.
    if (flavor === 'opensearch' && hasPit && s0 === '_search' && s1 === 'point_in_time') {
      if (seg.length === 3 && s2 === '_all') {
        allow('GET', 'DELETE');
        if (method === 'GET') return { status: 200, body: { pits: pits.live().map((p) => ({ pit_id: p.id, creation_time: p.createdAt, keep_alive: p.expiresAt - Date.now() })) } };
        return { status: 200, body: { pits: pits.closeAll().map((id) => ({ successful: true, pit_id: id })) } };
      }
      if (seg.length === 2) {
        allow('DELETE');
        const body = parseJsonBody(text);
        const ids = isObj(body) && Array.isArray(body.pit_id) ? body.pit_id.map(String) : isObj(body) && typeof body.pit_id === 'string' ? [body.pit_id] : null;
        if (!ids || ids.length === 0) throw validationFailed('No pit ids specified');
        const results = ids.map((id) => ({ successful: pits.close(id), pit_id: id }));
        return { status: results.some((r) => r.successful) ? 200 : 404, body: { pits: results } };
      }
    }
    if (flavor === 'opensearch' && hasPit && s1 === '_search' && s2 === 'point_in_time' && seg.length === 3 && s0 !== undefined && (!s0.startsWith('_') || s0 === '_all')) {
      allow('POST');
      const ka = keepAlive(params.get('keep_alive') ?? undefined, true) as number;
      const index = resolveIndex(s0, params);
      const pit = pits.open(index, snapshot, ka);
      return { status: 200, body: { pit_id: pit.id, _shards: { total: index ? 1 : 0, successful: index ? 1 : 0, skipped: 0, failed: 0 }, creation_time: pit.createdAt } };
    }
    // Search, count, msearch, mapping.
    const indexed = seg.length === 2 && s0 !== undefined && (!s0.startsWith('_') || s0 === '_all');
    const op = seg.length === 1 ? s0 : indexed ? s1 : undefined;
    const pathIndex = indexed ? (s0 as string) : null;
    if (op === '_search' && (seg.length === 1 || indexed)) {
      allow('GET', 'POST');
      const st = searchTarget(pathIndex, parseJsonBody(text), params);
      return { status: 200, body: executeSearch(st.body, params, st.target, env()) };
    }
    if (op === '_count' && (seg.length === 1 || indexed)) {
      allow('GET', 'POST');
      const index = resolveIndex(pathIndex ?? '_all', params);
      return { status: 200, body: executeCount(parseJsonBody(text), params, { index, snapshot }, env()) };
    }
    if (op === '_msearch' && (seg.length === 1 || indexed)) {
      allow('GET', 'POST');
      return { status: 200, body: msearch(text, pathIndex, params) };
    }
    if (op === '_mapping' && (seg.length === 1 || indexed)) {
      allow('GET');
      const index = resolveIndex(pathIndex ?? '_all', params);
      return { status: 200, body: index ? { [index]: { mappings: { properties: mapping.properties() } } } : {} };
    }
    if (s0 === '_cat' && s1 === 'indices' && seg.length <= 3) {
      allow('GET');
      const index = resolveIndex(s2 ?? '_all', params);
      const row = index
        ? { health, status: 'open', index, uuid: 'tEsTsErVeRuUiD0000000a', pri: '1', rep: '0', 'docs.count': String(snapshot.recs.length), 'docs.deleted': '0', 'store.size': `${Math.round(snapshot.recs.length * 0.25)}kb`, 'pri.store.size': `${Math.round(snapshot.recs.length * 0.25)}kb` }
        : null;
      if (params.get('format') === 'json') return { status: 200, body: row ? [row] : [] };
      return { status: 200, body: row ? `${Object.values(row).join(' ')}\n` : '' };
    }
    throw noHandler(fullPath, method);
  }

  function authFailure(req: IncomingMessage, path: string): EsHttpError | null {
    const need = opts.requireAuth;
    if (!need) return null;
    const h = req.headers.authorization;
    let user: string | null = null;
    let pass: string | null = null;
    if (h?.startsWith('Basic ')) {
      const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      user = i >= 0 ? decoded.slice(0, i) : decoded;
      pass = i >= 0 ? decoded.slice(i + 1) : '';
    }
    if (user === need.username && pass === need.password) return null;
    if (flavor === 'opensearch') return new EsHttpError(401, 'Unauthorized');
    const reason = user === null ? `missing authentication credentials for REST request [${path}]` : `unable to authenticate user [${user}] for REST request [${path}]`;
    return httpError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] } });
  }

  const baseHeaders: Record<string, string> = {};
  if (flavor === 'elasticsearch' && versionAtLeast(version, 7, 14)) baseHeaders['X-elastic-product'] = 'Elasticsearch';

  function send(res: ServerResponse, method: string, status: number, body: unknown, pretty: boolean): void {
    const isText = typeof body === 'string';
    const text = isText ? body : JSON.stringify(body, null, pretty ? 2 : undefined);
    const headers: Record<string, string | number> = {
      ...baseHeaders,
      'content-type': isText ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    };
    if (status === 401) headers['WWW-Authenticate'] = flavor === 'opensearch' ? 'Basic realm="OpenSearch Security"' : 'Basic realm="security" charset="UTF-8"';
    res.writeHead(status, headers);
    res.end(method === 'HEAD' ? undefined : text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        let logged: unknown = text === '' ? undefined : text;
        try {
          logged = text === '' ? undefined : JSON.parse(text);
        } catch {
          // NDJSON or invalid JSON: log the raw text
        }
        requestLog.push({ method, path: url.pathname, query: url.search, ...(logged !== undefined ? { body: logged } : {}) });
        if (opts.latencyMs) await delay(opts.latencyMs);
        const pretty = url.searchParams.has('pretty');
        try {
          const denied = authFailure(req, url.pathname);
          if (denied) throw denied;
          const out = route(method, url, text);
          send(res, method, out.status, out.body, pretty);
        } catch (e) {
          if (e instanceof EsHttpError) send(res, method, e.status, e.body, pretty);
          else {
            const err = e as Error;
            send(res, method, 500, { error: { root_cause: [{ type: 'exception', reason: err.message }], type: 'exception', reason: err.message, stack_trace: err.stack }, status: 500 }, pretty);
          }
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    index: indexName,
    flavor,
    version: versionStr,
    get docs(): LogDoc[] {
      return snapshot.recs.map((r) => r.src as unknown as LogDoc);
    },
    append(docs: LogDoc[]): void {
      snapshot = toSnapshot(mergeSorted(snapshot.recs, makeRecs(docs)));
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    requestLog,
    setHealth(status) {
      health = status;
    },
    livePits: () => pits.live().length,
  };
}
