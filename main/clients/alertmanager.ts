import { z } from 'zod';
import type { HttpClient } from './http';
import { parseWith } from './parse';

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

export function parseAlerts(raw: unknown): GettableAlert[] {
  return parseWith(z.array(gettableAlertSchema), raw, 'Alertmanager alerts answer');
}
export function parseSilences(raw: unknown): GettableSilence[] {
  return parseWith(z.array(gettableSilenceSchema), raw, 'Alertmanager silences answer');
}

/** Alertmanager API v2. */
export class AlertmanagerClient {
  constructor(private readonly http: HttpClient) {}

  async alerts(opts: { filter?: string[]; active?: boolean; silenced?: boolean; inhibited?: boolean; signal?: AbortSignal } = {}): Promise<GettableAlert[]> {
    const raw = await this.http.json({
      path: '/api/v2/alerts',
      query: {
        filter: opts.filter,
        active: opts.active === undefined ? undefined : String(opts.active),
        silenced: opts.silenced === undefined ? undefined : String(opts.silenced),
        inhibited: opts.inhibited === undefined ? undefined : String(opts.inhibited),
      },
      signal: opts.signal,
    });
    return parseAlerts(raw);
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
