import type { FleetHistory, FleetHistorySeries, FleetMetric, FleetThresholds, ServerTile, TileSparkline } from '../../preload/contract';
import { FLEET_METRICS } from '../../preload/contract';
import type { MatrixSeries, VectorSample } from '../clients/prometheus';
import { buildSourceTiles, maxByInstance, scopeToInstance, stepFor, type FleetQueryName, type PerInstance } from './fleet-model';

/** What the fleet needs of a Prometheus-compatible client (PrometheusClient; fakes in unit tests). */
export interface FleetQueryClient {
  query(promql: string, opts?: { time?: number; signal?: AbortSignal }): Promise<VectorSample[]>;
  queryRange(promql: string, startSec: number, endSec: number, stepSec: number, opts?: { signal?: AbortSignal }): Promise<MatrixSeries[]>;
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

const round1 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

/** Per instance: the largest value at each step (matches the tile's own max-by-instance rule). */
function gridByInstance(series: MatrixSeries[], startSec: number, stepSec: number, count: number): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  for (const s of series) {
    const inst = s.metric.instance;
    if (inst === undefined) continue;
    const row = out.get(inst) ?? new Array<number | null>(count).fill(null);
    for (const [t, v] of s.points) {
      const i = Math.round((t - startSec) / stepSec);
      if (i < 0 || i >= count) continue;
      const r = round1(v);
      if (r === null) continue;
      const prev = row[i];
      if (prev === null || prev === undefined || r > prev) row[i] = r;
    }
    out.set(inst, row);
  }
  return out;
}

/** Sparklines for the whole fleet of one source: two range queries (CPU, memory), whatever the fleet size. */
export async function pollSparklines(
  client: FleetQueryClient,
  queries: Record<FleetQueryName, string>,
  now: number,
  signal?: AbortSignal,
): Promise<Map<string, TileSparkline>> {
  const stepSec = SPARKLINE_STEP_MS / 1000;
  const endSec = Math.floor(now / 1000 / stepSec) * stepSec;
  const startSec = endSec - SPARKLINE_RANGE_MS / 1000;
  const count = SPARKLINE_RANGE_MS / SPARKLINE_STEP_MS + 1;
  const [cpu, memory] = await Promise.all([
    client.queryRange(queries.cpu, startSec, endSec, stepSec, { signal }),
    client.queryRange(queries.memory, startSec, endSec, stepSec, { signal }),
  ]);
  const cpuGrid = gridByInstance(cpu, startSec, stepSec, count);
  const memGrid = gridByInstance(memory, startSec, stepSec, count);
  const out = new Map<string, TileSparkline>();
  const empty = (): (number | null)[] => new Array<number | null>(count).fill(null);
  for (const inst of new Set([...cpuGrid.keys(), ...memGrid.keys()])) {
    out.set(inst, { start: startSec * 1000, stepMs: SPARKLINE_STEP_MS, cpu: cpuGrid.get(inst) ?? empty(), memory: memGrid.get(inst) ?? empty() });
  }
  return out;
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
