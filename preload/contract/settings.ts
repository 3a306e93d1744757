import { z } from 'zod';
import { request } from './define';

/** A secret as the renderer sees it: never the value, only whether one is stored. */
export interface SecretFieldState {
  /** Reference in the host's secret store. */
  secretRef: string;
  stored: boolean;
}

export interface SecretStoreInfo {
  /** The host can store secrets at all. */
  available: boolean;
  /** Stored secrets are only obfuscated (Linux without a keyring: safeStorage basic_text). */
  weak: boolean;
  /** Where secrets go, shown to the user ("OS keychain", "environment variables"). */
  description: string;
}

export interface SettingsState {
  /** The effective configuration with every secret replaced by `{ secretRef }` (never a value). */
  config: unknown;
  /** Top-level keys the user changed in Settings (they override the config file). */
  savedKeys: string[];
  /** The config file given at start (never overwritten), or null. */
  configPath: string | null;
  /** Where Settings edits are saved. */
  settingsPath: string;
  secrets: SecretStoreInfo;
  /** secretRef → stored? */
  storedSecrets: Record<string, boolean>;
  /** A problem with the saved settings file (it was set aside, not lost), or null. */
  problem: string | null;
}

export interface TestConnectionResult {
  ok: boolean;
  /** Exact error text from the server or the network when not ok; a one-line summary when ok. */
  message: string;
  latencyMs: number | null;
  /** e.g. Prometheus / Alertmanager / Elasticsearch version when ok. */
  version: string | null;
}

const bounded = z.string().max(100_000);
const connection = z
  .object({
    name: z.string().max(100),
    url: z.string().max(2048),
    timeoutMs: z.number().int().positive().max(120_000).optional(),
    basicAuth: z.object({ username: z.string().max(500), password: z.union([z.string().max(4096), z.object({ secretRef: z.string().min(1).max(200) }).strict()]) }).strict().optional(),
    bearerToken: z.union([z.string().max(8192), z.object({ secretRef: z.string().min(1).max(200) }).strict()]).optional(),
    headers: z.record(z.string().max(200), z.string().max(4096)).optional(),
    tls: z.object({ caFile: z.string().max(4096).optional(), certFile: z.string().max(4096).optional(), keyFile: z.string().max(4096).optional(), insecureSkipVerify: z.boolean().optional() }).strict().optional(),
    proxy: z.string().max(2048).optional(),
    index: z.string().max(500).optional(),
  })
  .strict();

export const settingsRequests = {
  'settings.get': request<SettingsState>()(z.object({}).strict()),
  /**
   * Replaces top-level keys of the configuration (validated with the config schema as a whole; nothing
   * changes when invalid). Secret fields may be `{secretRef}` (kept) or plain strings (moved to the secret store).
   */
  'settings.update': request<SettingsState>()(
    z
      .object({
        patch: z.record(z.string().max(100), z.unknown()).refine((p) => Object.keys(p).length <= 20, 'at most 20 keys'),
        /** The user agreed to store secrets with weak protection (no OS keyring). */
        allowWeakSecrets: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Really connects to a source, with the given (unsaved) settings. */
  'settings.testConnection': request<TestConnectionResult>()(
    z.object({ kind: z.enum(['prometheus', 'alertmanager', 'elasticsearch']), connection }).strict(),
  ),
  /** The configuration as shareable JSON text: no secret values, only `{ "secretRef": … }`. */
  'settings.export': request<{ text: string; fileName: string }>()(z.object({}).strict()),
  /** Validates JSON text with the config schema and applies it; a bad file changes nothing. */
  'settings.import': request<SettingsState>()(z.object({ text: bounded }).strict()),
  /** Forgets every Settings edit: back to the config file. */
  'settings.reset': request<SettingsState>()(z.object({}).strict()),
};

export interface SettingsEvents {
  'settings.state': SettingsState;
}
