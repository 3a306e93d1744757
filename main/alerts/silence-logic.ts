/**
 * Acknowledgements and silences, pure.
 * An acknowledgement is what karma and kthxbye expect: a short silence whose matchers are all of the alert's
 * labels (exact), whose comment starts with `ACK!`, created by the console's user name.
 */
import type { AckInfo, AlertView, SilenceMatcher, SilenceView } from '../../preload/contract';
import type { GettableSilence } from '../clients/alertmanager';
import { compileMatchers } from './alert-filter';

export const ACK_PREFIX = 'ACK!';

export function ackComment(user: string): string {
  return `${ACK_PREFIX} acknowledged in Ops Console by ${user}`;
}

export function isAckComment(comment: string): boolean {
  return comment.startsWith(ACK_PREFIX);
}

/** Every label of the alert as an exact matcher, sorted by name. */
export function ackMatchers(labels: Record<string, string>): SilenceMatcher[] {
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name]!, isRegex: false, isEqual: true }));
}

/** The same silence id on several replicas is one silence, naming every Alertmanager that holds it. */
export function mergeSilences(perSource: { source: string; silences: GettableSilence[] }[]): SilenceView[] {
  const byId = new Map<string, SilenceView>();
  for (const { source, silences } of perSource) {
    for (const s of silences) {
      const existing = byId.get(s.id);
      if (existing) {
        if (!existing.alertmanagers.includes(source)) existing.alertmanagers.push(source);
        if (s.updatedAt > existing.updatedAt) Object.assign(existing, toView(s, existing.alertmanagers));
        continue;
      }
      byId.set(s.id, toView(s, [source]));
    }
  }
  const order: Record<SilenceView['state'], number> = { active: 0, pending: 1, expired: 2 };
  return [...byId.values()].sort((a, b) => order[a.state] - order[b.state] || (a.endsAt < b.endsAt ? 1 : a.endsAt > b.endsAt ? -1 : a.id.localeCompare(b.id)));
}

function toView(s: GettableSilence, alertmanagers: string[]): SilenceView {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    updatedAt: s.updatedAt,
    createdBy: s.createdBy,
    comment: s.comment,
    state: s.status.state,
    isAck: isAckComment(s.comment),
    alertmanagers,
  };
}

/**
 * Acknowledgement of each alert: active ACK! silences that silence it (status.silencedBy) or whose matchers
 * match its labels (a fresh ACK before Alertmanager's next status update). Returns a new map of alerts
 * (or, `inPlace`, the same map) with `ack` set or cleared; untouched alerts keep their identity.
 */
export function applyAcks(
  alerts: Map<string, AlertView>,
  silences: SilenceView[],
  opts: { inPlace?: boolean; onReplace?: (before: AlertView, after: AlertView) => void } = {},
): Map<string, AlertView> {
  const inPlace = opts.inPlace ?? false;
  const acks = silences.filter((s) => s.isAck && s.state === 'active');
  const ackById = new Map(acks.map((s) => [s.id, s]));
  const compiled = acks.map((s) => {
    try {
      return { s, match: compileMatchers(s.matchers) };
    } catch {
      return { s, match: () => false };
    }
  });
  // Index ACK silences by their alertname matcher so 50,000 alerts do not each test every silence.
  const byAlertname = new Map<string, typeof compiled>();
  const general: typeof compiled = [];
  for (const c of compiled) {
    const an = c.s.matchers.find((m) => m.name === 'alertname' && m.isEqual && !m.isRegex);
    if (an) byAlertname.set(an.value, [...(byAlertname.get(an.value) ?? []), c]);
    else general.push(c);
  }
  // In place, a 50,000-entry map is not built again on every poll.
  const out = inPlace ? alerts : new Map<string, AlertView>();
  const none: typeof compiled = [];
  for (const [fp, a] of alerts) {
    // Allocates only for alerts an ACK covers: this runs over every alert on every poll.
    let found: Map<string, SilenceView> | null = null;
    if (ackById.size > 0) {
      for (const id of a.silencedBy) {
        const s = ackById.get(id);
        if (s) (found ??= new Map()).set(s.id, s);
      }
    }
    for (const list of [byAlertname.get(a.labels.alertname ?? '') ?? none, general]) {
      for (const c of list) if (!found?.has(c.s.id) && c.match(a.labels)) (found ??= new Map()).set(c.s.id, c.s);
    }
    const ack = found ? ackInfo([...found.values()]) : null;
    if (!sameAck(a.ack ?? null, ack)) {
      const acked = { ...a, ack };
      out.set(fp, acked);
      opts.onReplace?.(a, acked);
    } else if (!inPlace) out.set(fp, a);
  }
  return out;
}

function ackInfo(silences: SilenceView[]): AckInfo {
  const first = silences.reduce((x, y) => (Date.parse(y.startsAt) < Date.parse(x.startsAt) ? y : x));
  return {
    by: first.createdBy,
    at: Date.parse(first.startsAt),
    endsAt: Math.max(...silences.map((s) => Date.parse(s.endsAt))),
    silenceIds: silences.map((s) => s.id).sort(),
    comment: first.comment,
  };
}

export function sameAck(a: AckInfo | null, b: AckInfo | null): boolean {
  if (a === null || b === null) return a === b;
  return a.by === b.by && a.at === b.at && a.endsAt === b.endsAt && a.comment === b.comment && a.silenceIds.join() === b.silenceIds.join();
}

/**
 * Alertmanagers grouped into HA clusters: two Alertmanagers are one cluster when their /api/v2/status peer
 * lists share a peer name. An Alertmanager whose status is unknown or has clustering disabled is a
 * cluster of its own. Order follows the configuration.
 */
export function clustersFromStatus(names: string[], peersOf: Map<string, string[] | null>): { name: string; members: string[] }[] {
  const parent = new Map(names.map((n) => [n, n]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const owner = new Map<string, string>();
  for (const n of names) {
    for (const peer of peersOf.get(n) ?? []) {
      const o = owner.get(peer);
      if (o === undefined) owner.set(peer, n);
      else {
        const a = find(o);
        const b = find(n);
        if (a !== b) parent.set(b, a);
      }
    }
  }
  const clusters = new Map<string, string[]>();
  for (const n of names) {
    const r = find(n);
    clusters.set(r, [...(clusters.get(r) ?? []), n]);
  }
  return [...clusters.values()].map((members) => ({ name: members.join('+'), members }));
}

/** Matches a silence against current alerts, in inbox order, for the editor's live preview. */
export function previewMatches(alerts: Iterable<AlertView>, matchers: SilenceMatcher[]): AlertView[] {
  const match = compileMatchers(matchers);
  const out: AlertView[] = [];
  for (const a of alerts) if (match(a.labels)) out.push(a);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Extending a silence
// ---------------------------------------------------------------------------------------------

/** Units largest first: formatSilenceDuration writes them in this order. */
const UNIT_MS: Record<string, number> = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
/** The longest step one extension may take (Alertmanager has no limit; a year is a typo, not a silence). */
export const MAX_EXTENSION_MS = 365 * 86_400_000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** A duration in the syntax parseSilenceDuration reads ("2h30m"); whole seconds (less is dropped). */
export function formatSilenceDuration(ms: number): string {
  let rest = Math.floor(ms / 1000) * 1000;
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

/**
 * A duration as Alertmanager's UI and amtool take it: number-unit pairs, units w, d, h, m, s, e.g.
 * "90m", "2h30m", "1d", "1w 2d" (spaces and case ignored). Errors name what is wrong with the text.
 */
export function parseSilenceDuration(text: string): Parsed<number> {
  const raw = text.trim();
  if (raw === '') return { ok: false, error: 'Type a duration like 90m, 2h30m or 1d.' };
  const compact = raw.replace(/\s+/g, '').toLowerCase();
  const re = /(\d+(?:\.\d+)?)([a-z]*)/gy;
  let ms = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while (pos < compact.length && (m = re.exec(compact)) !== null) {
    const [, num, unit = ''] = m;
    if (unit === '') return { ok: false, error: `"${raw}": ${num} has no unit; use w, d, h, m or s (e.g. ${num}m).` };
    const size = UNIT_MS[unit];
    if (size === undefined) return { ok: false, error: `"${raw}": unknown unit "${unit}"; use w, d, h, m or s (e.g. 90m, 2h30m, 1d).` };
    ms += Number(num) * size;
    pos = re.lastIndex;
  }
  if (pos !== compact.length) return { ok: false, error: `"${raw}" is not a duration: write number-unit pairs like 90m, 2h30m or 1d.` };
  ms = Math.round(ms);
  if (ms < 60_000) return { ok: false, error: `"${raw}" is shorter than a minute; extend by at least 1m.` };
  if (ms > MAX_EXTENSION_MS) return { ok: false, error: `"${raw}" is longer than a year (${MAX_EXTENSION_MS / UNIT_MS.d!}d); extend by less.` };
  return { ok: true, value: ms };
}

/** Where an extension by `stepMs` ends: counted from the current end, or from now if that has passed. */
export function extendedEnd(currentEndMs: number, stepMs: number, nowMs: number): number {
  return Math.max(nowMs, Number.isFinite(currentEndMs) ? currentEndMs : nowMs) + stepMs;
}

/**
 * What the extend box takes: a duration added to the current end ("2h30m", "+1d") or an absolute end
 * ("2025-01-16 08:00", "2025-01-16T08:00", any ISO time; local time unless it names a zone).
 * Returns the new end (ms) or an error naming the problem.
 */
export function parseExtension(text: string, currentEndMs: number, nowMs: number): Parsed<number> {
  const raw = text.trim();
  if (raw === '') return { ok: false, error: 'Type a duration (90m, 2h30m, 1d) or an end time (2025-01-16 08:00).' };
  if (/^\d{4}-\d{2}-\d{2}/.test(raw)) {
    const at = Date.parse(raw.replace(' ', 'T'));
    if (Number.isNaN(at)) return { ok: false, error: `"${raw}" is not a date and time; write it as YYYY-MM-DD HH:MM.` };
    const problem = extensionProblem(currentEndMs, at, nowMs);
    return problem ? { ok: false, error: problem } : { ok: true, value: at };
  }
  const d = parseSilenceDuration(raw.replace(/^\+/, ''));
  if (!d.ok) return d;
  return { ok: true, value: extendedEnd(currentEndMs, d.value, nowMs) };
}

/**
 * Why a silence ending at `currentEndMs` cannot be extended to `newEndMs` at `nowMs`, or null if it can.
 * The core refuses what this refuses (an end in the past, or not after the current end: shortening a
 * silence is what Expire or a new silence is for).
 */
export function extensionProblem(currentEndMs: number, newEndMs: number, nowMs: number): string | null {
  if (!Number.isFinite(newEndMs)) return 'the new end is not a time';
  const when = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  if (newEndMs <= nowMs) return `the new end ${when(newEndMs)} is in the past (it is now ${when(nowMs)})`;
  if (Number.isFinite(currentEndMs) && newEndMs <= currentEndMs) {
    return `the new end ${when(newEndMs)} is not after the silence's current end ${when(currentEndMs)}; to end it sooner, expire it`;
  }
  return null;
}
