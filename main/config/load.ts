import { readFile } from 'node:fs/promises';
import { configSchema, type ConsoleConfig } from './schema';
import { formatZodError } from '../core/validation';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates config text; the error names the file, the key and the problem. */
export function parseConfig(text: string, source = 'config'): ConsoleConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** Reads a config file; never writes it, so a bad file is never lost. */
export async function loadConfigFile(path: string): Promise<ConsoleConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfig(text, path);
}
