import type { AlertView, SilenceMatcher } from '../../../../preload/contract';
import { safeExternalUrl } from '../../../../main/core/safe-url';
import { compileFilter, parseFilter, type ParsedFilter } from '../../../../main/alerts/alert-filter';
import { compareAlerts, compareGroups, InboxRowList, lowerBound, samePlace, severityRank, SortedGrouper, uiState, updateSorted, type AlertGroup, type AlertUiState } from '../../../../main/alerts/alert-order';

export interface InboxView {
  rows: InboxRowList;
  groups: AlertGroup[];
  /** Alerts per state before the state toggles (after the text filter), for the toggle counts. */
  stateCounts: Record<AlertUiState, number>;
  shown: number;
  total: number;
  /** Alerts (all, before filter and toggles) that started after `markSince`. */
  newCount: number;
}

const startCache = new WeakMap<AlertView, number>();

/** Date.parse(startsAt), once per alert object (alert objects are replaced, never changed, on updates). */
export function startMs(a: AlertView): number {
  let t = startCache.get(a);
  if (t === undefined) {
    t = Date.parse(a.startsAt);
    startCache.set(a, t);
  }
  return t;
}

/**
 * One pass over the alerts in inbox order (the store keeps them sorted incrementally): filter, state
 * counts, "new" count and grouping, without sorting 50,000 alerts again. A Map is sorted first (tests).
 */
export function computeInbox(
  alerts: readonly AlertView[] | ReadonlyMap<string, AlertView>,
  filter: ParsedFilter,
  states: ReadonlySet<AlertUiState>,
  groupBy: string | null,
  collapsed: ReadonlySet<string>,
  markSince = Number.POSITIVE_INFINITY,
): InboxView {
  const sorted = Array.isArray(alerts) ? (alerts as readonly AlertView[]) : [...(alerts as ReadonlyMap<string, AlertView>).values()].sort(compareAlerts);
  const tally = new InboxTally(filter, states, markSince, { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 }, 0, 0);
  const grouper = new SortedGrouper(groupBy);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    const st = tally.count(a, 1);
    if (st !== null) grouper.add(a, st);
  }
  const groups = grouper.result();
  return { rows: new InboxRowList(groups, collapsed), groups, stateCounts: tally.stateCounts, shown: tally.shown, total: sorted.length, newCount: tally.newCount };
}

/**
 * What both passes over alerts count: "new" (started after the mark), per-state counts of what the filter
 * matches, and how many the state toggles let through. `count` adds an alert (+1) or takes it back (-1) and
 * returns its state when the inbox shows it, or null.
 */
class InboxTally {
  private readonly match: ((a: AlertView) => boolean) | null;
  private readonly countNew: boolean;

  constructor(
    filter: ParsedFilter,
    private readonly states: ReadonlySet<AlertUiState>,
    private readonly markSince: number,
    readonly stateCounts: Record<AlertUiState, number>,
    public shown: number,
    public newCount: number,
  ) {
    this.match = filter.matchers.length === 0 && filter.text.length === 0 ? null : compileFilter(filter);
    this.countNew = Number.isFinite(markSince);
  }

  count(a: AlertView, sign: 1 | -1): AlertUiState | null {
    if (this.countNew && startMs(a) > this.markSince) this.newCount += sign;
    if (this.match && !this.match(a)) return null;
    const st = uiState(a);
    this.stateCounts[st] += sign;
    if (!this.states.has(st)) return null;
    this.shown += sign;
    return st;
  }
}

/**
 * The inbox after a diff, from the inbox before it (same filter, toggles, grouping, folds and mark), without
 * a pass over all alerts: counts are adjusted by what left (`gone`, objects of the previous list) and what
 * came (`added`), and only the groups those touch are rebuilt (new objects; untouched groups keep their
 * identity, so their rows do not render again). Same result as computeInbox over the new list.
 */
export function updateInbox(
  prev: InboxView,
  gone: readonly AlertView[],
  added: readonly AlertView[],
  filter: ParsedFilter,
  states: ReadonlySet<AlertUiState>,
  groupBy: string | null,
  collapsed: ReadonlySet<string>,
  markSince = Number.POSITIVE_INFINITY,
  inPlace = false,
): InboxView {
  // Counts carried on from prev; a fresh tally for the general path (a refused in-place pass has counted into its own).
  const tallyFromPrev = (): InboxTally => new InboxTally(filter, states, markSince, { ...prev.stateCounts }, prev.shown, prev.newCount);
  if (inPlace) {
    const next = replaceInInbox(prev, gone, added, tallyFromPrev(), groupBy, collapsed);
    if (next) return next;
  }
  const tally = tallyFromPrev();
  const touched = new Map<string, { out: AlertView[]; in: AlertView[] }>();
  const visit = (a: AlertView, sign: 1 | -1) => {
    if (tally.count(a, sign) === null) return;
    const value = groupBy ? (a.labels[groupBy] ?? '') : '';
    let t = touched.get(value);
    if (!t) {
      t = { out: [], in: [] };
      touched.set(value, t);
    }
    (sign < 0 ? t.out : t.in).push(a);
  };
  for (const a of gone) visit(a, -1);
  for (const a of added) visit(a, 1);
  const { stateCounts, shown, newCount } = tally;
  if (touched.size === 0) return { ...prev, stateCounts, shown, newCount, total: prev.total - gone.length + added.length };

  let reorder = false;
  const groups: AlertGroup[] = [];
  const seen = new Set<string>();
  for (const g of prev.groups) {
    const t = touched.get(g.value);
    if (!t) {
      groups.push(g);
      continue;
    }
    seen.add(g.value);
    const alerts = updateSorted(g.alerts, t.out, t.in);
    if (alerts.length === 0) continue;
    const counts = { ...g.counts };
    for (const a of t.out) counts[uiState(a)] -= 1;
    for (const a of t.in) counts[uiState(a)] += 1;
    const worstRank = severityRank(alerts[0]!.labels.severity);
    if (worstRank !== g.worstRank) reorder = true;
    groups.push({ ...g, alerts, counts, worstRank });
  }
  for (const [value, t] of touched) {
    if (seen.has(value) || t.in.length === 0) continue;
    const alerts = [...t.in].sort(compareAlerts);
    const counts: Record<AlertUiState, number> = { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 };
    for (const a of alerts) counts[uiState(a)] += 1;
    groups.push({ key: groupBy ? `${groupBy}=${value}` : '', label: groupBy ?? '', value, alerts, worstRank: severityRank(alerts[0]!.labels.severity), counts });
    reorder = true;
  }
  if (reorder) groups.sort(compareGroups);
  return { rows: new InboxRowList(groups, collapsed), groups, stateCounts, shown, total: prev.total - gone.length + added.length, newCount };
}

/**
 * updateInbox for a change that only replaced alerts at their places (`gone[i]` by `added[i]`: same
 * fingerprint, so the same labels and group, same severity and start, so the same place and the same "new"
 * mark). An alert shown before and after is written over in its group's list (the list of the previous
 * inbox, which the caller gives up), so nothing is copied; a group whose state counts change is a new object
 * (its header renders again), the others keep their identity, and with no group changed the rows are the
 * previous ones. Null when an alert is shown before and not after or the other way round (a silence or a
 * filter match came or went): then the general path rebuilds the touched groups.
 */
function replaceInInbox(
  prev: InboxView,
  gone: readonly AlertView[],
  added: readonly AlertView[],
  tally: InboxTally,
  groupBy: string | null,
  collapsed: ReadonlySet<string>,
): InboxView | null {
  if (gone.length !== added.length) return null;
  const writes: { at: AlertView; by: AlertView; from: AlertUiState; to: AlertUiState }[] = [];
  for (let k = 0; k < gone.length; k++) {
    const g = gone[k]!;
    const a = added[k]!;
    if (!samePlace(g, a)) return null;
    // Taken out and counted again: same start, so "new" comes out as it was; so does `shown` (same membership).
    const from = tally.count(g, -1);
    const to = tally.count(a, 1);
    if ((from === null) !== (to === null)) return null;
    if (from !== null && to !== null) writes.push({ at: g, by: a, from, to });
  }
  // Every place is found first, so that a surprise leaves prev as it was.
  const byValue = new Map<string, number>();
  prev.groups.forEach((g, i) => byValue.set(g.value, i));
  const places: number[] = [];
  for (const w of writes) {
    const gi = byValue.get(groupBy ? (w.at.labels[groupBy] ?? '') : '');
    if (gi === undefined) return null;
    const list = prev.groups[gi]!.alerts;
    const i = lowerBound(list, w.at);
    if (list[i] !== w.at) return null;
    places.push(gi, i);
  }
  let groups = prev.groups;
  for (let k = 0; k < writes.length; k++) {
    const w = writes[k]!;
    const gi = places[2 * k]!;
    const g = groups[gi]!;
    g.alerts[places[2 * k + 1]!] = w.by;
    if (w.from === w.to) continue;
    if (groups === prev.groups) groups = [...prev.groups];
    const counts = { ...g.counts };
    counts[w.from] -= 1;
    counts[w.to] += 1;
    groups[gi] = { ...g, counts };
  }
  const rows = groups === prev.groups ? prev.rows : new InboxRowList(groups, collapsed);
  return { rows, groups, stateCounts: tally.stateCounts, shown: tally.shown, total: prev.total, newCount: tally.newCount };
}

export { parseFilter };

/** Matchers for a silence editor opened on one alert (all labels) or a group (labels shared by all). */
export function prefillMatchers(alerts: AlertView[]): SilenceMatcher[] {
  const first = alerts[0];
  if (!first) return [];
  return Object.keys(first.labels)
    .sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)))
    .filter((k) => alerts.every((a) => a.labels[k] === first.labels[k]))
    .map((name) => ({ name, value: first.labels[name]!, isRegex: false, isEqual: true }));
}

/** Label names present in the alerts, for the group-by menu (capped so 50,000 alerts stay cheap). */
export function labelNames(alerts: Iterable<AlertView> | ReadonlyMap<string, AlertView>, limit = 2000): string[] {
  const names = new Set<string>();
  let i = 0;
  const list: Iterable<AlertView> = isMap(alerts) ? alerts.values() : alerts;
  for (const a of list) {
    for (const k of Object.keys(a.labels)) names.add(k);
    if (++i >= limit) break;
  }
  return [...names].sort();
}

function isMap(v: Iterable<AlertView> | ReadonlyMap<string, AlertView>): v is ReadonlyMap<string, AlertView> {
  return typeof (v as ReadonlyMap<string, AlertView>).get === 'function';
}

export const safeHttpUrl = safeExternalUrl;
