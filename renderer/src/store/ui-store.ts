import { create } from 'zustand';

export type PaneName = 'Servers' | 'Alerts' | 'Logs' | 'Incidents';
export const PANES: PaneName[] = ['Servers', 'Alerts', 'Logs', 'Incidents'];

interface UiState {
  pane: PaneName;
  setPane(pane: PaneName): void;
}

function paneFromHash(): PaneName {
  const h = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  return (PANES.find((p) => p.toLowerCase() === h.toLowerCase()) ?? 'Servers') as PaneName;
}

export const useUiStore = create<UiState>((set) => ({
  pane: typeof location === 'undefined' ? 'Servers' : paneFromHash(),
  setPane: (pane) => {
    history.replaceState(null, '', `#/${pane.toLowerCase()}`);
    set({ pane });
  },
}));
