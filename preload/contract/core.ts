import { z } from 'zod';
import { request } from './define';

export type SourceKind = 'prometheus' | 'alertmanager' | 'elasticsearch' | 'healthcheck';

/** ok: last poll fine; degraded: answered but broken (5xx, bad payload, partial); auth-failed: 401/403;
 * unreachable: network, timeout or TLS; stale: no answer for longer than its stale limit. */
export type HealthState = 'ok' | 'degraded' | 'auth-failed' | 'unreachable' | 'stale' | 'pending';

export interface SourceHealth {
  /** `${kind}:${name}` — unique within an environment. */
  id: string;
  kind: SourceKind;
  name: string;
  url: string;
  state: HealthState;
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  /** The last error's text exactly as the server or the network gave it. */
  lastError: string | null;
  lastErrorAt: number | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  /** Extra, source-specific detail (for example Elasticsearch cluster health colour). */
  detail?: string;
}

export interface EnvironmentInfo {
  name: string;
  sources: { id: string; kind: SourceKind; name: string; url: string }[];
}

export interface EnvironmentsState {
  environments: EnvironmentInfo[];
  active: string | null;
  /** A config problem, shown to the user; the app runs on without the bad file. */
  configError: string | null;
  configPath: string | null;
  readOnly: boolean;
}

export interface HelloResult {
  version: string;
  host: 'electron' | 'browser';
  /** Latest payload of every event topic, so a fresh renderer can paint at once. */
  snapshot: Partial<Record<string, unknown>>;
}

export const coreRequests = {
  'core.hello': request<HelloResult>()(z.object({}).strict()),
  'core.selectEnvironment': request<void>()(z.object({ name: z.string().min(1).max(200) }).strict()),
  'core.refreshNow': request<void>()(z.object({}).strict()),
  'core.openExternal': request<{ openedBy: 'host' | 'renderer'; url: string }>()(z.object({ url: z.string().max(8192) }).strict()),
  /** The renderer says whether anyone is looking, so hidden windows cost nothing. */
  'core.setVisibility': request<void>()(z.object({ visible: z.boolean() }).strict()),
};

export interface CoreEvents {
  'core.environments': EnvironmentsState;
  'core.health': SourceHealth[];
}
