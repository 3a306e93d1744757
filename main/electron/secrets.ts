import { safeStorage } from 'electron';
import type { SecretResolver } from '../clients/http';
import type { SecretStore } from '../settings/secret-store';

export interface SecretVault {
  get(ref: string): string | undefined;
  set(ref: string, encryptedBase64: string): void;
}

/**
 * Secrets live only as safeStorage ciphertext. Where safeStorage has no OS keyring (Linux basic_text),
 * `isWeak()` is true and Settings asks the user before storing one (SettingsService refuses with
 * "weak-secret-storage:" until the user agrees). Values are never logged.
 */
export function createSecretStore(vault: SecretVault): SecretStore & { resolver: SecretResolver } {
  // getSelectedStorageBackend only exists (and only means something) on Linux, after app 'ready'.
  const backend = () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os');
  const weak = () => {
    const b = backend();
    return b === 'basic_text' || b === 'unknown';
  };
  return {
    get description() {
      if (process.platform === 'darwin') return 'macOS Keychain (safeStorage)';
      if (process.platform === 'win32') return 'Windows DPAPI (safeStorage)';
      return weak() ? 'no OS keyring found: obfuscated file only (safeStorage basic_text)' : `OS keyring (${backend()})`;
    },
    isAvailable: () => safeStorage.isEncryptionAvailable(),
    isWeak: weak,
    has: (ref) => vault.get(ref) !== undefined,
    set(ref: string, plain: string): void {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('secure storage is not available on this system');
      vault.set(ref, safeStorage.encryptString(plain).toString('base64'));
    },
    resolver: ((value) => {
      if (typeof value === 'string') return value;
      const enc = vault.get(value.secretRef);
      if (!enc) throw new Error(`secret "${value.secretRef}" is not stored yet: enter it in Settings`);
      return safeStorage.decryptString(Buffer.from(enc, 'base64'));
    }) as SecretResolver,
  };
}
