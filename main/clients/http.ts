import { readFileSync } from 'node:fs';
import { Agent, EnvHttpProxyAgent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { ConnectionConfig } from '../config/schema';
import { SourceError, errorTextFromBody, toSourceError } from './source-error';
import { JsonArraySplitter, JsonSyntaxError, type JsonStreamReader, type StreamEnd } from './json-array-stream';

export type SecretResolver = (value: string | { secretRef: string }) => string;
export const inlineSecrets: SecretResolver = (v) => {
  if (typeof v === 'string') return v;
  throw new Error(`secret "${v.secretRef}" is not available in this host`);
};

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  query?: Record<string, string | string[] | number | undefined>;
  body?: unknown;
  /** Raw body (e.g. NDJSON); sent as is. */
  rawBody?: string;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  text: string;
  bytes: number;
  latencyMs: number;
}

export interface HttpClient {
  readonly baseUrl: string;
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Sends and parses JSON; any status >= 400 throws a SourceError with the server's text. */
  json<T = unknown>(req: HttpRequest): Promise<T>;
  /** Sends; any status >= 400 throws a SourceError with the server's text; the body is not parsed. */
  ok(req: HttpRequest): Promise<HttpResponse>;
  /**
   * Sends and reads a JSON array answer as it streams in: `onItems` gets each network chunk's complete
   * elements, parsed, in order, and the answer's text is never held whole (a 20 MB alert list costs one
   * chunk, not 20 MB of bytes plus a 20 MB string). A status >= 400 throws as `ok` does; an answer that is
   * not an array is parsed whole and returned as `{ kind: 'other', value }` for the caller's schema to judge.
   */
  jsonArray(req: HttpRequest, onItems: (items: unknown[]) => void): Promise<StreamEnd>;
  /**
   * Sends and hands the answer's bytes to `reader` as they arrive (the general form of `jsonArray`); returns what
   * `reader.end()` returns. A status >= 400 throws as `ok` does; a JsonSyntaxError from the reader becomes the
   * usual invalid-JSON SourceError.
   */
  jsonStream<T>(req: HttpRequest, reader: JsonStreamReader<T>): Promise<T>;
  close(): Promise<void>;
}

function buildDispatcher(cfg: ConnectionConfig): Dispatcher {
  const tls = cfg.tls ?? {};
  const connect = {
    ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
    cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
    key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
    rejectUnauthorized: tls.insecureSkipVerify ? false : true,
  };
  // 16 per origin: a Prometheus poll sends 7 value queries at once, the alerts feature 2 more, sparklines 2 and a
  // drill-down 6; with 8, the ninth query of a poll waited for a connection behind a slow one.
  const common = { connect, keepAliveTimeout: 30_000, connections: 16 };
  if (cfg.proxy === 'env') return new EnvHttpProxyAgent({ ...common, requestTls: connect });
  if (cfg.proxy) return new ProxyAgent({ uri: cfg.proxy, requestTls: connect });
  return new Agent(common);
}

export function buildUrl(base: string, path: string, query?: HttpRequest['query']): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  return url.toString();
}

export function createHttpClient(cfg: ConnectionConfig, resolveSecret: SecretResolver = inlineSecrets, defaultTimeoutMs = 10_000): HttpClient {
  const dispatcher = buildDispatcher(cfg);
  const headers: Record<string, string> = { accept: 'application/json', ...(cfg.headers ?? {}) };
  if (cfg.basicAuth) {
    const pw = resolveSecret(cfg.basicAuth.password);
    headers.authorization = `Basic ${Buffer.from(`${cfg.basicAuth.username}:${pw}`).toString('base64')}`;
  }
  if (cfg.bearerToken) headers.authorization = `Bearer ${resolveSecret(cfg.bearerToken)}`;
  const timeoutDefault = cfg.timeoutMs ?? defaultTimeoutMs;

  type Body = Dispatcher.ResponseData['body'];

  /** One request with its timeout and cancellation; `read` consumes the body (always, so the connection goes back to the pool). */
  async function exchange<T>(req: HttpRequest, read: (status: number, body: Body, started: number) => Promise<T>): Promise<T> {
    const timeoutMs = req.timeoutMs ?? timeoutDefault;
    // A plain timer and controller, strongly held until the request settles: on Node 20 a signal from
    // AbortSignal.timeout() combined with AbortSignal.any() can be garbage-collected before it fires,
    // leaving a request to a silent server hanging far past its timeout.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    const onCancel = () => controller.abort(req.signal?.reason);
    if (req.signal?.aborted) onCancel();
    else req.signal?.addEventListener('abort', onCancel, { once: true });
    const started = performance.now();
    const body = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
    try {
      const res = await request(buildUrl(cfg.url, req.path, req.query), {
        method: req.method ?? 'GET',
        headers: body === undefined ? headers : { ...headers, 'content-type': req.contentType ?? 'application/json' },
        body,
        signal: controller.signal,
        dispatcher,
      });
      return await read(res.statusCode, res.body, started);
    } catch (err) {
      throw toSourceError(err, timeoutMs, req.signal);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCancel);
    }
  }

  function send(req: HttpRequest): Promise<HttpResponse> {
    return exchange(req, async (status, body, started) => {
      const text = await body.text();
      return { status, text, bytes: Buffer.byteLength(text), latencyMs: performance.now() - started };
    });
  }

  /** The SourceError for an answer that is not JSON: the parser's words and the answer's first characters. */
  function invalidJson(reason: string, head: string, status: number): SourceError {
    return new SourceError('parse', `invalid JSON from server (${reason}): ${head.replace(/\s+/g, ' ')}`, status);
  }

  /** The SourceError for a refused request, with the server's own text. */
  function statusError(status: number, text: string): SourceError {
    if (status === 401 || status === 403) return new SourceError('auth', `HTTP ${status}: ${errorTextFromBody(text) || 'unauthorized'}`, status);
    return new SourceError('http', `HTTP ${status}: ${errorTextFromBody(text)}`, status);
  }

  async function ok(req: HttpRequest): Promise<HttpResponse> {
    const res = await send(req);
    if (res.status >= 400) throw statusError(res.status, res.text);
    return res;
  }

  function jsonStream<T>(req: HttpRequest, reader: JsonStreamReader<T>): Promise<T> {
    return exchange(req, async (status, body) => {
      if (status >= 400) throw statusError(status, await body.text());
      try {
        for await (const chunk of body) reader.push(chunk as Buffer);
        return reader.end();
      } catch (err) {
        if (err instanceof JsonSyntaxError) throw invalidJson(err.message, err.head, status);
        throw err;
      }
    });
  }

  function jsonArray(req: HttpRequest, onItems: (items: unknown[]) => void): Promise<StreamEnd> {
    return jsonStream(req, new JsonArraySplitter(onItems));
  }

  async function json<T>(req: HttpRequest): Promise<T> {
    const res = await ok(req);
    try {
      return JSON.parse(res.text) as T;
    } catch (err) {
      throw invalidJson((err as Error).message, res.text.slice(0, 120), res.status);
    }
  }

  return { baseUrl: cfg.url, send, json, ok, jsonArray, jsonStream, close: () => dispatcher.close() };
}
