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
 * The fleet as the renderer builds it: a whole snapshot (hello, environment switch, `fleet.snapshot`), then
 * diffs in `seq` order. A diff carries the tiles that changed visibly since the last one sent (values
 * compared at display precision: 0.1 % for CPU/memory/disk, 0.01 for load, 3 digits for network rates;
 * `updatedAt` of a fresh tile is not a change), the ids that went away, and the small parts whole
 * (summary, sources, health checks). A renderer that sees a gap in `seq` asks for `fleet.snapshot`.
 */
export type FleetUpdate =
  | { kind: 'snapshot'; seq: number; state: FleetState }
  | {
      kind: 'diff';
      seq: number;
      environment: string | null;
      updatedAt: number | null;
      upserted: ServerTile[];
      removed: string[];
      summary: FleetSummary;
      sources: FleetSourceStatus[];
      healthChecks: HealthCheckTile[];
    };

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
