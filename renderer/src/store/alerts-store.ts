import { create } from 'zustand';
import type { AlertView, AlertsUpdate } from '../../../preload/contract';
import { onTopic } from './event-router';

interface AlertsState {
  environment: string | null;
  seq: number;
  /** Keyed by fingerprint; replaced (not mutated) on each update so selectors see the change. */
  byFingerprint: Map<string, AlertView>;
  /** Set when a diff arrives out of order: the app asks the core for a fresh snapshot. */
  needsResync: boolean;
}

export const useAlertsStore = create<AlertsState>(() => ({ environment: null, seq: 0, byFingerprint: new Map(), needsResync: false }));

export function applyAlertsUpdate(state: AlertsState, update: AlertsUpdate): Partial<AlertsState> {
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
