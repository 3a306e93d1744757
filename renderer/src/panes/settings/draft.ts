/** The Settings form's working copy: plain objects mirroring the config schema (secrets as `{ secretRef }`). */
import { draftLevels, escalationOf, type DraftLevel } from './escalation-draft';

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
  /** This environment's escalation levels (over the global ones, field by field); null: none of its own. */
  escalation?: DraftLevel[] | null;
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
  /** The global escalation levels; null: none in the config. */
  escalation: DraftLevel[] | null;
}

const DEFAULT_THRESHOLDS = { cpu: { warning: 80, critical: 95 }, memory: { warning: 85, critical: 95 }, disk: { warning: 80, critical: 90 } };

export function emptyEnv(name: string): DraftEnv {
  return { name, prometheus: [], alertmanager: [], elasticsearch: [], thresholds: structuredClone(DEFAULT_THRESHOLDS) };
}

export function draftFrom(config: unknown): Draft {
  const c = (config ?? {}) as Partial<Draft>;
  return {
    environments: structuredClone(c.environments ?? []).map((e) => ({ ...emptyEnv(e.name), ...e, escalation: draftLevels(e.escalation) })),
    defaultEnvironment: c.defaultEnvironment,
    user: c.user ?? 'ops-console',
    ackDurationMs: c.ackDurationMs ?? 15 * 60_000,
    polling: { prometheusMs: 15_000, alertmanagerMs: 10_000, elasticsearchMs: 30_000, sparklineMs: 60_000, timeoutMs: 10_000, ...(c.polling ?? {}) },
    notifications: { severities: ['critical'], cooldownMs: 300_000, sound: false, ...(c.notifications ?? {}) },
    theme: c.theme ?? 'system',
    escalation: draftLevels((config as { escalation?: unknown } | null)?.escalation),
  };
}

/** The draft in the config's shape (escalation levels as the schema takes them; sections not set left out). */
export function configOf(draft: Draft): Record<string, unknown> {
  const { escalation, environments, ...rest } = draft;
  const out: Record<string, unknown> = {
    ...rest,
    environments: environments.map((e) => {
      const { escalation: levels, ...env } = e;
      const section = escalationOf(levels);
      return section ? { ...env, escalation: section } : env;
    }),
  };
  const section = escalationOf(escalation);
  if (section) out.escalation = section;
  return out;
}

/** The keys that differ from what is saved: only those are sent. */
export function patchOf(draft: Draft, saved: Draft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const next = configOf(draft);
  const prev = configOf(saved);
  for (const key of Object.keys(next)) {
    if (JSON.stringify(next[key]) !== JSON.stringify(prev[key]) && next[key] !== undefined) patch[key] = next[key];
  }
  return patch;
}

export type AuthMode = 'none' | 'basic' | 'bearer';
export function authMode(s: DraftSource): AuthMode {
  return s.basicAuth ? 'basic' : s.bearerToken !== undefined ? 'bearer' : 'none';
}
