import type { SecretResolver } from '../clients/http';

/** Browser mode has no OS keychain: a `{ "secretRef": "name" }` is read from OPS_CONSOLE_SECRET_NAME. */
export const envSecretResolver: SecretResolver = (value) => {
  if (typeof value === 'string') return value;
  const key = `OPS_CONSOLE_SECRET_${value.secretRef.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const found = process.env[key];
  if (found === undefined) throw new Error(`secret "${value.secretRef}" not set: export ${key}`);
  return found;
};
