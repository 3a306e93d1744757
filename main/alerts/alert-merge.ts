import type { AlertView } from '../../preload/contract';
import type { GettableAlert } from '../clients/alertmanager';
import { sameAck } from './silence-logic';

/**
 * Merges the alerts of several Alertmanagers. Replicas of one HA cluster hold the same alert under the
 * same fingerprint (a hash of its label set), so one alert shows once, naming every Alertmanager that has it.
 */
export function mergeAlerts(perSource: { source: string; alerts: GettableAlert[] }[]): Map<string, AlertView> {
  return mergeAlertMaps(
    perSource.map(({ source, alerts }) => ({ source, byFingerprint: byFingerprint(alerts) })),
    new Map(),
  ).merged;
}

export function byFingerprint(alerts: GettableAlert[], into = new Map<string, GettableAlert>()): Map<string, GettableAlert> {
  for (const a of alerts) if (!into.has(a.fingerprint)) into.set(a.fingerprint, a);
  return into;
}

/** Which replicas' parsed alerts an AlertView was built from (in source order). */
export interface ViewOrigin {
  sources: string[];
  inputs: GettableAlert[];
}

/**
 * `mergeAlerts` that reuses: when every replica that holds an alert this poll holds the very object it
 * held when `prev`'s view was built (see `reuseUnchanged`), that view is kept and nothing is allocated for
 * it. At 50,000 alerts a fresh view per alert per poll was ~10 MB that lived through the poll's scavenges
 * and was promoted — the core's RSS grew by that much every poll until a full GC.
 */
export function mergeAlertMaps(
  perSource: { source: string; byFingerprint: Map<string, GettableAlert> }[],
  prev: Map<string, AlertView>,
  origins: WeakMap<AlertView, ViewOrigin> = new WeakMap(),
): { merged: Map<string, AlertView>; origins: WeakMap<AlertView, ViewOrigin> } {
  const merged = new Map<string, AlertView>();
  for (let i = 0; i < perSource.length; i++) {
    for (const fp of perSource[i]!.byFingerprint.keys()) {
      if (merged.has(fp)) continue; // built when an earlier replica had it
      const old = prev.get(fp);
      const origin = old && origins.get(old);
      if (old && origin && sameInputs(origin, perSource, i, fp)) {
        merged.set(fp, old);
        continue;
      }
      const built: ViewOrigin = { sources: [], inputs: [] };
      let view: AlertView | null = null;
      for (let j = i; j < perSource.length; j++) {
        const { source, byFingerprint: map } = perSource[j]!;
        const a = map.get(fp);
        if (!a) continue;
        built.sources.push(source);
        built.inputs.push(a);
        if (!view) view = fromGettable(a, [source]);
        else {
          if (!view.alertmanagers.includes(source)) view.alertmanagers.push(source);
          // The most recently updated replica's view wins for state.
          if (a.updatedAt > view.updatedAt) Object.assign(view, fromGettable(a, view.alertmanagers));
        }
      }
      origins.set(view!, built);
      merged.set(fp, view!);
    }
  }
  return { merged, origins };
}

/** Whether the replicas from `from` on that hold `fp` are exactly `origin`'s, with the same parsed objects. */
function sameInputs(origin: ViewOrigin, perSource: { source: string; byFingerprint: Map<string, GettableAlert> }[], from: number, fp: string): boolean {
  let k = 0;
  for (let j = from; j < perSource.length; j++) {
    const a = perSource[j]!.byFingerprint.get(fp);
    if (!a) continue;
    if (k >= origin.sources.length || origin.sources[k] !== perSource[j]!.source || origin.inputs[k] !== a) return false;
    k++;
  }
  return k === origin.sources.length;
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
    if (old === alert) continue;
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
