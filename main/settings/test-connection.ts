/**
 * "Test connection" in Settings: one real request to the source as configured (unsaved), answering
 * with the exact error text the server or the network gave.
 *
 * - Prometheus: GET /api/v1/status/buildinfo (→ version)
 * - Alertmanager: GET /api/v2/status (→ versionInfo.version, cluster status)
 * - Elasticsearch / OpenSearch: GET / (→ version.number, distribution)
 */
import { connectionSchema, elasticsearchSchema } from '../config/schema';
import { createHttpClient, type SecretResolver } from '../clients/http';
import { formatZodError } from '../core/validation';
import type { TestConnectionResult } from '../../preload/contract';

export type TestKind = 'prometheus' | 'alertmanager' | 'elasticsearch';

const PATHS: Record<TestKind, string> = {
  prometheus: '/api/v1/status/buildinfo',
  alertmanager: '/api/v2/status',
  elasticsearch: '/',
};

function versionOf(kind: TestKind, body: unknown): string | null {
  const o = (body ?? {}) as Record<string, unknown>;
  if (kind === 'prometheus') {
    const data = o.data as { version?: unknown } | undefined;
    return typeof data?.version === 'string' ? `Prometheus ${data.version}` : null;
  }
  if (kind === 'alertmanager') {
    const v = (o.versionInfo as { version?: unknown } | undefined)?.version;
    const cluster = (o.cluster as { status?: unknown; peers?: unknown[] } | undefined) ?? {};
    const peers = Array.isArray(cluster.peers) ? cluster.peers.length : 0;
    return typeof v === 'string' ? `Alertmanager ${v}${cluster.status === 'ready' ? `, cluster of ${peers}` : ''}` : null;
  }
  const ver = o.version as { number?: unknown; distribution?: unknown } | undefined;
  if (typeof ver?.number !== 'string') return null;
  return `${ver.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${ver.number}`;
}

export async function testConnection(kind: TestKind, rawConnection: unknown, resolveSecret: SecretResolver, timeoutMs = 10_000): Promise<TestConnectionResult> {
  const schema = kind === 'elasticsearch' ? elasticsearchSchema : connectionSchema;
  const input = { ...(rawConnection as Record<string, unknown>) };
  if (kind !== 'elasticsearch') delete input.index;
  if (!input.name) input.name = 'test';
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, message: formatZodError(parsed.error), latencyMs: null, version: null };
  let http;
  try {
    http = createHttpClient(parsed.data, resolveSecret, timeoutMs);
  } catch (err) {
    // A secret that is not stored, a TLS file that cannot be read.
    return { ok: false, message: (err as Error).message, latencyMs: null, version: null };
  }
  const started = performance.now();
  try {
    const res = await http.ok({ path: PATHS[kind] });
    const latencyMs = Math.round(performance.now() - started);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return { ok: false, message: `HTTP ${res.status} but not JSON: ${res.text.slice(0, 200)} — is this really ${kind}?`, latencyMs, version: null };
    }
    const version = versionOf(kind, body);
    if (!version) return { ok: false, message: `HTTP ${res.status}, but the answer does not look like ${kind} (${PATHS[kind]})`, latencyMs, version: null };
    return { ok: true, message: `Connected: ${version} in ${latencyMs} ms`, latencyMs, version };
  } catch (err) {
    return { ok: false, message: (err as Error).message, latencyMs: null, version: null };
  } finally {
    await http.close().catch(() => undefined);
  }
}
