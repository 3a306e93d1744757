import type { FleetSourceStatus, FleetSparklines, FleetState, FleetUpdate, ServerTile } from '../../preload/contract';
import { toWireTiles } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import { ConsoleError } from '../core/errors';
import type { AlertsFeature } from '../alerts/alerts-feature';
import { diffTiles, firingByInstance, mergeTiles, resolveQueries, summarize, type FleetQueryName } from './fleet-model';
import { pollSource, pollSparklines, queryHistory, wireSparklines, type SparklineGrid } from './fleet-poll';
import { startHealthChecks, type HealthCheck } from './health-checks';

/**
 * The first tiles of an environment (the renderer has none yet), when more than twice this, go out in two
 * messages: the first FIRST_CHUNK tiles, worst first — more than a screen holds —, then the rest REST_DELAY_MS
 * later, so that the renderer parses and paints a screenful first. Both carry the whole summary. Later diffs go
 * out whole.
 */
export const FIRST_CHUNK = 250;
export const REST_DELAY_MS = 50;

const DEFAULT_THRESHOLDS: FleetState['thresholds'] = {
  cpu: { warning: 80, critical: 95 },
  memory: { warning: 85, critical: 95 },
  disk: { warning: 80, critical: 90 },
};

function emptyState(environment: string | null, queries = resolveQueries(undefined).queries, thresholds = DEFAULT_THRESHOLDS): FleetState {
  return {
    environment,
    tiles: [],
    updatedAt: null,
    healthChecks: [],
    sources: [],
    summary: { ok: 0, warning: 0, critical: 0, down: 0, stale: 0 },
    thresholds,
    queries,
  };
}

/**
 * Live fleet: one tile per `up` target of every Prometheus-compatible source of the environment, with
 * the runbooks' metrics from a fixed number of vector queries per poll, sparklines from batched range
 * queries on a slower cadence, firing alerts from the alerts feature, and HTTP health-check tiles.
 */
export class FleetFeature implements Feature {
  private state: FleetState = emptyState(null);
  private bySource = new Map<string, ServerTile[]>();
  /** Per source, as typed arrays; the wire form (FleetSparklines) is built only when sent. */
  private sparklines = new Map<string, SparklineGrid>();
  /** Environment and time of the sparklines last sent. */
  private linesOf: { environment: string | null; updatedAt: number | null } = { environment: null, updatedAt: null };
  private sourceStatus = new Map<string, FleetSourceStatus>();
  private checks: HealthCheck[] = [];
  private queries: Record<FleetQueryName, string> = resolveQueries(undefined).queries;
  private runtime: EnvironmentRuntime | null = null;
  private publishQueued = false;
  /** Sequence of fleet.update events; a renderer that sees a gap asks for a snapshot. */
  private seq = 0;
  /** What the renderer was last sent per tile id (diffs are taken against it). */
  private sent = new Map<string, ServerTile>();
  /** When each source's sparklines were last fetched: refreshes in between do not fetch them again. */
  private sparklinesAt = new Map<string, number>();
  /** The tiles of a big diff after its first FIRST_CHUNK, due a moment later (sent before any newer diff). */
  private rest: { timer: NodeJS.Timeout; send: () => void } | null = null;

  constructor(
    private readonly core: ConsoleCore,
    /** Firing alerts per instance come from here. */
    readonly alerts: AlertsFeature,
  ) {
    core.provideSnapshot('fleet.update', () => this.snapshot());
    core.provideSnapshot('fleet.sparklines', () => this.currentSparklines());
    core.handle('fleet.refresh', () => this.runtime?.refreshAll());
    core.handle('fleet.snapshot', () => this.snapshot());
    core.handle('fleet.history', async (args) => {
      const runtime = this.runtime;
      if (!runtime) throw new ConsoleError('unavailable', 'no environment is selected');
      const source = runtime.prometheus.find((s) => s.name === args.source);
      if (!source) throw new ConsoleError('not-found', `no Prometheus source named "${args.source}" in environment "${runtime.name}"`);
      const to = args.rangeMs !== undefined ? this.core.now() : args.to!;
      const from = args.rangeMs !== undefined ? to - args.rangeMs : args.from!;
      return queryHistory(source.name, source.client, this.queries, args.instance, from, to);
    });
    alerts.onAlerts(() => this.queuePublish());
  }

  /** The current state (tests, other features). */
  current(): FleetState {
    return this.state;
  }

  /** The whole state at the current seq (hello, resync). */
  snapshot(): FleetUpdate {
    return { kind: 'snapshot', seq: this.seq, state: { ...this.state, tiles: toWireTiles(this.state.tiles) } };
  }

  /** The sparklines in their wire form (built on each call: hello snapshot, each fetch, tests). */
  currentSparklines(): FleetSparklines {
    const bySource: FleetSparklines['bySource'] = {};
    for (const [name, grid] of this.sparklines) bySource[name] = wireSparklines(grid);
    return { ...this.linesOf, bySource };
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtime = runtime;
    this.bySource = new Map();
    this.sparklines = new Map();
    this.sourceStatus = new Map();
    const { queries, unknown } = resolveQueries(runtime.config.queries);
    this.queries = queries;
    const thresholds = runtime.config.thresholds;
    for (const source of runtime.prometheus) {
      this.sourceStatus.set(source.name, { name: source.name, url: source.config.url, reachable: true, lastSuccessAt: null, error: null, queryErrors: {} });
    }
    this.checks = startHealthChecks(runtime, () => this.queuePublish());
    const healthChecks = this.checks.map((c) => c.tile);
    this.state = { ...emptyState(runtime.name, queries, thresholds), healthChecks, sources: [...this.sourceStatus.values()], summary: summarize([], healthChecks) };
    this.sent = new Map();
    this.sparklinesAt = new Map();
    if (this.rest) clearTimeout(this.rest.timer);
    this.rest = null;
    this.seq += 1;
    this.core.emit('fleet.update', this.snapshot());
    this.linesOf = { environment: runtime.name, updatedAt: null };
    this.core.emit('fleet.sparklines', this.currentSparklines());
    const unknownNote = unknown.length ? `unknown key(s) in queries: ${unknown.join(', ')} (known: up, cpu, memory, disk, netRx, netTx, load1)` : undefined;

    for (const source of runtime.prometheus) {
      const interval = source.config.intervalMs ?? runtime.settings.polling.prometheusMs;
      const values = runtime.addPoller(async (signal) => {
        const started = performance.now();
        const status = this.sourceStatus.get(source.name)!;
        try {
          const { tiles, queryErrors } = await pollSource(source.name, source.client, queries, thresholds, this.core.now(), signal);
          if (runtime !== this.runtime) return;
          this.bySource.set(source.name, tiles);
          this.sourceStatus.set(source.name, { ...status, reachable: true, lastSuccessAt: this.core.now(), error: null, queryErrors });
          const partial = Object.entries(queryErrors).map(([k, v]) => `${k}: ${v}`);
          if (unknownNote) partial.push(unknownNote);
          source.health.recordSuccess(performance.now() - started, partial.length ? { partialError: partial.join('; ') } : {});
        } catch (err) {
          source.health.recordFailure(err);
          if (runtime !== this.runtime) throw err;
          // Keep the last values, visibly stale with their age (updatedAt stays at the last success).
          this.bySource.set(source.name, (this.bySource.get(source.name) ?? []).map((t) => (t.stale ? t : { ...t, stale: true })));
          this.sourceStatus.set(source.name, { ...status, reachable: false, error: err instanceof Error ? err.message : String(err) });
          throw err;
        } finally {
          this.publish(runtime);
        }
      }, interval);

      const sparklineMs = Math.max(runtime.settings.polling.sparklineMs, interval);
      // The first sparkline fetch (two heavy range queries) waits for this source's first values poll (not for
      // the alerts), so the tiles are not slowed down by it on the same Prometheus.
      runtime.addPoller(async (signal) => {
        // Only on its own cadence: a refresh (button, window shown again) within it does not refetch them.
        const last = this.sparklinesAt.get(source.name);
        if (last !== undefined && this.core.now() - last < sparklineMs * 0.9) return;
        if (runtime !== this.runtime) return;
        const grid = await pollSparklines(source.client, queries, this.core.now(), signal, this.sparklines.get(source.name)?.rows.size);
        if (runtime !== this.runtime) return;
        this.sparklinesAt.set(source.name, this.core.now());
        this.sparklines.set(source.name, grid);
        this.linesOf = { environment: runtime.name, updatedAt: this.core.now() };
        this.core.emit('fleet.sparklines', this.currentSparklines());
      }, sparklineMs, false, { afterFirstRound: [values] });
    }
  }

  private queuePublish(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      if (this.runtime) this.publish(this.runtime);
    });
  }

  dispose(): void {
    if (this.rest) clearTimeout(this.rest.timer);
    this.rest = null;
  }

  private flushRest(): void {
    const rest = this.rest;
    if (!rest) return;
    this.rest = null;
    clearTimeout(rest.timer);
    rest.send();
  }

  private publish(runtime: EnvironmentRuntime): void {
    if (runtime !== this.runtime) return;
    this.flushRest();
    const firing = firingByInstance(this.alerts.current().values());
    const tiles = mergeTiles(this.bySource.values(), firing);
    const healthChecks = this.checks.map((c) => c.tile);
    this.state = {
      ...this.state,
      environment: runtime.name,
      tiles,
      healthChecks,
      sources: [...this.sourceStatus.values()],
      summary: summarize(tiles, healthChecks),
      updatedAt: this.core.now(),
    };
    const firstFill = this.sent.size === 0;
    const { upserted, removed } = diffTiles(this.sent, tiles);
    const { environment, updatedAt, summary, sources } = this.state;
    const emitDiff = (part: ServerTile[], gone: string[]): void => {
      this.seq += 1;
      this.core.emit('fleet.update', { kind: 'diff', seq: this.seq, environment, updatedAt, upserted: toWireTiles(part), removed: gone, summary, sources, healthChecks });
    };
    if (!firstFill || upserted.length <= 2 * FIRST_CHUNK) {
      emitDiff(upserted, removed);
      return;
    }
    // `tiles` is worst first, and so is `upserted`.
    emitDiff(upserted.slice(0, FIRST_CHUNK), removed);
    const later = upserted.slice(FIRST_CHUNK);
    const timer = setTimeout(() => this.flushRest(), REST_DELAY_MS);
    timer.unref?.();
    this.rest = { timer, send: () => emitDiff(later, []) };
  }
}
