/** The Settings form's working copy: plain objects mirroring the config schema (secrets as `{ secretRef }`). */
export type Secret = string | { secretRef: string };
export type SourceKind = 'prometheus' | 'alertmanager' | 'elasticsearch';
export const SOURCE_KINDS: SourceKind[] = ['prometheus', 'alertmanager', 'elasticsearch'];
export const KIND_LABEL: Record<SourceKind, string> = { prometheus: 'Prometheus', alertmanager: 'Alertmanager', elasticsearch: 'Elasticsearch' };

export interface DraftSource {
  name: string;
  url: string;
  basicAuth?: { username: string; password: Secret };
  bearerToken?: Secret;
  index?: string;
  [k: string]: unknown;
}

export interface Pair {
  warning: number;
  critical: number;
}

export interface DraftEnv {
  name: string;
  prometheus: DraftSource[];
  alertmanager: DraftSource[];
  elasticsearch: DraftSource[];
  thresholds: { cpu: Pair; memory: Pair; disk: Pair };
  [k: string]: unknown;
}

export interface Draft {
  environments: DraftEnv[];
  defaultEnvironment?: string;
  user: string;
  ackDurationMs: number;
  polling: { prometheusMs: number; alertmanagerMs: number; elasticsearchMs: number; sparklineMs: number; timeoutMs: number };
  notifications: { severities: string[]; cooldownMs: number; sound: boolean };
  theme: 'system' | 'light' | 'dark';
}

const DEFAULT_THRESHOLDS = { cpu: { warning: 80, critical: 95 }, memory: { warning: 85, critical: 95 }, disk: { warning: 80, critical: 90 } };

export function emptyEnv(name: string): DraftEnv {
  return { name, prometheus: [], alertmanager: [], elasticsearch: [], thresholds: structuredClone(DEFAULT_THRESHOLDS) };
}

export function draftFrom(config: unknown): Draft {
  const c = (config ?? {}) as Partial<Draft>;
  return {
    environments: structuredClone(c.environments ?? []).map((e) => ({ ...emptyEnv(e.name), ...e })),
    defaultEnvironment: c.defaultEnvironment,
    user: c.user ?? 'ops-console',
    ackDurationMs: c.ackDurationMs ?? 15 * 60_000,
    polling: { prometheusMs: 15_000, alertmanagerMs: 10_000, elasticsearchMs: 30_000, sparklineMs: 60_000, timeoutMs: 10_000, ...(c.polling ?? {}) },
    notifications: { severities: ['critical'], cooldownMs: 300_000, sound: false, ...(c.notifications ?? {}) },
    theme: c.theme ?? 'system',
  };
}

/** The keys that differ from what is saved: only those are sent. */
export function patchOf(draft: Draft, saved: Draft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(draft) as (keyof Draft)[]) {
    if (JSON.stringify(draft[key]) !== JSON.stringify(saved[key]) && draft[key] !== undefined) patch[key] = draft[key];
  }
  return patch;
}

export type AuthMode = 'none' | 'basic' | 'bearer';
export function authMode(s: DraftSource): AuthMode {
  return s.basicAuth ? 'basic' : s.bearerToken !== undefined ? 'bearer' : 'none';
}
