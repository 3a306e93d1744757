import { safeStorage } from 'electron';
import type { SecretResolver } from '../clients/http';

export interface SecretVault {
  get(ref: string): string | undefined;
  set(ref: string, encryptedBase64: string): void;
}

/**
 * Secrets live only as safeStorage ciphertext. Where safeStorage has no OS keyring (Linux basic_text),
 * `isWeak` is true and the UI must ask before storing one.
 */
export function createSecretStore(vault: SecretVault) {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : 'os';
  return {
    available: safeStorage.isEncryptionAvailable(),
    isWeak: backend === 'basic_text' || backend === 'unknown',
    save(ref: string, plain: string): void {
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
