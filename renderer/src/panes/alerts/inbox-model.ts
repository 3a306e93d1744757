import type { AlertView, SilenceMatcher } from '../../../../preload/contract';
import { safeExternalUrl } from '../../../../main/core/safe-url';
import { compileFilter, parseFilter, type ParsedFilter } from '../../../../main/alerts/alert-filter';
import { groupAlerts, inboxRows, uiState, type AlertGroup, type AlertUiState, type InboxRow } from '../../../../main/alerts/alert-order';

export interface InboxView {
  rows: InboxRow[];
  groups: AlertGroup[];
  /** Alerts per state before the state toggles (after the text filter), for the toggle counts. */
  stateCounts: Record<AlertUiState, number>;
  shown: number;
  total: number;
}

export function computeInbox(alerts: Map<string, AlertView>, filter: ParsedFilter, states: ReadonlySet<AlertUiState>, groupBy: string | null, collapsed: ReadonlySet<string>): InboxView {
  const match = compileFilter(filter);
  const stateCounts: Record<AlertUiState, number> = { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 };
  const kept: AlertView[] = [];
  for (const a of alerts.values()) {
    if (!match(a)) continue;
    const st = uiState(a);
    stateCounts[st] += 1;
    if (states.has(st)) kept.push(a);
  }
  const groups = groupAlerts(kept, groupBy);
  return { rows: inboxRows(groups, collapsed), groups, stateCounts, shown: kept.length, total: alerts.size };
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
export function labelNames(alerts: Map<string, AlertView>, limit = 2000): string[] {
  const names = new Set<string>();
  let i = 0;
  for (const a of alerts.values()) {
    for (const k of Object.keys(a.labels)) names.add(k);
    if (++i >= limit) break;
  }
  return [...names].sort();
}

export const safeHttpUrl = safeExternalUrl;
