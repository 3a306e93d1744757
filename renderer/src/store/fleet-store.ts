import { create } from 'zustand';
import type { FleetSparklines, FleetState, FleetUpdate, ServerTile, TileState } from '../../../preload/contract';
import { expandTiles } from '../../../preload/contract';
import { getBridge } from '../bridge';
import { onTopic } from './event-router';

export type SortKey = 'worst' | 'name' | 'cpu' | 'memory' | 'disk' | 'netRx' | 'netTx' | 'load1' | 'alerts';

/** How the operator looks at the fleet; kept across pane switches (not across reloads). */
export interface FleetView {
  sort: SortKey;
  /** '' = no grouping; 'job', 'source', or any label name. */
  groupBy: string;
  filter: string;
  /** Summary-bar filter: only tiles in these states (empty = all). */
  states: TileState[];
  /** Tile id of the server open in the drill-down, or null for the grid. */
  selected: string | null;
}

/** The fleet as built from fleet.update: tiles by id (and as a list, replaced only when a tile changed). */
export interface FleetData extends FleetState {
  seq: number;
  byId: Map<string, ServerTile>;
}

/**
 * A sparkline as the store keeps it: fixed-size typed arrays (NaN for a missing sample). A JSON array of
 * numbers and nulls holds each sample as a boxed number, so the fleet's heap grew with Prometheus' history
 * (2,000 servers × 2 series × 121 samples: +16 bytes per sample filled in, ~4 MB over the hour on a fresh
 * Prometheus); as Float32Array it is ~1.9 MB from the start and stays so.
 */
export interface StoredSparkline {
  start: number;
  stepMs: number;
  cpu: Float32Array;
  memory: Float32Array;
}

export interface StoredSparklines {
  environment: string | null;
  updatedAt: number | null;
  bySource: Record<string, Record<string, StoredSparkline>>;
}

function samples(values: readonly (number | null)[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : v;
  }
  return out;
}

export function storeSparklines(lines: FleetSparklines): StoredSparklines {
  const bySource: Record<string, Record<string, StoredSparkline>> = {};
  for (const [source, byInstance] of Object.entries(lines.bySource)) {
    const out: Record<string, StoredSparkline> = {};
    for (const [instance, line] of Object.entries(byInstance)) out[instance] = { start: line.start, stepMs: line.stepMs, cpu: samples(line.cpu), memory: samples(line.memory) };
    bySource[source] = out;
  }
  return { environment: lines.environment, updatedAt: lines.updatedAt, bySource };
}

interface FleetStore extends FleetData {
  sparklines: StoredSparklines;
  view: FleetView;
  setView(patch: Partial<FleetView>): void;
}

const initialState: FleetState = {
  environment: null,
  tiles: [],
  updatedAt: null,
  healthChecks: [],
  sources: [],
  summary: { ok: 0, warning: 0, critical: 0, down: 0, stale: 0 },
  thresholds: { cpu: { warning: 80, critical: 95 }, memory: { warning: 85, critical: 95 }, disk: { warning: 80, critical: 90 } },
  queries: { up: '', cpu: '', memory: '', disk: '', netRx: '', netTx: '', load1: '' },
};

export const useFleetStore = create<FleetStore>((set) => ({
  ...initialState,
  seq: 0,
  byId: new Map(),
  sparklines: { environment: null, updatedAt: null, bySource: {} },
  view: { sort: 'worst', groupBy: '', filter: '', states: [], selected: null },
  setView: (patch) => set((s) => ({ view: { ...s.view, ...patch } })),
}));

/**
 * Applies one fleet.update. A snapshot replaces everything; a diff in sequence patches the tiles; a diff out of
 * sequence (a missed message, another environment) returns 'resync' — the caller fetches a snapshot.
 */
export function applyFleetUpdate(state: Pick<FleetData, 'seq' | 'environment' | 'byId' | 'tiles'>, update: FleetUpdate): Partial<FleetData> | 'resync' {
  if (update.kind === 'snapshot') {
    const tiles = expandTiles(update.state.tiles, update.state.updatedAt);
    return { ...update.state, tiles, seq: update.seq, byId: new Map(tiles.map((t) => [t.id, t])) };
  }
  if (update.seq <= state.seq) return {};
  if (update.seq !== state.seq + 1 || update.environment !== state.environment) return 'resync';
  const { seq, updatedAt, summary, sources, healthChecks } = update;
  if (update.upserted.length === 0 && update.removed.length === 0) return { seq, updatedAt, summary, sources, healthChecks };
  const byId = new Map(state.byId);
  for (const id of update.removed) byId.delete(id);
  for (const t of expandTiles(update.upserted, updatedAt)) byId.set(t.id, t);
  return { seq, updatedAt, summary, sources, healthChecks, byId, tiles: [...byId.values()] };
}

let resyncing = false;

function resync(): void {
  if (resyncing) return;
  resyncing = true;
  getBridge()
    .invoke('fleet.snapshot', {})
    .then((snapshot) => applyToStore(snapshot))
    .catch(() => undefined)
    .finally(() => {
      resyncing = false;
    });
}

function applyToStore(update: FleetUpdate): void {
  const s = useFleetStore.getState();
  const patch = applyFleetUpdate(s, update);
  if (patch === 'resync') {
    resync();
    return;
  }
  // A new environment closes the drill-down of a server that is not there any more.
  const envChanged = patch.environment !== undefined && patch.environment !== s.environment;
  useFleetStore.setState(envChanged ? { ...patch, view: { ...s.view, selected: null } } : patch);
}

onTopic('fleet.update', applyToStore);

onTopic('fleet.sparklines', (sparklines) => useFleetStore.setState({ sparklines: storeSparklines(sparklines) }));
