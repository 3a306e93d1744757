import type {
  AlertView,
  FleetMetric,
  FleetSummary,
  FleetThresholds,
  FleetValues,
  HealthCheckTile,
  ServerTile,
  TileState,
} from '../../preload/contract';
import { FLEET_METRICS, roundForDisplay, tileId } from '../../preload/contract';
import type { VectorSample } from '../clients/prometheus';
import { sameList, sameRecord } from '../core/shallow-equal';

export type FleetQueryName = FleetMetric | 'up';

/** Filesystems that are never "the disk": memory-backed or read-only images. */
const PSEUDO_FS = 'tmpfs|ramfs|devtmpfs|squashfs|iso9660';

/**
 * The runbooks' PromQL (seed 000, "system dashboards"). Each returns one vector for the whole fleet;
 * results are joined to tiles by the `instance` label, and the largest value per instance wins
 * (so disk, which keeps one series per filesystem, shows the fullest one).
 */
export const DEFAULT_QUERIES: Record<FleetQueryName, string> = {
  up: 'up',
  // The runbooks' `100 - (avg by(instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)`, written as
  // idle time over all CPU time: equal once series are older than the window (all modes add up to one
  // second per CPU per second), but not extrapolated to ~100% for the first 5 minutes after Prometheus or
  // a new host starts. Override `queries.cpu` to use the literal form.
  cpu: '100 * (1 - sum by(instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) / sum by(instance) (rate(node_cpu_seconds_total[5m])))',
  memory: '(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100',
  disk: `(1 - node_filesystem_avail_bytes{fstype!~"${PSEUDO_FS}"} / node_filesystem_size_bytes{fstype!~"${PSEUDO_FS}"}) * 100`,
  netRx: 'sum by(instance) (rate(node_network_receive_bytes_total{device!="lo"}[5m]))',
  netTx: 'sum by(instance) (rate(node_network_transmit_bytes_total{device!="lo"}[5m]))',
  load1: 'node_load1',
};

export const QUERY_NAMES: readonly FleetQueryName[] = ['up', ...FLEET_METRICS];

/** Unknown keys in the environment's `queries` are reported, not silently ignored. */
export function resolveQueries(overrides: Record<string, string> | undefined): { queries: Record<FleetQueryName, string>; unknown: string[] } {
  const queries = { ...DEFAULT_QUERIES };
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if ((QUERY_NAMES as readonly string[]).includes(k)) {
      if (v.trim()) queries[k as FleetQueryName] = v;
    } else unknown.push(k);
  }
  return { queries, unknown };
}

export const emptyValues = (): FleetValues => ({ cpu: null, memory: null, disk: null, netRx: null, netTx: null, load1: null });

export interface Coloured {
  state: TileState;
  reasons: FleetMetric[];
}

/** The reasons of a tile with none, shared by every such tile (frozen: a push would throw, not leak). */
const NO_REASONS = Object.freeze([]) as unknown as FleetMetric[];
const NO_ALERTS = Object.freeze([]) as unknown as string[];
const DOWN: Coloured = Object.freeze({ state: 'down', reasons: NO_REASONS });
const OK: Coloured = Object.freeze({ state: 'ok', reasons: NO_REASONS });

/**
 * Colour by the runbooks' thresholds; a down target is critical-and-down whatever its last values. Runs for
 * every tile of every poll (2,000 at once on a switch, before any of it is optimised), so a tile within its
 * thresholds allocates nothing.
 */
export function colourTile(up: boolean, values: FleetValues, t: FleetThresholds): Coloured {
  if (!up) return DOWN;
  const cpu = metricState('cpu', values.cpu, t);
  const memory = metricState('memory', values.memory, t);
  const disk = metricState('disk', values.disk, t);
  if (cpu !== 'warning' && cpu !== 'critical' && memory !== 'warning' && memory !== 'critical' && disk !== 'warning' && disk !== 'critical') return OK;
  const state: TileState = cpu === 'critical' || memory === 'critical' || disk === 'critical' ? 'critical' : 'warning';
  const reasons: FleetMetric[] = [];
  if (cpu === state) reasons.push('cpu');
  if (memory === state) reasons.push('memory');
  if (disk === state) reasons.push('disk');
  return { state, reasons };
}

export function metricState(metric: FleetMetric, value: number | null, t: FleetThresholds): TileState | null {
  if (value === null || !Number.isFinite(value) || !(metric === 'cpu' || metric === 'memory' || metric === 'disk')) return null;
  if (value >= t[metric].critical) return 'critical';
  if (value >= t[metric].warning) return 'warning';
  return 'ok';
}

export interface PerInstance {
  value: number;
  /** The mountpoint (or device) of the winning series, if any. */
  detail: string | null;
}

/** Largest finite value per instance (NaN series, e.g. an empty filesystem, are skipped). */
export function maxByInstance(samples: VectorSample[]): Map<string, PerInstance> {
  const out = new Map<string, PerInstance>();
  for (const s of samples) {
    const inst = s.metric.instance;
    if (inst === undefined || !Number.isFinite(s.value)) continue;
    const prev = out.get(inst);
    if (!prev || s.value > prev.value) out.set(inst, { value: s.value, detail: s.metric.mountpoint ?? s.metric.device ?? null });
  }
  return out;
}

export interface SourcePoll {
  source: string;
  up: VectorSample[];
  metrics: Partial<Record<FleetMetric, Map<string, PerInstance>>>;
  now: number;
}

/** One source's poll turned into tiles (alerts and sparklines are attached later). */
export function buildSourceTiles(poll: SourcePoll, thresholds: FleetThresholds): ServerTile[] {
  return poll.up.map((s) => {
    const instance = s.metric.instance ?? '(no instance)';
    const job = s.metric.job ?? '';
    const up = s.value === 1;
    const values = emptyValues();
    for (const m of FLEET_METRICS) values[m] = poll.metrics[m]?.get(instance)?.value ?? null;
    const { state, reasons } = colourTile(up, values, thresholds);
    return {
      id: tileId(poll.source, instance, job),
      instance,
      job,
      source: poll.source,
      up,
      state,
      labels: s.metric,
      updatedAt: poll.now,
      stale: false,
      values,
      diskMount: poll.metrics.disk?.get(instance)?.detail ?? null,
      reasons,
      alertsFiring: 0,
      alertFingerprints: NO_ALERTS,
    } satisfies ServerTile;
  });
}

const STATE_RANK: Record<TileState, number> = { down: 0, critical: 1, warning: 2, ok: 3 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, page: 0, error: 1, warning: 2, info: 3 };

/** The host part of an instance label ("db-1:9100" → "db-1", "[::1]:9100" → "::1"). */
export function hostOf(instance: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (v6) return v6[1]!;
  return instance.replace(/:\d+$/, '');
}

/** Alerts firing for each instance: Alertmanager state "active" (not silenced or inhibited). */
export function firingByInstance(alerts: Iterable<AlertView>): Map<string, AlertView[]> {
  const out = new Map<string, AlertView[]>();
  for (const a of alerts) {
    if (a.state !== 'active') continue;
    const inst = a.labels.instance;
    if (!inst) continue;
    const list = out.get(inst) ?? [];
    list.push(a);
    out.set(inst, list);
  }
  for (const list of out.values()) list.sort((a, b) => (SEVERITY_RANK[a.labels.severity ?? ''] ?? 4) - (SEVERITY_RANK[b.labels.severity ?? ''] ?? 4));
  return out;
}

/**
 * Merges several sources' tiles. Every tile keeps naming its source, so the same instance scraped by
 * two Prometheus servers (an HA pair) shows twice, each labelled; the worst sorts first.
 */
export function mergeTiles(bySource: Iterable<ServerTile[]>, firing: Map<string, AlertView[]>): ServerTile[] {
  const tiles: ServerTile[] = [];
  for (const list of bySource) {
    for (const t of list) {
      const alerts = firing.get(t.instance) ?? [];
      tiles.push(alerts.length || t.alertsFiring ? { ...t, alertsFiring: alerts.length, alertFingerprints: alerts.map((a) => a.fingerprint) } : t);
    }
  }
  return sortWorstFirst(tiles);
}

/** One collator for every comparison (localeCompare's default order, without building one per call). */
const textOrder = new Intl.Collator();

/** What orders tiles worst first, read from a tile once: state, then alerts firing, then its fullest metric, then names. */
interface WorstFirstKey {
  t: ServerTile;
  rank: number;
  alerts: number;
  worst: number;
}

const worstFirstKey = (t: ServerTile): WorstFirstKey => ({ t, rank: STATE_RANK[t.state], alerts: t.alertsFiring, worst: worstValue(t) });

function compareKeys(a: WorstFirstKey, b: WorstFirstKey): number {
  return a.rank - b.rank || b.alerts - a.alerts || b.worst - a.worst || textOrder.compare(a.t.instance, b.t.instance) || textOrder.compare(a.t.source, b.t.source);
}

export function compareWorstFirst(a: ServerTile, b: ServerTile): number {
  return compareKeys(worstFirstKey(a), worstFirstKey(b));
}

/**
 * Sorts in place in compareWorstFirst's order, each tile's keys read once instead of in every comparison (a
 * fleet of 2,000 is ~22,000 comparisons, the first poll's before any of it is optimised).
 */
export function sortWorstFirst(tiles: ServerTile[]): ServerTile[] {
  const keyed = tiles.map(worstFirstKey).sort(compareKeys);
  for (let i = 0; i < keyed.length; i++) tiles[i] = keyed[i]!.t;
  return tiles;
}

function worstValue(t: ServerTile): number {
  return Math.max(t.values.cpu ?? 0, t.values.memory ?? 0, t.values.disk ?? 0);
}

export function summarize(tiles: ServerTile[], checks: HealthCheckTile[]): FleetSummary {
  const s: FleetSummary = { ok: 0, warning: 0, critical: 0, down: 0, stale: 0 };
  for (const t of tiles) {
    s[t.state] += 1;
    if (t.stale) s.stale += 1;
  }
  for (const c of checks) if (!c.pending) s[c.state] += 1;
  return s;
}

/** Range-query step that keeps a chart near `points` points, rounded to a whole number of seconds. */
export function stepFor(rangeMs: number, points = 240): number {
  return Math.max(15, Math.ceil(rangeMs / 1000 / points));
}

/** Restricts a fleet-wide expression to one instance, computed by Prometheus (never all series shipped). */
export function scopeToInstance(expr: string, instance: string): string {
  const escaped = instance.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `(${expr}) and on(instance) up{instance="${escaped}"}`;
}


/**
 * Whether the renderer would show `next` as it shows `prev`: same state, flags, labels, alerts, and values at
 * display precision. `updatedAt` only counts for a stale tile (its age is shown).
 */
export function visiblySame(prev: ServerTile, next: ServerTile): boolean {
  return (
    prev.state === next.state &&
    prev.up === next.up &&
    prev.stale === next.stale &&
    (!next.stale || prev.updatedAt === next.updatedAt) &&
    prev.instance === next.instance &&
    prev.job === next.job &&
    prev.source === next.source &&
    prev.diskMount === next.diskMount &&
    prev.alertsFiring === next.alertsFiring &&
    sameList(prev.reasons, next.reasons) &&
    sameList(prev.alertFingerprints, next.alertFingerprints) &&
    FLEET_METRICS.every((m) => roundForDisplay(m, prev.values[m]) === roundForDisplay(m, next.values[m])) &&
    sameRecord(prev.labels, next.labels)
  );
}

/** Tiles to send (new or visibly changed) and ids gone, against what the renderer was last sent; updates `sent`. */
export function diffTiles(sent: Map<string, ServerTile>, tiles: readonly ServerTile[]): { upserted: ServerTile[]; removed: string[] } {
  const upserted: ServerTile[] = [];
  const seen = new Set<string>();
  for (const t of tiles) {
    seen.add(t.id);
    const prev = sent.get(t.id);
    if (prev === t || (prev && visiblySame(prev, t))) continue;
    sent.set(t.id, t);
    upserted.push(t);
  }
  const removed: string[] = [];
  for (const id of sent.keys()) if (!seen.has(id)) removed.push(id);
  for (const id of removed) sent.delete(id);
  return { upserted, removed };
}
