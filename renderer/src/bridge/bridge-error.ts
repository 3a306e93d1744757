import type { ConsoleErrorCode } from '../../../preload/contract';

/** An error from the core, with the core's own message (shown to the user as is). */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
  }
}
