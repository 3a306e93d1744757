import type { AlertView } from '../../preload/contract';
import type { GettableAlert } from '../clients/alertmanager';
import { sameAck } from './silence-logic';

/**
 * Merges the alerts of several Alertmanagers. Replicas of one HA cluster hold the same alert under the
 * same fingerprint (a hash of its label set), so one alert shows once, naming every Alertmanager that has it.
 */
export function mergeAlerts(perSource: { source: string; alerts: GettableAlert[] }[]): Map<string, AlertView> {
  const merged = new Map<string, AlertView>();
  for (const { source, alerts } of perSource) {
    for (const a of alerts) {
      const existing = merged.get(a.fingerprint);
      if (existing) {
        if (!existing.alertmanagers.includes(source)) existing.alertmanagers.push(source);
        // The most recently updated replica's view wins for state.
        if (a.updatedAt > existing.updatedAt) Object.assign(existing, fromGettable(a, existing.alertmanagers));
        continue;
      }
      merged.set(a.fingerprint, fromGettable(a, [source]));
    }
  }
  return merged;
}

function fromGettable(a: GettableAlert, alertmanagers: string[]): AlertView {
  return {
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    updatedAt: a.updatedAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
    state: a.status.state,
    silencedBy: a.status.silencedBy,
    inhibitedBy: a.status.inhibitedBy,
    receivers: a.receivers.map((r) => r.name),
    alertmanagers,
  };
}

/**
 * What changed between two polls; `updatedAt` alone moving does not count as a change. With `reuse`, an
 * unchanged alert's entry in `next` is replaced by the object from `prev`, so the objects kept across polls
 * stay the same and each poll's fresh copies die young (less garbage promoted, flat memory under churn).
 */
export function diffAlerts(prev: Map<string, AlertView>, next: Map<string, AlertView>, reuse = false): { upserted: AlertView[]; removed: string[] } {
  const upserted: AlertView[] = [];
  const removed: string[] = [];
  for (const [fp, alert] of next) {
    const old = prev.get(fp);
    if (!old || !sameAlert(old, alert)) upserted.push(alert);
    else if (reuse && old !== alert) next.set(fp, old);
  }
  for (const fp of prev.keys()) if (!next.has(fp)) removed.push(fp);
  return { upserted, removed };
}

function sameAlert(a: AlertView, b: AlertView): boolean {
  return (
    a.state === b.state &&
    a.endsAt === b.endsAt &&
    a.startsAt === b.startsAt &&
    a.generatorURL === b.generatorURL &&
    sameAck(a.ack ?? null, b.ack ?? null) &&
    sameList(a.silencedBy, b.silencedBy) &&
    sameList(a.inhibitedBy, b.inhibitedBy) &&
    sameList(a.alertmanagers, b.alertmanagers) &&
    sameList(a.receivers, b.receivers) &&
    sameRecord(a.annotations, b.annotations) &&
    sameRecord(a.labels, b.labels)
  );
}

/**
 * `prev` when `next` (just parsed) says the same, so the fresh copy dies young instead of surviving the poll
 * (at 50,000 alerts, every poll's copies promoted to the old generation were most of the core's RSS growth).
 * Only `updatedAt` moving keeps the old labels and annotations in a new shell.
 */
export function reuseUnchanged(prev: GettableAlert | undefined, next: GettableAlert): GettableAlert {
  if (!prev || prev === next) return next;
  const ps = prev.status;
  const ns = next.status;
  const same =
    prev.fingerprint === next.fingerprint &&
    prev.startsAt === next.startsAt &&
    prev.endsAt === next.endsAt &&
    prev.generatorURL === next.generatorURL &&
    ps.state === ns.state &&
    sameList(ps.silencedBy, ns.silencedBy) &&
    sameList(ps.inhibitedBy, ns.inhibitedBy) &&
    sameOptionalList(ps.mutedBy, ns.mutedBy) &&
    prev.receivers.length === next.receivers.length &&
    prev.receivers.every((r, i) => r.name === next.receivers[i]!.name) &&
    sameRecord(prev.annotations, next.annotations) &&
    sameRecord(prev.labels, next.labels);
  if (!same) return next;
  return prev.updatedAt === next.updatedAt ? prev : { ...prev, updatedAt: next.updatedAt };
}

function sameOptionalList(a: string[] | null | undefined, b: string[] | null | undefined): boolean {
  return a === b || (!!a && !!b && sameList(a, b));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
