/**
 * Time source for the notification policy.
 *
 * The policy compares its own time with Alertmanager's `startsAt` and with a user-chosen
 * Do-not-disturb end, both wall-clock instants, so the clock is wall-clock milliseconds since the
 * epoch (like `Date.now()`), not a monotonic timer. Tests drive a {@link FakeClock} instead.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. Starts at 2025-01-15T09:00:00Z unless given a start. */
export class FakeClock implements Clock {
  #nowMs: number;

  constructor(startMs: number = Date.UTC(2025, 0, 15, 9, 0, 0)) {
    FakeClock.#check(startMs, 'start');
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves time forward by `ms` (>= 0) and returns the new time. */
  advance(ms: number): number {
    FakeClock.#check(ms, 'advance');
    if (ms < 0) throw new RangeError(`FakeClock cannot go backwards (advance ${ms})`);
    this.#nowMs += ms;
    return this.#nowMs;
  }

  /** Jumps to an absolute time (may go backwards, like a wall clock being corrected). */
  set(ms: number): void {
    FakeClock.#check(ms, 'set');
    this.#nowMs = ms;
  }

  static #check(ms: number, what: string): void {
    if (!Number.isFinite(ms)) throw new RangeError(`FakeClock ${what}: not a finite number (${ms})`);
  }
}
