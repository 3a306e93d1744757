import { create } from 'zustand';
import type { FleetSparklines, FleetState, TileState } from '../../../preload/contract';
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

interface FleetStore extends FleetState {
  sparklines: FleetSparklines;
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
  sparklines: { environment: null, updatedAt: null, bySource: {} },
  view: { sort: 'worst', groupBy: '', filter: '', states: [], selected: null },
  setView: (patch) => set((s) => ({ view: { ...s.view, ...patch } })),
}));

onTopic('fleet.state', (state) =>
  useFleetStore.setState((s) => ({
    ...state,
    // A new environment closes the drill-down of a server that is not there any more.
    view: state.environment !== s.environment ? { ...s.view, selected: null } : s.view,
  })),
);

onTopic('fleet.sparklines', (sparklines) => useFleetStore.setState({ sparklines }));
