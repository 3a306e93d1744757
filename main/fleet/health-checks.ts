import type { HealthCheckTile } from '../../preload/contract';
import type { EnvironmentConfig } from '../config/schema';
import { createHttpClient, type HttpClient } from '../clients/http';
import { SourceError, errorTextFromBody } from '../clients/source-error';
import type { EnvironmentRuntime } from '../core/environment';
import { HealthTracker } from '../core/health';

type CheckConfig = EnvironmentConfig['healthChecks'][number];

export function initialCheckTile(c: CheckConfig): HealthCheckTile {
  return {
    id: `healthcheck:${c.name}`,
    name: c.name,
    url: c.url,
    expectStatus: c.expectStatus,
    state: 'ok',
    status: null,
    latencyMs: null,
    error: null,
    checkedAt: null,
    lastOkAt: null,
    pending: true,
  };
}

/** An HTTP probe as in the runbooks' health-check script: GET the URL, expect a status, within a timeout. */
export class HealthCheck {
  readonly tracker: HealthTracker;
  private readonly http: HttpClient;
  private readonly origin: string;
  private readonly path: string;
  tile: HealthCheckTile;

  constructor(
    readonly config: CheckConfig,
    readonly intervalMs: number,
    timeoutMs: number,
    private readonly now: () => number,
  ) {
    const url = new URL(config.url);
    this.origin = url.origin;
    this.path = url.pathname + url.search;
    this.http = createHttpClient({ name: config.name, url: this.origin }, undefined, timeoutMs);
    this.tracker = new HealthTracker('healthcheck', config.name, config.url, Math.max(3 * intervalMs, intervalMs + 2 * timeoutMs), now);
    this.tile = initialCheckTile(config);
  }

  /** One probe; records the outcome on the tile and the health tracker. Throws on failure (poller backoff). */
  async probe(signal?: AbortSignal): Promise<HealthCheckTile> {
    const started = performance.now();
    try {
      const res = await this.http.send({ path: this.path, signal, method: 'GET' });
      const latencyMs = Math.round(res.latencyMs);
      const t = this.now();
      if (res.status === this.config.expectStatus) {
        this.tile = { ...this.tile, state: 'ok', status: res.status, latencyMs, error: null, checkedAt: t, lastOkAt: t, pending: false };
        this.tracker.recordSuccess(latencyMs, { detail: `HTTP ${res.status}` });
        return this.tile;
      }
      const body = errorTextFromBody(res.text).replace(/\s+/g, ' ').slice(0, 300);
      const error = `expected HTTP ${this.config.expectStatus}, got ${res.status}${body ? `: ${body}` : ''}`;
      this.tile = { ...this.tile, state: 'critical', status: res.status, latencyMs, error, checkedAt: t, pending: false };
      const err = new SourceError('http', error, res.status);
      this.tracker.recordFailure(err);
      throw err;
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'http') throw err;
      if (err instanceof SourceError && err.kind === 'aborted') throw err;
      const error = err instanceof Error ? err.message : String(err);
      this.tile = { ...this.tile, state: 'down', status: null, latencyMs: Math.round(performance.now() - started), error, checkedAt: this.now(), pending: false };
      this.tracker.recordFailure(err);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** Creates the environment's checks, each with its own tracker (shown in the status bar) and its own poller. */
export function startHealthChecks(runtime: EnvironmentRuntime, onChange: () => void): HealthCheck[] {
  const checks = runtime.config.healthChecks.map((c) => {
    const interval = c.intervalMs ?? runtime.settings.polling.prometheusMs;
    const timeout = c.timeoutMs ?? runtime.settings.polling.timeoutMs;
    return new HealthCheck(c, interval, timeout, runtime.now);
  });
  for (const check of checks) {
    runtime.trackHealth(check.tracker);
    runtime.onDispose(() => check.close());
    runtime.addPoller(async (signal) => {
      try {
        await check.probe(signal);
      } finally {
        onChange();
      }
    }, check.intervalMs);
  }
  return checks;
}
