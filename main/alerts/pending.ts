/**
 * Pending alerts from Prometheus' own /api/v1/alerts (rule true, `for` not elapsed), with the time until they
 * fire taken from the rule's `for` in /api/v1/rules. Pure.
 */
import type { PendingAlertView } from '../../preload/contract';
import type { PendingAlert, RuleGroups } from '../clients/prometheus';

interface RuleInfo {
  labels: Record<string, string>;
  duration: number;
}

function rulesByName(groups: RuleGroups): Map<string, RuleInfo[]> {
  const out = new Map<string, RuleInfo[]>();
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.type !== 'alerting') continue;
      const raw = (r as Record<string, unknown>).labels;
      const labels: Record<string, string> = {};
      if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
      out.set(r.name, [...(out.get(r.name) ?? []), { labels, duration: r.duration ?? 0 }]);
    }
  }
  return out;
}

export function labelsKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

/** Merges the pending alerts of several Prometheus servers (the same labels from two HA Prometheus are one). */
export function pendingFromPrometheus(perSource: { source: string; alerts: PendingAlert[]; groups: RuleGroups }[]): PendingAlertView[] {
  const byKey = new Map<string, PendingAlertView>();
  for (const { source, alerts, groups } of perSource) {
    const rules = rulesByName(groups);
    for (const a of alerts) {
      if (a.state !== 'pending') continue;
      const key = labelsKey(a.labels);
      const existing = byKey.get(key);
      if (existing) {
        if (!existing.prometheus.includes(source)) existing.prometheus.push(source);
        continue;
      }
      const candidates = rules.get(a.labels.alertname ?? '') ?? [];
      const rule = candidates.find((r) => Object.entries(r.labels).every(([k, v]) => a.labels[k] === v)) ?? candidates[0];
      const activeAt = a.activeAt ? Date.parse(a.activeAt) : NaN;
      const active = Number.isFinite(activeAt) ? activeAt : null;
      const forSeconds = rule ? rule.duration : null;
      byKey.set(key, {
        id: key,
        labels: a.labels,
        annotations: a.annotations,
        activeAt: active,
        forSeconds,
        firesAt: active !== null && forSeconds !== null ? active + forSeconds * 1000 : null,
        value: a.value ?? null,
        prometheus: [source],
      });
    }
  }
  // Soonest to fire first.
  return [...byKey.values()].sort((x, y) => (x.firesAt ?? Infinity) - (y.firesAt ?? Infinity) || x.id.localeCompare(y.id));
}
