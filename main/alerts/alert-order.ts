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
  // The usual lower-case values without allocating (this runs in every comparison of 50,000-alert sorts).
  if (severity === 'critical') return 0;
  if (severity === 'warning') return 1;
  if (severity === 'info') return 2;
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

/**
 * The first index of `sorted` (compareAlerts order) whose alert is not before `a`. compareAlerts written out
 * with `a`'s severity rank read once (a warm poll runs this for every changed alert).
 */
export function lowerBound(sorted: readonly AlertView[], a: AlertView): number {
  const rank = severityRank(a.labels.severity);
  const start = a.startsAt;
  const fp = a.fingerprint;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = sorted[mid]!;
    const r = severityRank(m.labels.severity) - rank;
    const before = r !== 0 ? r < 0 : m.startsAt !== start ? m.startsAt > start : m.fingerprint < fp;
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The inbox order after a change, without re-sorting everything: `sorted` is in compareAlerts order,
 * `gone` are objects of `sorted` that leave (removed, or replaced by a new version in `added`). Binary
 * search finds each one's place, then one linear pass builds the new array: O(n + k log n) instead of
 * O(n log n) compares (the order is total, fingerprint last, so an object's place is exact).
 */
export function mergeSorted(sorted: readonly AlertView[], gone: readonly AlertView[], added: readonly AlertView[]): AlertView[] {
  if (added.length > sorted.length) {
    const leaving = new Set(gone);
    return [...added, ...sorted.filter((a) => !leaving.has(a))].sort(compareAlerts);
  }
  const drop: number[] = [];
  for (const g of gone) {
    const i = lowerBound(sorted, g);
    if (sorted[i] === g) drop.push(i);
  }
  drop.sort((x, y) => x - y);
  const add = [...added].sort(compareAlerts);
  const at = add.map((a) => lowerBound(sorted, a));
  // Runs between changes are copied in a tight loop into a preallocated array (no push growth).
  const n = sorted.length;
  const out = new Array<AlertView>(n + add.length);
  let k = 0;
  let i = 0;
  let r = 0;
  let j = 0;
  while (i < n) {
    const stop = Math.min(j < add.length ? at[j]! : n, r < drop.length ? drop[r]! : n);
    while (i < stop) out[k++] = sorted[i++]!;
    if (i >= n) break;
    while (j < add.length && at[j] === i) out[k++] = add[j++]!;
    if (r < drop.length && drop[r] === i) {
      while (r < drop.length && drop[r] === i) r++;
      i++;
    }
  }
  while (j < add.length) out[k++] = add[j++]!;
  out.length = k;
  return out;
}

/**
 * Groups alerts that are already in compareAlerts order (one pass; each group stays in that order, and its
 * first alert is its worst). Same result as groupAlerts, without sorting.
 */
export class SortedGrouper {
  private readonly groups = new Map<string, AlertGroup>();
  constructor(private readonly groupBy: string | null) {}

  add(a: AlertView, st: AlertUiState): void {
    const value = this.groupBy ? (a.labels[this.groupBy] ?? '') : '';
    let g = this.groups.get(value);
    if (!g) {
      const key = this.groupBy ? `${this.groupBy}=${value}` : '';
      g = { key, label: this.groupBy ?? '', value, alerts: [], worstRank: severityRank(a.labels.severity), counts: { active: 0, acknowledged: 0, silenced: 0, inhibited: 0 } };
      this.groups.set(value, g);
    }
    g.alerts.push(a);
    g.counts[st] += 1;
  }

  result(): AlertGroup[] {
    return [...this.groups.values()].sort(compareGroups);
  }
}

export function compareGroups(x: AlertGroup, y: AlertGroup): number {
  if (x.worstRank !== y.worstRank) return x.worstRank - y.worstRank;
  if ((x.value === '') !== (y.value === '')) return x.value === '' ? 1 : -1;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

/**
 * The rows of the virtual list without one object per alert: a header per group (when grouped) and its
 * alerts unless collapsed; `at(i)` makes the row the list draws. Same rows as inboxRows.
 */
export class InboxRowList {
  readonly length: number;
  /** Per group: index of its first row (the header, or its first alert when flat). */
  private readonly starts: number[] = [];

  constructor(
    readonly groups: AlertGroup[],
    private readonly collapsed: ReadonlySet<string>,
  ) {
    let n = 0;
    for (const g of groups) {
      this.starts.push(n);
      if (g.key !== '') n += 1;
      if (!collapsed.has(g.key)) n += g.alerts.length;
    }
    this.length = n;
  }

  at(i: number): InboxRow | undefined {
    if (i < 0 || i >= this.length) return undefined;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const g = this.groups[lo]!;
    const off = i - this.starts[lo]! - (g.key !== '' ? 1 : 0);
    if (off < 0) return { kind: 'group', group: g, collapsed: this.collapsed.has(g.key) };
    return { kind: 'alert', alert: g.alerts[off]!, group: g.key };
  }

  /** Row index of an alert, or -1 (hidden by a collapsed group, filtered out, or gone). */
  indexOfAlert(fingerprint: string): number {
    for (let k = 0; k < this.groups.length; k++) {
      const g = this.groups[k]!;
      if (this.collapsed.has(g.key)) continue;
      const j = g.alerts.findIndex((a) => a.fingerprint === fingerprint);
      if (j >= 0) return this.starts[k]! + (g.key !== '' ? 1 : 0) + j;
    }
    return -1;
  }

  toArray(): InboxRow[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i)!);
  }
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

/** `b` is a new version of `a` at the same place in the order: same fingerprint, severity and start. */
export function samePlace(a: AlertView, b: AlertView): boolean {
  return a.fingerprint === b.fingerprint && compareAlerts(a, b) === 0;
}

/**
 * `sorted` (compareAlerts order) after a change, as a new array: `gone` are objects of `sorted` that leave,
 * `added` the objects that come. Most changes of a warm poll are an alert replaced by a new version with the
 * same place in the order (same severity, start and fingerprint: a new annotation, a silence, an ack); those
 * are written over the old object at its place (binary search) in a copy of the array, with no merge and no
 * sort. What is left (alerts that came, went, or moved) goes through mergeSorted. Same result as
 * mergeSorted(sorted, gone, added).
 */
export function updateSorted(sorted: readonly AlertView[], gone: readonly AlertView[], added: readonly AlertView[]): AlertView[] {
  if (gone.length === 0 && added.length === 0) return sorted.slice();
  const goneByFp = new Map<string, AlertView>();
  for (const g of gone) goneByFp.set(g.fingerprint, g);
  const pairs: [AlertView, AlertView][] = [];
  const restAdded: AlertView[] = [];
  for (const a of added) {
    const g = goneByFp.get(a.fingerprint);
    if (g && samePlace(g, a)) {
      pairs.push([g, a]);
      goneByFp.delete(a.fingerprint);
    } else restAdded.push(a);
  }
  if (pairs.length === 0) return mergeSorted(sorted, gone, added);
  const restGone = goneByFp.size === gone.length ? gone : [...goneByFp.values()];
  const out = restGone.length === 0 && restAdded.length === 0 ? sorted.slice() : mergeSorted(sorted, restGone, restAdded);
  for (const [g, a] of pairs) {
    const i = lowerBound(out, g);
    if (out[i] === g) out[i] = a;
    else return mergeSorted(sorted, gone, added); // not in the list it was said to leave: the general path
  }
  return out;
}

/**
 * The change written into `sorted` itself when it is only alerts replaced by a new version at the same place
 * in the order (same fingerprint, compareAlerts 0: a new annotation, a silence, an ack) — what most warm polls
 * bring. Every place is found (binary search) before anything is written; returns false, with `sorted`
 * untouched, when any part of the change is something else (an alert came, went or moved): then use
 * updateSorted for a new list. No copy of the list and no allocation per alert.
 */
export function replaceInPlace(sorted: AlertView[], gone: readonly AlertView[], added: readonly AlertView[]): boolean {
  if (gone.length !== added.length) return false;
  if (gone.length === 0) return true;
  const at = new Array<number>(added.length);
  for (let k = 0; k < added.length; k++) {
    const a = added[k]!;
    const g = gone[k]!;
    // The store lists a replaced alert's old object at the same index of `gone` as the new one in `added`.
    if (!samePlace(g, a)) return false;
    const i = lowerBound(sorted, g);
    if (sorted[i] !== g) return false;
    at[k] = i;
  }
  for (let k = 0; k < added.length; k++) sorted[at[k]!] = added[k]!;
  return true;
}
