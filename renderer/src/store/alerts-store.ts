import { create } from 'zustand';
import type { AlertView, AlertsUpdate, PendingAlertsState, SilencesState, SilenceView } from '../../../preload/contract';
import { onTopic } from './event-router';

interface AlertsState {
  environment: string | null;
  seq: number;
  /** Keyed by fingerprint; replaced (not mutated) on each update so selectors see the change. */
  byFingerprint: Map<string, AlertView>;
  /** Set when a diff arrives out of order: the app asks the core for a fresh snapshot. */
  needsResync: boolean;
  silences: SilencesState;
  silencesById: Map<string, SilenceView>;
  pending: PendingAlertsState;
}

const emptySilences: SilencesState = { environment: null, silences: [], user: 'ops-console', ackDurationMs: 15 * 60_000, clusters: [] };

export const useAlertsStore = create<AlertsState>(() => ({
  environment: null,
  seq: 0,
  byFingerprint: new Map(),
  needsResync: false,
  silences: emptySilences,
  silencesById: new Map(),
  pending: { environment: null, alerts: [], errors: [], updatedAt: null },
}));

export function applyAlertsUpdate(state: Pick<AlertsState, 'seq' | 'environment' | 'byFingerprint'>, update: AlertsUpdate): Partial<AlertsState> {
  if (update.kind === 'snapshot') {
    return { environment: update.environment, seq: update.seq, byFingerprint: new Map(update.alerts.map((a) => [a.fingerprint, a])), needsResync: false };
  }
  if (update.seq <= state.seq) return {};
  if (update.seq !== state.seq + 1 || update.environment !== state.environment) return { needsResync: true };
  const next = new Map(state.byFingerprint);
  for (const fp of update.removed) next.delete(fp);
  for (const a of update.upserted) next.set(a.fingerprint, a);
  return { seq: update.seq, byFingerprint: next };
}

onTopic('alerts.update', (update) => useAlertsStore.setState((s) => applyAlertsUpdate(s, update)));
onTopic('alerts.silences', (silences) => useAlertsStore.setState({ silences, silencesById: new Map(silences.silences.map((s) => [s.id, s])) }));
onTopic('alerts.pending', (pending) => useAlertsStore.setState({ pending }));

const LAST_LOOKED_KEY = 'ops-console.alerts.lastLooked.';

/** When the user last looked at the inbox of this environment (ms); alerts that started later are "new". */
export function readLastLooked(environment: string | null): number {
  if (typeof localStorage === 'undefined') return 0;
  const v = Number(localStorage.getItem(LAST_LOOKED_KEY + (environment ?? '')));
  return Number.isFinite(v) ? v : 0;
}

export function writeLastLooked(environment: string | null, at: number): void {
  if (typeof localStorage === 'undefined') return;
  localStorage.setItem(LAST_LOOKED_KEY + (environment ?? ''), String(at));
}
