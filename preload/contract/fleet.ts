import { z } from 'zod';
import { request } from './define';

export type TileState = 'ok' | 'warning' | 'critical' | 'down';

/** The per-server metrics a tile shows; each has a configurable PromQL expression. */
export type FleetMetric = 'cpu' | 'memory' | 'disk' | 'netRx' | 'netTx' | 'load1';
export const FLEET_METRICS: readonly FleetMetric[] = ['cpu', 'memory', 'disk', 'netRx', 'netTx', 'load1'];

/** Metric values of one server; null when the source has no series for it (or its query failed). */
export type FleetValues = Record<FleetMetric, number | null>;

export interface ThresholdPair {
  warning: number;
  critical: number;
}
export interface FleetThresholds {
  cpu: ThresholdPair;
  memory: ThresholdPair;
  disk: ThresholdPair;
}

/** Last hour of one tile, from batched range queries: value i is at start + i * stepMs (null: no sample). */
export interface TileSparkline {
  start: number;
  stepMs: number;
  cpu: (number | null)[];
  memory: (number | null)[];
}

export interface ServerTile {
  /** `${source}|${instance}|${job}` */
  id: string;
  instance: string;
  job: string;
  /** Name of the Prometheus-compatible source the tile came from. */
  source: string;
  up: boolean;
  state: TileState;
  labels: Record<string, string>;
  /** When the values were last read successfully (epoch ms); the age of a stale tile is now - updatedAt. */
  updatedAt: number;
  stale: boolean;
  values: FleetValues;
  /** Mountpoint of the fullest filesystem, when the disk query keeps the label. */
  diskMount: string | null;
  /** Which metrics put the tile into its state, e.g. ['cpu'] for a CPU-critical server. */
  reasons: FleetMetric[];
  /** Alerts firing (Alertmanager state active) whose instance label is this tile's instance. */
  alertsFiring: number;
  /** Fingerprints of those alerts, most severe first. */
  alertFingerprints: string[];
}

/**
 * Sparklines of the whole fleet, sent on their own (slower) cadence so the frequent fleet.update stays small.
 * bySource[source][instance].
 */
export interface FleetSparklines {
  environment: string | null;
  updatedAt: number | null;
  bySource: Record<string, Record<string, TileSparkline>>;
}

export interface HealthCheckTile {
  /** `healthcheck:${name}` */
  id: string;
  name: string;
  url: string;
  expectStatus: number;
  /** ok: expected status; critical: another status; down: no answer (network, TLS, timeout). */
  state: TileState;
  status: number | null;
  latencyMs: number | null;
  /** The exact error text: the network's, or "expected HTTP 200, got 500: <body>". */
  error: string | null;
  checkedAt: number | null;
  /** When the last expected answer came. */
  lastOkAt: number | null;
  pending: boolean;
}

export interface FleetSourceStatus {
  name: string;
  url: string;
  /** Whether the last poll reached the source. */
  reachable: boolean;
  lastSuccessAt: number | null;
  /** The source's own error text from the last failed poll, or null. */
  error: string | null;
  /** Per-metric query errors (e.g. a bad PromQL override), with the server's text. */
  queryErrors: Partial<Record<FleetMetric | 'up', string>>;
}

export interface FleetSummary {
  ok: number;
  warning: number;
  critical: number;
  down: number;
  stale: number;
}

export interface FleetState {
  environment: string | null;
  tiles: ServerTile[];
  updatedAt: number | null;
  healthChecks: HealthCheckTile[];
  sources: FleetSourceStatus[];
  /** Counts over server tiles and health-check tiles. */
  summary: FleetSummary;
  thresholds: FleetThresholds;
  /** The PromQL in force for each metric (runbook defaults or the environment's overrides). */
  queries: Record<FleetMetric | 'up', string>;
}

/**
 * A server tile as it travels to the renderer: what the tile shows and the renderer cannot rebuild, values
 * rounded to what the tile shows, usual values left out (~100 bytes a tile instead of ~460). `expandTiles`
 * turns it back into a ServerTile: `id` from source, instance and job; `up` is `state !== 'down'`;
 * `alertsFiring` is the number of fingerprints; labels get instance and job back.
 */
export interface WireTile {
  instance: string;
  job: string;
  state: TileState;
  /** In FLEET_METRICS order, rounded by `roundForDisplay` (null: no series). */
  values: (number | null)[];
  /** Labels besides __name__, instance and job; left out when there are none. */
  labels?: Record<string, string>;
  /** Only on a stale tile. */
  stale?: true;
  /** Only on a stale tile: when its values were last read. A fresh tile's is the message's `updatedAt`. */
  updatedAt?: number;
  /** Left out when the disk query keeps no mountpoint. */
  diskMount?: string;
  /** Left out when none. */
  reasons?: FleetMetric[];
  /** Alerts firing for the instance, most severe first; left out when none. */
  alertFingerprints?: string[];
}

/** The tiles of one source. */
export interface WireTileGroup {
  source: string;
  tiles: WireTile[];
}

/** FleetState as sent: the tiles grouped by source, in the compact form. */
export type FleetWireState = Omit<FleetState, 'tiles'> & { tiles: WireTileGroup[] };

/**
 * The fleet as the renderer builds it: a whole snapshot (hello, environment switch, `fleet.snapshot`), then
 * diffs in `seq` order. A diff carries the tiles that changed visibly since the last one sent (values
 * compared at display precision: 0.1 % for CPU/memory/disk, 0.01 for load, 3 digits for network rates;
 * `updatedAt` of a fresh tile is not a change), the ids that went away, and the small parts whole
 * (summary, sources, health checks). A renderer that sees a gap in `seq` asks for `fleet.snapshot`.
 */
export type FleetUpdate =
  | { kind: 'snapshot'; seq: number; state: FleetWireState }
  | {
      kind: 'diff';
      seq: number;
      environment: string | null;
      updatedAt: number | null;
      upserted: WireTileGroup[];
      removed: string[];
      summary: FleetSummary;
      sources: FleetSourceStatus[];
      healthChecks: HealthCheckTile[];
    };

/** `${source}|${instance}|${job}`: a tile's id, built the same way by the core and the renderer. */
export const tileId = (source: string, instance: string, job: string): string => `${source}|${instance}|${job}`;

/** A value as precise as the tile shows it: 0.1 for CPU/memory/disk %, 0.01 for load, 3 digits for rates. */
export function roundForDisplay(metric: FleetMetric, v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  if (metric === 'cpu' || metric === 'memory' || metric === 'disk') return Math.round(v * 10) / 10;
  if (metric === 'load1') return Math.round(v * 100) / 100;
  return Number(v.toPrecision(3));
}

function wireTile(t: ServerTile): WireTile {
  const w: WireTile = { instance: t.instance, job: t.job, state: t.state, values: FLEET_METRICS.map((m) => roundForDisplay(m, t.values[m])) };
  let labels: Record<string, string> | undefined;
  for (const k in t.labels) {
    if (k === '__name__' || (k === 'instance' && t.labels[k] === t.instance) || (k === 'job' && t.labels[k] === t.job)) continue;
    (labels ??= {})[k] = t.labels[k]!;
  }
  if (labels) w.labels = labels;
  if (t.stale) {
    w.stale = true;
    w.updatedAt = t.updatedAt;
  }
  if (t.diskMount !== null) w.diskMount = t.diskMount;
  if (t.reasons.length) w.reasons = t.reasons;
  if (t.alertFingerprints.length) w.alertFingerprints = t.alertFingerprints;
  return w;
}

/** Tiles in the compact form, grouped by source (in order of first appearance; each group keeps the tiles' order). */
export function toWireTiles(tiles: readonly ServerTile[]): WireTileGroup[] {
  const groups: WireTileGroup[] = [];
  let last: WireTileGroup | undefined;
  for (const t of tiles) {
    if (!last || last.source !== t.source) last = groups.find((g) => g.source === t.source);
    if (!last) groups.push((last = { source: t.source, tiles: [] }));
    last.tiles.push(wireTile(t));
  }
  return groups;
}

/** The renderer's side of `toWireTiles`; a fresh tile's `updatedAt` is the message's. */
export function expandTiles(groups: readonly WireTileGroup[], updatedAt: number | null): ServerTile[] {
  const out: ServerTile[] = [];
  for (const { source, tiles } of groups) {
    for (const w of tiles) {
      // The same FLEET_METRICS order wireTile wrote them in.
      const values = {} as ServerTile['values'];
      for (let i = 0; i < FLEET_METRICS.length; i++) values[FLEET_METRICS[i]!] = w.values[i] ?? null;
      const labels: Record<string, string> = { ...w.labels, instance: w.instance };
      if (w.job !== '') labels.job = w.job;
      const fps = w.alertFingerprints ?? [];
      out.push({
        id: tileId(source, w.instance, w.job),
        instance: w.instance,
        job: w.job,
        source,
        up: w.state !== 'down',
        state: w.state,
        labels,
        updatedAt: w.updatedAt ?? updatedAt ?? 0,
        stale: w.stale === true,
        values,
        diskMount: w.diskMount ?? null,
        reasons: w.reasons ?? [],
        alertsFiring: fps.length,
        alertFingerprints: fps,
      });
    }
  }
  return out;
}

export interface FleetHistorySeries {
  metric: FleetMetric;
  /** Distinguishing label text (e.g. mountpoint "/" for disk), empty when there is one series. */
  label: string;
  points: [number, number][];
}

export interface FleetHistory {
  instance: string;
  source: string;
  from: number;
  to: number;
  stepMs: number;
  series: FleetHistorySeries[];
  /** Per-metric errors with the server's text; the other metrics still come back. */
  errors: Partial<Record<FleetMetric, string>>;
}

const MAX_RANGE_MS = 31 * 24 * 3600_000;

export const fleetRequests = {
  'fleet.refresh': request<void>()(z.object({}).strict()),
  /** The whole fleet now, as a snapshot update (a renderer that missed a diff resyncs with it). */
  'fleet.snapshot': request<FleetUpdate>()(z.object({}).strict()),
  'fleet.history': request<FleetHistory>()(
    z
      .object({
        instance: z.string().min(1).max(500),
        source: z.string().min(1).max(100),
        /** Last `rangeMs` up to now; or from/to (epoch ms). */
        rangeMs: z.number().int().min(60_000).max(MAX_RANGE_MS).optional(),
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
      })
      .strict()
      .refine((a) => a.rangeMs !== undefined || (a.from !== undefined && a.to !== undefined), 'give rangeMs, or both from and to')
      .refine((a) => a.from === undefined || a.to === undefined || a.to > a.from, '"to" must be after "from"')
      .refine((a) => a.from === undefined || a.to === undefined || a.to - a.from <= MAX_RANGE_MS, 'range must be at most 31 days'),
  ),
};

export interface FleetEvents {
  'fleet.update': FleetUpdate;
  'fleet.sparklines': FleetSparklines;
}
