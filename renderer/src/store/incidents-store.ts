import { create } from 'zustand';
import type {
  EscalationLevelDef,
  ImportedIncidentReview,
  IncidentDetail,
  IncidentReminder,
  IncidentSummary,
  OpenedIncidentFile,
  StorageProblem,
  Template,
} from '../../../preload/contract';
import { getBridge } from '../bridge';
import { onTopic } from './event-router';
import { useUiStore } from './ui-store';

/** A read-only review of an exported file (opened here or by the host with --open). */
export interface ReviewState {
  fileName: string;
  review: ImportedIncidentReview | null;
  error: string | null;
}

interface IncidentsState {
  list: IncidentSummary[];
  details: Map<string, IncidentDetail>;
  reminders: IncidentReminder[];
  storage: StorageProblem[];
  selectedId: string | null;
  /** What the pane shows on the right: a live incident, or an opened export. */
  mode: 'live' | 'review';
  review: ReviewState | null;
  /** The last file that could not be opened (the open review, if any, stays as it was). */
  reviewError: { fileName: string; error: string } | null;
  templates: Template[];
  matrix: EscalationLevelDef[];
  /** The last host-opened file seen (so a reconnect's snapshot does not reopen it). */
  hostOpenedAt: number | null;
  select(id: string | null): void;
}

export const useIncidentsStore = create<IncidentsState>((set) => ({
  list: [],
  details: new Map(),
  reminders: [],
  storage: [],
  selectedId: null,
  mode: 'live',
  review: null,
  reviewError: null,
  templates: [],
  matrix: [],
  hostOpenedAt: null,
  select: (id) => {
    set({ selectedId: id, mode: 'live' });
    if (id) void loadDetail(id);
  },
}));

export async function loadDetail(id: string): Promise<void> {
  try {
    const d = await getBridge().invoke('incidents.get', { id });
    putDetail(d);
  } catch {
    // The list shows what exists; a vanished incident simply has no detail.
  }
}

function putDetail(d: IncidentDetail): void {
  useIncidentsStore.setState((s) => {
    const details = new Map(s.details);
    details.set(d.incident.id, d);
    return { details };
  });
}

export async function loadStatic(): Promise<void> {
  const b = getBridge();
  const [templates, matrix] = await Promise.all([b.invoke('incidents.templates.list', {}), b.invoke('incidents.escalationMatrix', {})]);
  useIncidentsStore.setState({ templates, matrix });
}

export async function reloadTemplates(): Promise<void> {
  useIncidentsStore.setState({ templates: await getBridge().invoke('incidents.templates.list', {}) });
}

/** Shows one incident in the Incidents pane (a reminder notification was clicked). */
export function openIncident(id: string): void {
  useUiStore.getState().setPane('Incidents');
  useIncidentsStore.getState().select(id);
}

export function showReview(r: ReviewState): void {
  if (r.review) useIncidentsStore.setState({ review: r, mode: 'review', reviewError: null });
  else useIncidentsStore.setState({ reviewError: { fileName: r.fileName, error: r.error ?? 'unreadable' } });
}

onTopic('incidents.list', (list) =>
  useIncidentsStore.setState((s) => {
    const selectedId = s.selectedId && list.some((i) => i.id === s.selectedId) ? s.selectedId : (list.find((i) => i.status !== 'resolved')?.id ?? list[0]?.id ?? null);
    if (selectedId && selectedId !== s.selectedId) void loadDetail(selectedId);
    return { list, selectedId };
  }),
);
onTopic('incidents.changed', (d) => putDetail(d));
onTopic('incidents.reminders', (reminders) => useIncidentsStore.setState({ reminders }));
onTopic('incidents.storage', (storage) => useIncidentsStore.setState({ storage }));
onTopic('incidents.escalationMatrix', (matrix) => useIncidentsStore.setState({ matrix }));
onTopic('incidents.review', (opened: OpenedIncidentFile | null) => {
  if (!opened || opened.at === useIncidentsStore.getState().hostOpenedAt) return;
  useIncidentsStore.setState({ hostOpenedAt: opened.at });
  showReview({ fileName: opened.fileName, review: opened.review, error: opened.error });
  useUiStore.getState().setPane('Incidents');
});
