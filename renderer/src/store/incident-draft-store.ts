/**
 * Hooks other panes call to hand something to the Incidents pane:
 *
 * - `declareFromAlerts(fingerprints)`: the Alerts pane's "Declare incident" — opens the declare
 *   dialog with those alerts ticked.
 * - `attachToIncident(evidence)`: the Logs pane ("Attach to incident", log lines from a search) and
 *   the server drill-down (a metric chart snapshot: its data points) — the Incidents pane asks which
 *   incident it goes to.
 */
import { create } from 'zustand';
import type { EvidenceInput } from '../../../preload/contract';
import { useUiStore } from './ui-store';

interface DraftState {
  /** Alerts to declare from; null when the declare dialog is not asked for. */
  declareAlerts: string[] | null;
  /** Evidence waiting for the user to pick its incident. */
  pendingEvidence: EvidenceInput | null;
  nonce: number;
}

export const useIncidentDraftStore = create<DraftState>(() => ({ declareAlerts: null, pendingEvidence: null, nonce: 0 }));

export function declareFromAlerts(fingerprints: string[]): void {
  useIncidentDraftStore.setState({ declareAlerts: [...fingerprints], nonce: Date.now() });
  useUiStore.getState().setPane('Incidents');
}

export function attachToIncident(evidence: EvidenceInput): void {
  useIncidentDraftStore.setState({ pendingEvidence: evidence, nonce: Date.now() });
  useUiStore.getState().setPane('Incidents');
}

export function clearDeclareDraft(): void {
  useIncidentDraftStore.setState({ declareAlerts: null });
}

export function clearPendingEvidence(): void {
  useIncidentDraftStore.setState({ pendingEvidence: null });
}
