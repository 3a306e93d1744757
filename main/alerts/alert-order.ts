/**
 * Inbox order and grouping, pure and shared by core and renderer.
 * Order: severity (critical, warning, info, everything else), then newest first, then fingerprint, so the
 * order of alerts that are still there never changes across refreshes. Groups: worst severity first, then
 * the group's value alphabetically, so groups do not jump when an alert joins or leaves them.
 */
import type { AlertView } from '../../preload/contract';

export type AlertUiState = 'active' | 'acknowledged' | 'silenced' | 'inhibited';
export const UI_STATES: AlertUiState[] = ['active', 'acknowledged', 'silenced', 'inhibited'];

export function severityRank(severity: string | undefined): number {
  switch ((severity ?? '').toLowerCase()) {
    case 'critical':
      return 0;
    case 'warning':
      return 1;
    case 'info':
      return 2;
    default:
      return 3;
  }
}

/** The inbox's own state: acknowledged is apart from other silences. */
export function uiState(a: AlertView): AlertUiState {
  if (a.ack) return 'acknowledged';
  if (a.silencedBy.length > 0) return 'silenced';
  if (a.inhibitedBy.length > 0) return 'inhibited';
  return 'active';
}

export function compareAlerts(a: AlertView, b: AlertView): number {
  const r = severityRank(a.labels.severity) - severityRank(b.labels.severity);
  if (r !== 0) return r;
  if (a.startsAt !== b.startsAt) return a.startsAt < b.startsAt ? 1 : -1;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

export interface AlertGroup {
  /** `${groupBy}=${value}`, or '' for the flat list. */
  key: string;
  label: string;
  value: string;
  alerts: AlertView[];
  worstRank: number;
  counts: Record<AlertUiState, number>;
}

/** Groups by a label (missing label: value ''); `null` means one flat group. */
export function groupAlerts(alerts: Iterable<AlertView>, groupBy: string | null): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts) {
    const value = groupBy ? (a.labels[groupBy] ?? '') : '';
    const key = groupBy ? `${groupBy}=${value}` : '';
    let g = groups.get(key);
    if (!g) {
      g = { key, label: groupBy ?? '', value, alerts: [], worstRank: 9, counts: { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 } };
      groups.set(key, g);
    }
    g.alerts.push(a);
    g.worstRank = Math.min(g.worstRank, severityRank(a.labels.severity));
    g.counts[uiState(a)] += 1;
  }
  const list = [...groups.values()];
  for (const g of list) g.alerts.sort(compareAlerts);
  list.sort((x, y) => {
    if (x.worstRank !== y.worstRank) return x.worstRank - y.worstRank;
    // A missing value sorts last.
    if ((x.value === '') !== (y.value === '')) return x.value === '' ? 1 : -1;
    return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  });
  return list;
}

export type InboxRow = { kind: 'group'; group: AlertGroup; collapsed: boolean } | { kind: 'alert'; alert: AlertView; group: string };

/** The rows the virtual list draws: a header per group (when grouped) and its alerts unless collapsed. */
export function inboxRows(groups: AlertGroup[], collapsed: ReadonlySet<string>): InboxRow[] {
  const rows: InboxRow[] = [];
  for (const g of groups) {
    const isCollapsed = collapsed.has(g.key);
    if (g.key !== '') rows.push({ kind: 'group', group: g, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (const a of g.alerts) rows.push({ kind: 'alert', alert: a, group: g.key });
  }
  return rows;
}

/** An alert as plain text for a ticket or a chat. */
export function alertAsText(a: AlertView, now: number, silenceNote?: string): string {
  const lines: string[] = [];
  const name = a.labels.alertname ?? '(no alertname)';
  lines.push(`[${(a.labels.severity ?? 'none').toUpperCase()}] ${name}${a.labels.instance ? ` on ${a.labels.instance}` : ''}`);
  if (a.annotations.summary) lines.push(`Summary: ${a.annotations.summary}`);
  if (a.annotations.description) lines.push(`Description: ${a.annotations.description}`);
  lines.push(`State: ${uiState(a)}${a.ack ? ` by ${a.ack.by} at ${new Date(a.ack.at).toISOString()}` : ''}`);
  if (silenceNote) lines.push(silenceNote);
  const started = Date.parse(a.startsAt);
  lines.push(`Started: ${a.startsAt}${Number.isFinite(started) ? ` (${Math.max(0, Math.round((now - started) / 60_000))} min ago)` : ''}`);
  lines.push('Labels:');
  for (const k of Object.keys(a.labels).sort()) lines.push(`  ${k}=${a.labels[k]}`);
  const other = Object.keys(a.annotations).filter((k) => k !== 'summary' && k !== 'description').sort();
  if (other.length) {
    lines.push('Annotations:');
    for (const k of other) lines.push(`  ${k}: ${a.annotations[k]}`);
  }
  if (a.generatorURL) lines.push(`Source: ${a.generatorURL}`);
  lines.push(`Alertmanagers: ${a.alertmanagers.join(', ')}`);
  lines.push(`Fingerprint: ${a.fingerprint}`);
  return lines.join('\n');
}
