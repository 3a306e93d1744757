/** Runs one source's poll on its own interval: never two at once, backing off with jitter after failures. */
export interface PollerOptions {
  intervalMs: number;
  /** First retry delay after a failure; doubles per consecutive failure up to maxBackoffMs. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** 0..1: share of the delay that is randomised, so many consoles do not retry in step. */
  jitter?: number;
  random?: () => number;
  timers?: Timers;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type PollTask = (signal: AbortSignal) => Promise<void>;

export function backoffDelay(failures: number, opts: Required<Pick<PollerOptions, 'intervalMs' | 'backoffBaseMs' | 'maxBackoffMs' | 'jitter'>>, random: () => number): number {
  if (failures <= 0) return opts.intervalMs;
  const exp = Math.min(opts.maxBackoffMs, opts.backoffBaseMs * 2 ** (failures - 1));
  const base = Math.max(exp, Math.min(opts.intervalMs, opts.maxBackoffMs));
  // Full jitter over the randomised share: [base*(1-jitter), base].
  return Math.round(base * (1 - opts.jitter * random()));
}

export class Poller {
  private timer: unknown = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private failures = 0;
  private rerunRequested = false;
  private paused = false;
  private readonly opts: Required<Omit<PollerOptions, 'random' | 'timers'>>;
  private readonly random: () => number;
  private readonly timers: Timers;

  constructor(
    private readonly task: PollTask,
    options: PollerOptions,
  ) {
    this.opts = {
      intervalMs: options.intervalMs,
      backoffBaseMs: options.backoffBaseMs ?? Math.min(1000, options.intervalMs),
      maxBackoffMs: options.maxBackoffMs ?? Math.max(60_000, options.intervalMs),
      jitter: options.jitter ?? 0.3,
    };
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? realTimers;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  get isPolling(): boolean {
    return this.inFlight !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.clear();
    this.controller?.abort();
  }

  /** Hidden window: stop polling until resumed (alert polling is never paused by the core). */
  pause(): void {
    this.paused = true;
    this.clear();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.running) this.schedule(0);
  }

  /** Poll now (after resume, a reconnect, or the user asking); joins a poll already under way. */
  refreshNow(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.inFlight) {
      this.rerunRequested = true;
      return this.inFlight;
    }
    this.clear();
    return this.runOnce();
  }

  private clear(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.clear();
    if (!this.running || this.paused) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, ms);
  }

  private runOnce(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.inFlight = (async () => {
      try {
        await this.task(signal);
        this.failures = 0;
      } catch {
        // The task records its own error in the health model; here only the cadence changes.
        this.failures += 1;
      } finally {
        this.inFlight = null;
        this.controller = null;
      }
      if (this.rerunRequested) {
        this.rerunRequested = false;
        this.schedule(0);
      } else {
        this.schedule(backoffDelay(this.failures, this.opts, this.random));
      }
    })();
    return this.inFlight;
  }
}
