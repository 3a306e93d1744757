/**
 * Pure parts of Settings: where secrets sit in a configuration, how they become `{ secretRef }`, how the
 * user's saved edits combine with the config file, and what an export contains.
 *
 * ## How the config file and Settings combine
 *
 * The config file given with `--config` (or OPS_CONSOLE_CONFIG) is the base and is never written.
 * Settings edits are saved in the data directory (`settings.json`) as whole top-level keys
 * (`environments`, `polling`, `notifications`, `user`, `ackDurationMs`, `theme`, `defaultEnvironment`,
 * `escalation`):
 * every key saved there replaces the same key of the config file; keys never edited follow the file.
 * "Reset to config file" forgets the saved keys.
 */
import { configSchema, type ConsoleConfig } from '../config/schema';
import { formatZodError } from '../core/validation';

/** Top-level keys Settings may save. */
export const EDITABLE_KEYS = ['environments', 'defaultEnvironment', 'user', 'ackDurationMs', 'polling', 'notifications', 'theme', 'escalation'] as const;
export type EditableKey = (typeof EDITABLE_KEYS)[number];

const SOURCE_KINDS = ['prometheus', 'alertmanager', 'elasticsearch'] as const;
const SENSITIVE_HEADER = /auth|token|key|secret|cookie|password|session/i;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Reference of a secret field: "prod/prometheus/main/bearerToken". */
export function secretRefFor(env: string, kind: string, source: string, field: 'password' | 'bearerToken'): string {
  return `${env}/${kind}/${source}/${field}`.slice(0, 200);
}

export interface SecretSlot {
  ref: string;
  value: string | { secretRef: string };
  set(v: string | { secretRef: string }): void;
}

/** Every secret field (basic-auth password, bearer token) of every source, in place. */
export function secretSlots(config: unknown): SecretSlot[] {
  const out: SecretSlot[] = [];
  if (!isObj(config) || !Array.isArray(config.environments)) return out;
  for (const env of config.environments) {
    if (!isObj(env)) continue;
    const envName = typeof env.name === 'string' ? env.name : '?';
    for (const kind of SOURCE_KINDS) {
      const list = env[kind];
      if (!Array.isArray(list)) continue;
      for (const src of list) {
        if (!isObj(src)) continue;
        const srcName = typeof src.name === 'string' ? src.name : '?';
        const auth = src.basicAuth;
        if (isObj(auth) && auth.password !== undefined) {
          out.push({
            ref: secretRefFor(envName, kind, srcName, 'password'),
            value: auth.password as SecretSlot['value'],
            set: (v) => {
              auth.password = v;
            },
          });
        }
        if (src.bearerToken !== undefined) {
          out.push({
            ref: secretRefFor(envName, kind, srcName, 'bearerToken'),
            value: src.bearerToken as SecretSlot['value'],
            set: (v) => {
              src.bearerToken = v;
            },
          });
        }
      }
    }
  }
  return out;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * A copy with every inline secret replaced by `{ secretRef }`. Returns the inline values by ref, so
 * they can be put back in memory (never on disk) for the running configuration.
 */
export function redactSecrets<T>(config: T): { config: T; inline: Map<string, string> } {
  const copy = clone(config);
  const inline = new Map<string, string>();
  for (const slot of secretSlots(copy)) {
    if (typeof slot.value === 'string') {
      inline.set(slot.ref, slot.value);
      slot.set({ secretRef: slot.ref });
    }
  }
  return { config: copy, inline };
}

/** Export: secrets as `{ secretRef }`, credential-like headers removed, passwords in URLs removed. */
export function exportable(config: ConsoleConfig): { config: Obj; removed: string[] } {
  const { config: copy } = redactSecrets(config as unknown as Obj);
  const removed: string[] = [];
  const envs = Array.isArray(copy.environments) ? copy.environments : [];
  for (const env of envs) {
    if (!isObj(env)) continue;
    for (const kind of [...SOURCE_KINDS, 'healthChecks'] as const) {
      const list = env[kind];
      if (!Array.isArray(list)) continue;
      for (const src of list) {
        if (!isObj(src)) continue;
        if (typeof src.url === 'string') {
          try {
            const u = new URL(src.url);
            if (u.password || u.username) {
              u.password = '';
              u.username = '';
              src.url = u.toString();
              removed.push(`${String(env.name)}/${kind}/${String(src.name)}: credentials in the URL`);
            }
          } catch {
            // not a URL: the schema would have refused it
          }
        }
        if (isObj(src.headers)) {
          for (const h of Object.keys(src.headers)) {
            if (SENSITIVE_HEADER.test(h)) {
              delete src.headers[h];
              removed.push(`${String(env.name)}/${kind}/${String(src.name)}: header ${h}`);
            }
          }
        }
      }
    }
  }
  return { config: copy, removed };
}

/** Checks a patch's keys: only {@link EDITABLE_KEYS}. */
export function checkPatchKeys(patch: Obj): void {
  for (const key of Object.keys(patch)) {
    if (!(EDITABLE_KEYS as readonly string[]).includes(key)) {
      throw new SettingsError(`${key}: not a setting (settings are ${EDITABLE_KEYS.join(', ')})`);
    }
  }
}

/**
 * The configuration the app runs with: the config file's keys, replaced by the saved ones, validated
 * as a whole. `resolveRef` may turn a `{ secretRef }` back into an inline value (config-file secrets).
 */
export function combine(base: ConsoleConfig | null, saved: Obj, source = 'settings'): ConsoleConfig {
  const merged: Obj = { ...(base ? clone(base as unknown as Obj) : {}), ...clone(saved) };
  if (!base && merged.environments === undefined) merged.environments = [];
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new SettingsError(`${source}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** Parses an import file; the error says what is wrong and where. */
export function parseImport(text: string): Obj {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`import: not valid JSON: ${(err as Error).message}`);
  }
  if (!isObj(raw)) throw new SettingsError('import: expected a JSON object with "environments"');
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new SettingsError(`import: ${formatZodError(parsed.error)}`);
  const out: Obj = {};
  for (const key of EDITABLE_KEYS) if (raw[key] !== undefined) out[key] = raw[key];
  return out;
}

export function exportFileName(now: number): string {
  return `ops-console-settings-${new Date(now).toISOString().slice(0, 10)}.json`;
}
