import type { AlertView } from '../../preload/contract';
import type { GettableAlert } from '../clients/alertmanager';
import { sameAck } from './silence-logic';
import { EMPTY_LIST, SharedValues, receiversKey } from '../core/shared-values';
import { sameList, sameRecord } from '../core/shallow-equal';

/**
 * Merges the alerts of several Alertmanagers. Replicas of one HA cluster hold the same alert under the
 * same fingerprint (a hash of its label set), so one alert shows once, naming every Alertmanager that has it.
 */
export function mergeAlerts(perSource: { source: string; alerts: GettableAlert[] }[]): Map<string, AlertView> {
  return mergeAlertMaps(
    perSource.map(({ source, alerts }) => ({ source, byFingerprint: byFingerprint(alerts) })),
    new Map(),
  );
}

export function byFingerprint(alerts: GettableAlert[], into = new Map<string, GettableAlert>()): Map<string, GettableAlert> {
  for (const a of alerts) if (!into.has(a.fingerprint)) into.set(a.fingerprint, a);
  return into;
}

/**
 * What an AlertView was built from: the one parsed alert when a single Alertmanager held it (the common
 * case, so nothing more is allocated), or every replica's, in source order.
 */
export type ViewOrigin = GettableAlert | { sources: readonly string[]; inputs: readonly GettableAlert[] };

type PerSource = { source: string; byFingerprint: Map<string, GettableAlert> }[];

/**
 * `mergeAlerts` that reuses: when every replica that holds an alert this poll holds the very object it
 * held when `prev`'s view was built (see `reuseUnchanged`), that view is kept and nothing is allocated for
 * it. At 50,000 alerts a fresh view per alert per poll was ~10 MB that lived through the poll's scavenges
 * and was promoted — the core's RSS grew by that much every poll until a full GC.
 */
export function mergeAlertMaps(perSource: PerSource, prev: Map<string, AlertView>, origins: WeakMap<AlertView, ViewOrigin> = new WeakMap()): Map<string, AlertView> {
  const merged = new Map<string, AlertView>();
  for (let i = 0; i < perSource.length; i++) {
    for (const [fp, first] of perSource[i]!.byFingerprint) {
      if (merged.has(fp)) continue; // built when an earlier replica had it
      const old = prev.get(fp);
      const origin = old && origins.get(old);
      if (old && origin && sameInputs(origin, perSource, i, fp, first)) {
        merged.set(fp, old);
        continue;
      }
      const sources: string[] = [];
      const inputs: GettableAlert[] = [];
      for (let j = i; j < perSource.length; j++) {
        const a = perSource[j]!.byFingerprint.get(fp);
        if (!a || sources.includes(perSource[j]!.source)) continue;
        sources.push(perSource[j]!.source);
        inputs.push(a);
      }
      // The most recently updated replica's view wins for state (the first on a tie).
      let winner = first;
      for (const a of inputs) if (a.updatedAt > winner.updatedAt) winner = a;
      const view = fromGettable(winner, sources.length === 1 ? single(sources[0]!) : sources);
      origins.set(view, inputs.length === 1 ? first : { sources, inputs });
      merged.set(fp, view);
    }
  }
  return merged;
}

/** The view of one Alertmanager's alert alone (what a first load shows before the other replicas answer). */
export function singleSourceView(a: GettableAlert, source: string): AlertView {
  return fromGettable(a, single(source));
}

/** Whether the replicas from `from` on that hold `fp` are exactly `origin`'s, with the same parsed objects. */
function sameInputs(origin: ViewOrigin, perSource: PerSource, from: number, fp: string, first: GettableAlert): boolean {
  if (!('sources' in origin)) {
    if (origin !== first) return false;
    for (let j = from + 1; j < perSource.length; j++) if (perSource[j]!.byFingerprint.has(fp)) return false;
    return true;
  }
  let k = 0;
  for (let j = from; j < perSource.length; j++) {
    const a = perSource[j]!.byFingerprint.get(fp);
    if (!a) continue;
    if (k >= origin.sources.length || origin.sources[k] !== perSource[j]!.source || origin.inputs[k] !== a) return false;
    k++;
  }
  return k === origin.sources.length;
}

/** One shared `[source]` per Alertmanager name. */
const singles = new SharedValues<string[]>();
function single(source: string): string[] {
  return singles.get(source, () => [source]);
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
    receivers: receiverNames(a.receivers),
    alertmanagers,
  };
}

/**
 * What changed between two polls; `updatedAt` alone moving does not count as a change. With `reuse`, an
 * unchanged alert's entry in `next` is replaced by the object from `prev`, so the objects kept across polls
 * stay the same and each poll's fresh copies die young (less garbage promoted, flat memory under churn).
 */
export function diffAlerts(
  prev: Map<string, AlertView>,
  next: Map<string, AlertView>,
  reuse = false,
  onKeep?: (kept: AlertView, fresh: AlertView) => void,
): { upserted: AlertView[]; removed: string[] } {
  const upserted: AlertView[] = [];
  const removed: string[] = [];
  for (const [fp, alert] of next) {
    const old = prev.get(fp);
    if (old === alert) continue;
    if (!old || !sameAlert(old, alert)) upserted.push(alert);
    else if (reuse) {
      next.set(fp, old);
      onKeep?.(old, alert);
    }
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


/** Receiver name lists are shared: a few distinct lists serve 50,000 alerts. */
const nameLists = new SharedValues<string[]>();
function receiverNames(receivers: { name: string }[]): string[] {
  if (receivers.length === 0) return EMPTY_LIST;
  return nameLists.get(receiversKey(receivers), () => receivers.map((r) => r.name));
}
