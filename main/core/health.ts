import type { HealthState, SourceHealth, SourceKind } from '../../preload/contract';
import { SourceError } from '../clients/source-error';

/** Tracks one source's health from its poll outcomes. */
export class HealthTracker {
  private health: SourceHealth;

  constructor(
    kind: SourceKind,
    name: string,
    url: string,
    /** No successful answer for this long makes an otherwise-ok source 'stale'. */
    private readonly staleAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.health = {
      id: `${kind}:${name}`,
      kind,
      name,
      url,
      state: 'pending',
      lastSuccessAt: null,
      lastAttemptAt: null,
      lastError: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      latencyMs: null,
    };
  }

  get id(): string {
    return this.health.id;
  }

  recordSuccess(latencyMs: number, opts: { partialError?: string; detail?: string } = {}): void {
    const t = this.now();
    this.health = {
      ...this.health,
      state: opts.partialError ? 'degraded' : 'ok',
      lastSuccessAt: t,
      lastAttemptAt: t,
      latencyMs: Math.round(latencyMs),
      consecutiveFailures: 0,
      ...(opts.partialError ? { lastError: opts.partialError, lastErrorAt: t } : {}),
      ...(opts.detail !== undefined ? { detail: opts.detail } : {}),
    };
  }

  recordFailure(err: unknown): void {
    const t = this.now();
    const message = err instanceof Error ? err.message : String(err);
    this.health = {
      ...this.health,
      state: stateForError(err),
      lastAttemptAt: t,
      lastError: message,
      lastErrorAt: t,
      consecutiveFailures: this.health.consecutiveFailures + 1,
    };
  }

  /** The current view, with staleness evaluated against the clock. */
  snapshot(): SourceHealth {
    const h = this.health;
    if (h.state === 'ok' && h.lastSuccessAt !== null && this.now() - h.lastSuccessAt > this.staleAfterMs) {
      return { ...h, state: 'stale' };
    }
    return h;
  }

  /** Whether data from this source should be shown as stale (any state but a fresh ok/degraded). */
  isStale(): boolean {
    const s = this.snapshot().state;
    return !(s === 'ok' || s === 'degraded' || s === 'pending');
  }
}

export function stateForError(err: unknown): HealthState {
  if (err instanceof SourceError) {
    switch (err.kind) {
      case 'auth':
        return 'auth-failed';
      case 'network':
      case 'timeout':
      case 'tls':
        return 'unreachable';
      case 'http':
      case 'parse':
        return 'degraded';
      case 'aborted':
        return 'stale';
    }
  }
  return 'degraded';
}
