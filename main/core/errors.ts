import type { ConsoleErrorCode, ConsoleErrorShape } from '../../preload/contract';
import { SourceError } from '../clients/source-error';

/** An error meant for the user: its message is shown as is. */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toErrorShape(err: unknown): ConsoleErrorShape {
  if (err instanceof ConsoleError) return { code: err.code, message: err.message };
  if (err instanceof SourceError) return { code: 'backend', message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
