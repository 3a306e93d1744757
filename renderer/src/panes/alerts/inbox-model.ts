import type { AlertView, SilenceMatcher } from '../../../../preload/contract';
import { safeExternalUrl } from '../../../../main/core/safe-url';
import { compileFilter, parseFilter, type ParsedFilter } from '../../../../main/alerts/alert-filter';
import { compareAlerts, InboxRowList, SortedGrouper, uiState, type AlertGroup, type AlertUiState } from '../../../../main/alerts/alert-order';

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
  const match = filter.matchers.length === 0 && filter.text.length === 0 ? null : compileFilter(filter);
  const stateCounts: Record<AlertUiState, number> = { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 };
  const grouper = new SortedGrouper(groupBy);
  let shown = 0;
  let newCount = 0;
  const countNew = Number.isFinite(markSince);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    if (countNew && startMs(a) > markSince) newCount += 1;
    if (match && !match(a)) continue;
    const st = uiState(a);
    stateCounts[st] += 1;
    if (!states.has(st)) continue;
    grouper.add(a, st);
    shown += 1;
  }
  const groups = grouper.result();
  return { rows: new InboxRowList(groups, collapsed), groups, stateCounts, shown, total: sorted.length, newCount };
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
