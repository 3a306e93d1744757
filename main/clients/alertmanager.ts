import { z } from 'zod';
import type { HttpClient } from './http';
import { isPlainObject, isStringArray, isStringRecord, parseFast, parseWith } from './parse';
import { SourceError } from './source-error';
import { formatZodError } from '../core/validation';
import { EMPTY_LIST, SharedValues, receiversKey } from '../core/shared-values';

const labelSet = z.record(z.string(), z.string());
export const gettableAlertSchema = z.object({
  labels: labelSet,
  annotations: labelSet.default({}),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  fingerprint: z.string().min(1),
  startsAt: z.string(),
  updatedAt: z.string().default(''),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  status: z.object({
    state: z.enum(['unprocessed', 'active', 'suppressed']),
    silencedBy: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
    inhibitedBy: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
    mutedBy: z.array(z.string()).nullable().optional(),
  }),
});
export type GettableAlert = z.infer<typeof gettableAlertSchema>;

export const matcherSchema = z.object({
  name: z.string().min(1),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof matcherSchema>;

export const gettableSilenceSchema = z.object({
  id: z.string(),
  matchers: z.array(matcherSchema),
  startsAt: z.string(),
  endsAt: z.string(),
  updatedAt: z.string().default(''),
  createdBy: z.string(),
  comment: z.string(),
  status: z.object({ state: z.enum(['expired', 'active', 'pending']) }),
});
export type GettableSilence = z.infer<typeof gettableSilenceSchema>;

const statusSchema = z.object({
  cluster: z.object({
    name: z.string().optional(),
    status: z.string(),
    peers: z.array(z.object({ name: z.string(), address: z.string() })).nullable().optional(),
  }),
  versionInfo: z.record(z.string(), z.string()).optional(),
  uptime: z.string().optional(),
});
export type AlertmanagerStatus = z.infer<typeof statusSchema>;

export interface PostableSilence {
  id?: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

const gettableAlertsSchema = z.array(gettableAlertSchema);
const WHAT = 'Alertmanager alerts answer';

export function parseAlerts(raw: unknown): GettableAlert[] {
  // 50,000 alerts through zod cost 0.2–0.4 s and a full copy; the common well-formed answer is checked by
  // hand (same output), and zod runs only when that check fails, to name the field that is wrong.
  return parseFast(fastAlerts, gettableAlertsSchema, raw, WHAT);
}

/** One element of the alert list (the `index`-th), validated; a bad one is a 'parse' error naming `[index].field`. */
export function parseAlertAt(raw: unknown, index: number): GettableAlert {
  const quick = fastAlert(raw);
  if (quick) return quick;
  const res = gettableAlertSchema.safeParse(raw);
  if (res.success) return res.data;
  const issues = res.error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] }));
  throw new SourceError('parse', `unexpected ${WHAT}: ${formatZodError(new z.ZodError(issues), 3)}`);
}

const ALERT_STATES = new Set(['unprocessed', 'active', 'suppressed']);
const optString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const listOrNull = (v: unknown): v is string[] | null | undefined => v === undefined || v === null || isStringArray(v);

/** The schema's output for a well-formed alert list, or undefined (then the schema decides). */
function fastAlerts(raw: unknown): GettableAlert[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: GettableAlert[] = new Array<GettableAlert>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const a = fastAlert(raw[i]);
    if (!a) return undefined;
    out[i] = a;
  }
  return out;
}

// An alert kept from a cold poll of 50,000 holds shared lists, not 50,000 empty arrays and 50,000 copies of
// [{ name: "default" }].
const receiverLists = new SharedValues<{ name: string }[]>();
function receiverList(receivers: { name: string }[]): { name: string }[] {
  if (receivers.length === 0) return EMPTY_LIST;
  return receiverLists.get(receiversKey(receivers), () => receivers.map((r) => Object.freeze({ name: r.name })));
}

/** The schema's output for one well-formed alert, or undefined (then the schema decides). */
function fastAlert(a: unknown): GettableAlert | undefined {
  if (!isPlainObject(a)) return undefined;
  const { labels, annotations, receivers, fingerprint, startsAt, updatedAt, endsAt, generatorURL, status } = a;
  if (!isStringRecord(labels) || !(annotations === undefined || isStringRecord(annotations))) return undefined;
  if (typeof fingerprint !== 'string' || fingerprint.length === 0 || typeof startsAt !== 'string') return undefined;
  if (!optString(updatedAt) || !optString(endsAt) || !optString(generatorURL)) return undefined;
  if (!isPlainObject(status) || typeof status.state !== 'string' || !ALERT_STATES.has(status.state)) return undefined;
  const { silencedBy, inhibitedBy, mutedBy } = status;
  if (!listOrNull(silencedBy) || !listOrNull(inhibitedBy) || !listOrNull(mutedBy)) return undefined;
  let recv: { name: string }[] = EMPTY_LIST;
  if (receivers !== undefined) {
    if (!Array.isArray(receivers)) return undefined;
    for (let j = 0; j < receivers.length; j++) {
      const r: unknown = receivers[j];
      if (!isPlainObject(r) || typeof r.name !== 'string') return undefined;
    }
    recv = receiverList(receivers as { name: string }[]);
  }
  const st: GettableAlert['status'] = { state: status.state as GettableAlert['status']['state'], silencedBy: silencedBy?.length ? silencedBy : EMPTY_LIST, inhibitedBy: inhibitedBy?.length ? inhibitedBy : EMPTY_LIST };
  if ('mutedBy' in status) st.mutedBy = mutedBy;
  return {
    labels,
    annotations: annotations ?? {},
    receivers: recv,
    fingerprint,
    startsAt,
    updatedAt: updatedAt ?? '',
    endsAt: endsAt ?? '',
    generatorURL: generatorURL ?? '',
    status: st,
  };
}

export function parseSilences(raw: unknown): GettableSilence[] {
  return parseWith(z.array(gettableSilenceSchema), raw, 'Alertmanager silences answer');
}

/** Alertmanager API v2. */
export class AlertmanagerClient {
  constructor(private readonly http: HttpClient) {}

  /**
   * The alert list, read as it streams in (Alertmanager's v2 API has no paging: at 50,000 alerts the answer
   * is 20 MB). `intern` sees each alert as soon as it is parsed, so a caller can swap in the objects it
   * already holds for an unchanged alert and let the fresh copy die young instead of surviving the poll.
   * `onBatch` gets each network chunk's alerts (after `intern`) as they arrive, before the answer is complete.
   */
  async alerts(
    opts: {
      filter?: string[];
      active?: boolean;
      silenced?: boolean;
      inhibited?: boolean;
      signal?: AbortSignal;
      intern?: (alert: GettableAlert) => GettableAlert;
      onBatch?: (alerts: GettableAlert[]) => void;
    } = {},
  ): Promise<GettableAlert[]> {
    const out: GettableAlert[] = [];
    const intern = opts.intern;
    const end = await this.http.jsonArray(
      {
        path: '/api/v2/alerts',
        query: {
          filter: opts.filter,
          active: opts.active === undefined ? undefined : String(opts.active),
          silenced: opts.silenced === undefined ? undefined : String(opts.silenced),
          inhibited: opts.inhibited === undefined ? undefined : String(opts.inhibited),
        },
        signal: opts.signal,
      },
      (items) => {
        const from = out.length;
        for (const raw of items) {
          const alert = parseAlertAt(raw, out.length);
          out.push(intern ? intern(alert) : alert);
        }
        if (opts.onBatch) opts.onBatch(out.slice(from));
      },
    );
    // Not an array at all: the schema names what it got.
    return end.kind === 'other' ? parseAlerts(end.value) : out;
  }

  async postAlerts(alerts: PostableAlert[], signal?: AbortSignal): Promise<void> {
    await this.http.ok({ method: 'POST', path: '/api/v2/alerts', body: alerts, signal });
  }

  async silences(opts: { filter?: string[]; signal?: AbortSignal } = {}): Promise<GettableSilence[]> {
    const raw = await this.http.json({ path: '/api/v2/silences', query: { filter: opts.filter }, signal: opts.signal });
    return parseSilences(raw);
  }

  /** Creates (or, with id, replaces) a silence; returns its id. */
  async postSilence(silence: PostableSilence, signal?: AbortSignal): Promise<string> {
    const raw = await this.http.json<{ silenceID?: string }>({ method: 'POST', path: '/api/v2/silences', body: silence, signal });
    return parseWith(z.object({ silenceID: z.string() }), raw, 'Alertmanager silence answer').silenceID;
  }

  async expireSilence(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.ok({ method: 'DELETE', path: `/api/v2/silence/${encodeURIComponent(id)}`, signal });
  }

  async status(signal?: AbortSignal): Promise<AlertmanagerStatus> {
    return parseWith(statusSchema, await this.http.json({ path: '/api/v2/status', signal }), 'Alertmanager status answer');
  }
}
