import type { FleetHistory, FleetHistorySeries, FleetMetric, FleetThresholds, ServerTile, TileSparkline } from '../../preload/contract';
import { FLEET_METRICS } from '../../preload/contract';
import { sampleValue, type MatrixSeries, type SamplePair, type VectorSample } from '../clients/prometheus';
import { buildSourceTiles, maxByInstance, scopeToInstance, stepFor, type FleetQueryName, type PerInstance } from './fleet-model';

/** What the fleet needs of a Prometheus-compatible client (PrometheusClient; fakes in unit tests). */
export interface FleetQueryClient {
  query(promql: string, opts?: { time?: number; signal?: AbortSignal }): Promise<VectorSample[]>;
  queryRange(promql: string, startSec: number, endSec: number, stepSec: number, opts?: { signal?: AbortSignal }): Promise<MatrixSeries[]>;
  /** A range query whose series are handed on as parsed (the sparklines reduce them at once, no copy). */
  queryRangeEach(
    promql: string,
    startSec: number,
    endSec: number,
    stepSec: number,
    onSeries: (metric: Record<string, string>, values: readonly SamplePair[]) => void,
    opts?: { signal?: AbortSignal },
  ): Promise<void>;
}

export interface SourcePollResult {
  tiles: ServerTile[];
  queryErrors: Partial<Record<FleetQueryName, string>>;
}

const errText = (r: PromiseRejectedResult): string => (r.reason instanceof Error ? r.reason.message : String(r.reason));

/**
 * One poll cycle of one source: exactly one instant vector query per metric plus `up`, whatever the
 * number of instances. A failing `up` fails the cycle (tiles go stale); a failing metric query only
 * blanks that metric and reports the server's error text.
 */
export async function pollSource(
  source: string,
  client: FleetQueryClient,
  queries: Record<FleetQueryName, string>,
  thresholds: FleetThresholds,
  now: number,
  signal?: AbortSignal,
): Promise<SourcePollResult> {
  // Each metric's answer is reduced to one value per instance as soon as it arrives, while the slower queries are
  // still running: only the last answer's share is left between it and the tiles.
  const [up, ...rest] = await Promise.allSettled([
    client.query(queries.up, { signal }),
    ...FLEET_METRICS.map((m) => client.query(queries[m], { signal }).then(maxByInstance)),
  ]);
  if (up!.status === 'rejected') throw up.reason;
  const metrics: Partial<Record<FleetMetric, Map<string, PerInstance>>> = {};
  const queryErrors: Partial<Record<FleetQueryName, string>> = {};
  FLEET_METRICS.forEach((m, i) => {
    const r = rest[i]!;
    if (r.status === 'fulfilled') metrics[m] = r.value;
    else queryErrors[m] = errText(r);
  });
  return { tiles: buildSourceTiles({ source, up: up.value, metrics, now }, thresholds), queryErrors };
}

export const SPARKLINE_RANGE_MS = 3600_000;
export const SPARKLINE_STEP_MS = 30_000;

const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * One source's sparklines as the core keeps them: per metric one Float64Array holding a row of `count` samples
 * per instance (value i at start + i * stepMs, NaN: no sample), rounded to 0.1 as the tile shows them. As
 * `(number | null)[]` rows every filled sample was a boxed number, so the core's heap grew as a fresh
 * Prometheus filled the hour (2,000 servers × 2 series × 121 samples); this is ~3.9 MB from the start and
 * stays so. The wire form (`wireSparklines`) is built only when sent.
 */
export class SparklineGrid {
  /** instance → row index */
  readonly rows = new Map<string, number>();
  cpu: Float64Array;
  memory: Float64Array;

  constructor(
    /** Epoch ms of sample 0. */
    readonly start: number,
    readonly stepMs: number,
    readonly count: number,
    capacity = 16,
  ) {
    this.cpu = new Float64Array(Math.max(1, capacity) * count).fill(NaN);
    this.memory = new Float64Array(Math.max(1, capacity) * count).fill(NaN);
  }

  private rowOf(instance: string): number {
    let row = this.rows.get(instance);
    if (row !== undefined) return row;
    row = this.rows.size;
    this.rows.set(instance, row);
    if ((row + 1) * this.count > this.cpu.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2).fill(NaN);
        b.set(a);
        return b;
      };
      this.cpu = grow(this.cpu);
      this.memory = grow(this.memory);
    }
    return row;
  }

  /** One series of a range answer: per step the largest value of the instance's series (the tile's own max-by-instance rule). */
  add(metric: 'cpu' | 'memory', instance: string, values: readonly SamplePair[]): void {
    const base = this.rowOf(instance) * this.count;
    const data = metric === 'cpu' ? this.cpu : this.memory;
    const startSec = this.start / 1000;
    const stepSec = this.stepMs / 1000;
    for (let k = 0; k < values.length; k++) {
      const pair = values[k]!;
      const i = Math.round((pair[0] - startSec) / stepSec);
      if (i < 0 || i >= this.count) continue;
      const v = sampleValue(pair);
      if (!Number.isFinite(v)) continue;
      const r = round1(v);
      const prev = data[base + i]!;
      if (Number.isNaN(prev) || r > prev) data[base + i] = r;
    }
  }

  /** The instance's sparkline in its wire form (arrays with null for a gap), or undefined. */
  sparkline(instance: string): TileSparkline | undefined {
    const row = this.rows.get(instance);
    if (row === undefined) return undefined;
    const from = row * this.count;
    const list = (data: Float64Array): (number | null)[] => {
      const out = new Array<number | null>(this.count);
      for (let i = 0; i < this.count; i++) {
        const v = data[from + i]!;
        out[i] = Number.isNaN(v) ? null : v;
      }
      return out;
    };
    return { start: this.start, stepMs: this.stepMs, cpu: list(this.cpu), memory: list(this.memory) };
  }
}

/** Every instance's sparkline of one source in the wire form (built when sent, then dropped). */
export function wireSparklines(grid: SparklineGrid): Record<string, TileSparkline> {
  const out: Record<string, TileSparkline> = {};
  for (const instance of grid.rows.keys()) out[instance] = grid.sparkline(instance)!;
  return out;
}

/**
 * Sparklines for the whole fleet of one source: two range queries (CPU, memory), whatever the fleet size, one
 * after the other so that only one answer is held at a time; each series is folded into the grid as it is read.
 * `sizeHint`: the number of instances last time (the grid's first capacity).
 */
export async function pollSparklines(
  client: FleetQueryClient,
  queries: Record<FleetQueryName, string>,
  now: number,
  signal?: AbortSignal,
  sizeHint = 0,
): Promise<SparklineGrid> {
  const stepSec = SPARKLINE_STEP_MS / 1000;
  const endSec = Math.floor(now / 1000 / stepSec) * stepSec;
  const startSec = endSec - SPARKLINE_RANGE_MS / 1000;
  const count = SPARKLINE_RANGE_MS / SPARKLINE_STEP_MS + 1;
  const grid = new SparklineGrid(startSec * 1000, SPARKLINE_STEP_MS, count, sizeHint || 16);
  for (const metric of ['cpu', 'memory'] as const) {
    await client.queryRangeEach(
      queries[metric],
      startSec,
      endSec,
      stepSec,
      (labels, values) => {
        if (labels.instance !== undefined) grid.add(metric, labels.instance, values);
      },
      { signal },
    );
  }
  return grid;
}

/** Drill-down: one range query per metric, scoped to the instance by Prometheus itself. */
export async function queryHistory(
  source: string,
  client: FleetQueryClient,
  queries: Record<FleetQueryName, string>,
  instance: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<FleetHistory> {
  const stepSec = stepFor(to - from);
  const startSec = Math.floor(from / 1000);
  const endSec = Math.ceil(to / 1000);
  const results = await Promise.allSettled(FLEET_METRICS.map((m) => client.queryRange(scopeToInstance(queries[m], instance), startSec, endSec, stepSec, { signal })));
  const series: FleetHistorySeries[] = [];
  const errors: Partial<Record<FleetMetric, string>> = {};
  FLEET_METRICS.forEach((m, i) => {
    const r = results[i]!;
    if (r.status === 'rejected') {
      errors[m] = errText(r);
      return;
    }
    for (const s of r.value) {
      const label = r.value.length > 1 ? (s.metric.mountpoint ?? s.metric.device ?? s.metric.job ?? '') : '';
      series.push({ metric: m, label, points: s.points.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => [t * 1000, v] as [number, number]) });
    }
  });
  if (series.length === 0 && Object.keys(errors).length === FLEET_METRICS.length) {
    throw (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  return { instance, source, from, to, stepMs: stepSec * 1000, series, errors };
}
