/** How a request to a backend failed; the message is the server's or the network's own text. */
export type SourceErrorKind = 'http' | 'auth' | 'network' | 'timeout' | 'tls' | 'parse' | 'aborted';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|UNABLE_TO_|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;

/** Maps what undici / node:net threw into a SourceError, keeping the original text. */
export function toSourceError(err: unknown, timeoutMs: number, userSignal?: AbortSignal): SourceError {
  if (err instanceof SourceError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (userSignal?.aborted) return new SourceError('aborted', 'request cancelled');
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new SourceError('timeout', `timed out after ${timeoutMs} ms`);
  }
  if (e?.name === 'AbortError') return new SourceError('timeout', `timed out after ${timeoutMs} ms`);
  const code = e?.code ?? e?.cause?.code ?? '';
  const message = e?.message || e?.cause?.message || String(err);
  if (TLS_CODES.test(code) || /certificate|SSL|TLS/i.test(message)) return new SourceError('tls', message);
  return new SourceError('network', message);
}

/** Pulls the human part out of an error body: Prometheus `error`, Elasticsearch `error.reason`, Alertmanager `message`. */
export function errorTextFromBody(body: string): string {
  const trimmed = body.trim();
  try {
    const json = JSON.parse(trimmed) as unknown;
    if (typeof json === 'string') return json;
    if (json && typeof json === 'object') {
      const o = json as Record<string, unknown>;
      if (typeof o.error === 'string') return o.errorType ? `${String(o.errorType)}: ${o.error}` : o.error;
      if (o.error && typeof o.error === 'object') {
        const inner = o.error as Record<string, unknown>;
        const root = Array.isArray(inner.root_cause) ? (inner.root_cause[0] as Record<string, unknown> | undefined) : undefined;
        const type = String(inner.type ?? root?.type ?? 'error');
        const reason = String(inner.reason ?? root?.reason ?? JSON.stringify(inner));
        return `${type}: ${reason}`;
      }
      if (typeof o.message === 'string') return o.message;
    }
  } catch {
    // not JSON: the raw text is the server's message
  }
  return trimmed.length > 2000 ? `${trimmed.slice(0, 2000)}…` : trimmed;
}
