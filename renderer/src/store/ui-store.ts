import { create } from 'zustand';

export type PaneName = 'Servers' | 'Alerts' | 'Logs' | 'Incidents';
export const PANES: PaneName[] = ['Servers', 'Alerts', 'Logs', 'Incidents'];

/** A search another pane asks the Logs pane to run (pivot from an alert or a server). */
export interface LogsPivot {
  query: string;
  from: number;
  to: number;
  /** Bumped on every pivot so the same search twice still runs. */
  nonce: number;
}

/** An alert another pane asks the Alerts pane to open (from a notification, tray, or a tile). */
export interface AlertFocus {
  fingerprint: string;
  nonce: number;
}

interface UiState {
  pane: PaneName;
  logsPivot: LogsPivot | null;
  alertFocus: AlertFocus | null;
  setPane(pane: PaneName): void;
  pivotToLogs(p: Omit<LogsPivot, 'nonce'>): void;
  focusAlert(fingerprint: string): void;
}

function paneFromHash(): PaneName {
  const h = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  return (PANES.find((p) => p.toLowerCase() === h.toLowerCase()) ?? 'Servers') as PaneName;
}

export const useUiStore = create<UiState>((set, get) => ({
  pane: typeof location === 'undefined' ? 'Servers' : paneFromHash(),
  logsPivot: null,
  alertFocus: null,
  setPane: (pane) => {
    history.replaceState(null, '', `#/${pane.toLowerCase()}`);
    set({ pane });
  },
  pivotToLogs: (p) => {
    get().setPane('Logs');
    set({ logsPivot: { ...p, nonce: Date.now() + Math.random() } });
  },
  focusAlert: (fingerprint) => {
    get().setPane('Alerts');
    set({ alertFocus: { fingerprint, nonce: Date.now() + Math.random() } });
  },
}));
