/**
 * Where the hosts keep secrets (passwords, bearer tokens) entered in Settings. The settings file only
 * ever holds `{ "secretRef": "<ref>" }`; the value lives here.
 *
 * - Electron: safeStorage ciphertext (main/electron/secrets.ts). On Linux without a keyring
 *   (backend `basic_text`) `isWeak()` is true: the user is told and asked before anything is stored.
 * - Browser mode: read-only environment variables (OPS_CONSOLE_SECRET_<REF>); storing is refused with
 *   the variable to export instead.
 */
import { ConsoleError } from '../core/errors';

export interface SecretStore {
  isAvailable(): boolean;
  /** Stored values are only obfuscated, not protected by an OS keyring. */
  isWeak(): boolean;
  /** Shown to the user: where secrets go. */
  readonly description: string;
  set(ref: string, value: string): void | Promise<void>;
  has(ref: string): boolean;
}

/** Environment variable a `{ secretRef }` is read from in browser mode. */
export function envVarForSecret(ref: string): string {
  return `OPS_CONSOLE_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Browser mode: secrets come from environment variables set before `npm run serve`. */
export function createEnvSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  return {
    description: 'environment variables (browser mode)',
    isAvailable: () => true,
    isWeak: () => false,
    has: (ref) => env[envVarForSecret(ref)] !== undefined,
    set: (ref) => {
      throw new ConsoleError(
        'unavailable',
        `browser mode does not store secrets: export ${envVarForSecret(ref)}=<value> before starting \`npm run serve\` (the setting keeps { "secretRef": "${ref}" })`,
      );
    },
  };
}

/** A host with no secret storage at all. */
export const noSecretStore: SecretStore = {
  description: 'none',
  isAvailable: () => false,
  isWeak: () => false,
  has: () => false,
  set: () => {
    throw new ConsoleError('unavailable', 'this host cannot store secrets');
  },
};

/** In memory, for tests. */
export function createMemorySecretStore(opts: { weak?: boolean } = {}): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    description: 'memory (tests)',
    isAvailable: () => true,
    isWeak: () => opts.weak ?? false,
    has: (ref) => values.has(ref),
    set: (ref, value) => {
      values.set(ref, value);
    },
  };
}
