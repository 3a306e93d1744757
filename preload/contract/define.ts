import type { z } from 'zod';

/**
 * One request the renderer may make of the core: its argument schema (checked at the boundary
 * by both hosts) and, as a phantom type, what it resolves to.
 */
export interface RequestDef<Args extends z.ZodType, Result> {
  readonly args: Args;
  /** Phantom: never set, only carries the result type. */
  readonly __result?: (result: Result) => void;
}

export const request =
  <Result>() =>
  <Args extends z.ZodType>(args: Args): RequestDef<Args, Result> => ({ args });

/** What crosses the boundary as the answer to a request. */
export type WireResult<R> = { ok: true; result: R } | { ok: false; error: ConsoleErrorShape };

export type ConsoleErrorCode =
  | 'invalid-argument'
  | 'unknown-request'
  | 'not-found'
  | 'backend'
  | 'conflict'
  | 'unavailable'
  | 'internal';

export interface ConsoleErrorShape {
  code: ConsoleErrorCode;
  message: string;
}
