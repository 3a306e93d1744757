import { create } from 'zustand';
import { parseSilenceLink, readOpenSilenceEvent, SILENCE_ROUTE, type SilenceLink } from '../../../preload/contract';
import { onTopic } from './event-router';

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

/**
 * A silence link to open (the `#/alerts/silence/new?…` route, or the Electron host's `ui.openSilence`): the
 * Alerts pane opens the silence editor prefilled with `link` (or, when the open editor holds edits, offers
 * it there), or shows `error` and opens nothing. `text` is the refused link as the host passed it on (bounded;
 * a route's text is in the address bar already).
 */
export type SilenceRequest = ({ link: SilenceLink } | { error: string; text?: string }) & { nonce: number };

interface UiState {
  pane: PaneName;
  logsPivot: LogsPivot | null;
  alertFocus: AlertFocus | null;
  silenceRequest: SilenceRequest | null;
  setPane(pane: PaneName): void;
  pivotToLogs(p: Omit<LogsPivot, 'nonce'>): void;
  focusAlert(fingerprint: string): void;
  /** Reads a silence link (either spelling) and asks the Alerts pane to open it, or to say what is wrong with it. */
  openSilenceLink(text: string): void;
  openSilence(link: SilenceLink): void;
  /** A link the host refused (or could not pass on): shown as the link error, nothing opened. */
  refuseSilenceLink(error: string, text?: string): void;
  dismissSilenceRequest(): void;
}

function paneFromHash(): PaneName {
  // `#/alerts`, or a route below a pane (`#/alerts/silence/new?…`): the pane is the first segment.
  const first = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  let h = first;
  try {
    h = decodeURIComponent(first);
  } catch {
    // Broken percent-encoding in an address someone typed: no pane by that name.
  }
  return (PANES.find((p) => p.toLowerCase() === h.toLowerCase()) ?? 'Servers') as PaneName;
}

const isSilenceRoute = (hash: string) => hash.startsWith(SILENCE_ROUTE);
const nonce = () => Date.now() + Math.random();

function silenceRequestFor(text: string): SilenceRequest {
  const r = parseSilenceLink(text);
  return r.ok ? { link: r.value, nonce: nonce() } : { error: r.error, nonce: nonce() };
}

/** A route is read once: it leaves the address bar, so a reload after creating the silence does not open it again. */
function initialSilenceRequest(): SilenceRequest | null {
  if (typeof location === 'undefined' || !isSilenceRoute(location.hash)) return null;
  const request = silenceRequestFor(location.hash);
  history.replaceState(null, '', '#/alerts');
  return request;
}

export const useUiStore = create<UiState>((set, get) => ({
  pane: typeof location === 'undefined' ? 'Servers' : paneFromHash(),
  logsPivot: null,
  alertFocus: null,
  silenceRequest: initialSilenceRequest(),
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
  openSilenceLink: (text) => {
    get().setPane('Alerts');
    set({ silenceRequest: silenceRequestFor(text) });
  },
  openSilence: (link) => {
    get().setPane('Alerts');
    set({ silenceRequest: { link, nonce: nonce() } });
  },
  refuseSilenceLink: (error, text) => {
    get().setPane('Alerts');
    set({ silenceRequest: { error, ...(text ? { text } : {}), nonce: nonce() } });
  },
  dismissSilenceRequest: () => set({ silenceRequest: null }),
}));

// Browser mode: a silence link pasted into the address bar of an open console changes only the hash.
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    if (isSilenceRoute(location.hash)) useUiStore.getState().openSilenceLink(location.hash);
  });
}
// Electron: the host read an ops-console:// link with the same parseSilenceLink; checked again at this side.
onTopic('ui.openSilence', (payload) => {
  const event = readOpenSilenceEvent(payload);
  if (event.ok) useUiStore.getState().openSilence(event.link);
  else useUiStore.getState().refuseSilenceLink(event.error, event.text);
});
