import { create } from 'zustand';
import type { AlertView, AlertsUpdate, PendingAlertsState, SilencesState, SilenceView } from '../../../preload/contract';
import { compareAlerts, replaceInPlace, updateSorted } from '../../../main/alerts/alert-order';
import { onTopic } from './event-router';

/**
 * A read-only view of the alerts by fingerprint. The Map behind it is updated in place (copying 50,000
 * entries on every poll cost more than the update itself); each update hands out a new view object, so
 * selectors and memos still see a change.
 */
export class AlertMapView implements ReadonlyMap<string, AlertView> {
  constructor(readonly backing: Map<string, AlertView>) {}
  get size(): number {
    return this.backing.size;
  }
  get(key: string): AlertView | undefined {
    return this.backing.get(key);
  }
  has(key: string): boolean {
    return this.backing.has(key);
  }
  keys(): MapIterator<string> {
    return this.backing.keys();
  }
  values(): MapIterator<AlertView> {
    return this.backing.values();
  }
  entries(): MapIterator<[string, AlertView]> {
    return this.backing.entries();
  }
  forEach(fn: (value: AlertView, key: string, map: ReadonlyMap<string, AlertView>) => void): void {
    this.backing.forEach((v, k) => fn(v, k, this));
  }
  [Symbol.iterator](): MapIterator<[string, AlertView]> {
    return this.backing[Symbol.iterator]();
  }
}

export interface AlertsChange {
  /** `version` of the list the change was applied to (not the list itself: that would keep it alive). */
  fromVersion: number;
  gone: readonly AlertView[];
  added: readonly AlertView[];
  /**
   * The change only replaced alerts by new versions at their places (`gone[i]` by `added[i]`: same
   * fingerprint, so the same labels, at the same place in the order); `sorted` was written in place.
   */
  inPlace: boolean;
}

interface AlertsState {
  environment: string | null;
  seq: number;
  /** Keyed by fingerprint; a new view object on each update (see AlertMapView). */
  byFingerprint: ReadonlyMap<string, AlertView>;
  /**
   * Every alert in inbox order (compareAlerts), kept in order incrementally. An update that only replaces
   * alerts at their places (most warm polls) writes into this array (no 50,000-entry copy); any other change
   * makes a new array. Readers compare `version`, not the array.
   */
  sorted: readonly AlertView[];
  /** Changes with every update of `sorted` (a counter, unique within the page). */
  version: number;
  /**
   * What the last diff changed: `fromVersion` is the `version` of the `sorted` it was applied to, `gone` the
   * objects that left it, `added` the new ones. The inbox uses it to update only the groups touched (null
   * after a snapshot).
   */
  change: AlertsChange | null;
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
  byFingerprint: new AlertMapView(new Map()),
  sorted: [],
  version: 0,
  change: null,
  needsResync: false,
  silences: emptySilences,
  silencesById: new Map(),
  pending: { environment: null, alerts: [], errors: [], updatedAt: null },
}));

let versions = 0;

/**
 * Deletions since the Map was last compacted. V8 keeps a deleted entry's slot until the table is rehashed,
 * and rehashes into a table of twice the capacity unless half of it is deleted slots: with alerts resolving
 * and firing every poll, the 50,000-alert Map would double (and stay doubled) after ~15,000 deletions. Past a
 * quarter of its size the Map is rebuilt in place (same object: views handed out earlier stay current).
 */
const deletedSince = new WeakMap<Map<string, AlertView>, number>();

function noteDeleted(map: Map<string, AlertView>): void {
  const n = (deletedSince.get(map) ?? 0) + 1;
  if (n < 1024 || n < map.size / 4) {
    deletedSince.set(map, n);
    return;
  }
  const entries = [...map];
  map.clear();
  for (const [k, v] of entries) map.set(k, v);
  deletedSince.set(map, 0);
}

export function applyAlertsUpdate(
  state: Pick<AlertsState, 'seq' | 'environment' | 'byFingerprint'> & { sorted?: readonly AlertView[]; version?: number },
  update: AlertsUpdate,
): Partial<AlertsState> {
  if (update.kind === 'snapshot') {
    const map = new Map(update.alerts.map((a) => [a.fingerprint, a]));
    return { environment: update.environment, seq: update.seq, byFingerprint: new AlertMapView(map), sorted: [...map.values()].sort(compareAlerts), version: ++versions, change: null, needsResync: false };
  }
  if (update.seq <= state.seq) return {};
  if (update.seq !== state.seq + 1 || update.environment !== state.environment) return { needsResync: true };
  const map = state.byFingerprint instanceof AlertMapView ? state.byFingerprint.backing : new Map(state.byFingerprint);
  const sorted = state.sorted ?? [...map.values()].sort(compareAlerts);
  const gone: AlertView[] = [];
  for (const fp of update.removed) {
    const old = map.get(fp);
    if (old) gone.push(old);
    if (map.delete(fp)) noteDeleted(map);
  }
  const added: AlertView[] = [];
  for (const a of update.upserted) {
    const old = map.get(a.fingerprint);
    if (old) gone.push(old);
    map.set(a.fingerprint, a);
    added.push(a);
  }
  // The list is the store's own (from the snapshot or an earlier update): written in place when the change
  // is only alerts replaced at their places, else a new list.
  const inPlace = state.sorted !== undefined && replaceInPlace(state.sorted as AlertView[], gone, added);
  return {
    seq: update.seq,
    byFingerprint: new AlertMapView(map),
    sorted: inPlace ? sorted : updateSorted(sorted, gone, added),
    version: ++versions,
    change: state.sorted && state.version !== undefined ? { fromVersion: state.version, gone, added, inPlace } : null,
  };
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
