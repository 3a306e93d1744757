import { z } from 'zod';
import type { HttpClient } from './http';
import { parseWith } from './parse';

const sampleValue = z.tuple([z.number(), z.string()]);
const vectorSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
  }),
});
const matrixSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) })),
  }),
});
const rulesAlertsSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    alerts: z.array(
      z.object({
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        state: z.enum(['pending', 'firing', 'inactive']),
        activeAt: z.string().optional(),
        value: z.string().optional(),
      }),
    ),
  }),
});
const rulesSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        rules: z.array(z.object({ name: z.string(), type: z.string(), duration: z.number().optional(), query: z.string().optional() }).passthrough()),
      }),
    ),
  }),
});

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}
export interface MatrixSeries {
  metric: Record<string, string>;
  points: [number, number][];
}
export type PendingAlert = z.infer<typeof rulesAlertsSchema>['data']['alerts'][number];
export type RuleGroups = z.infer<typeof rulesSchema>['data']['groups'];

const toNumber = (s: string): number => (s === 'NaN' ? NaN : Number(s));

export function parseVector(raw: unknown): VectorSample[] {
  return parseWith(vectorSchema, raw, 'Prometheus vector answer').data.result.map((r) => ({ metric: r.metric, value: toNumber(r.value[1]) }));
}
export function parseMatrix(raw: unknown): MatrixSeries[] {
  return parseWith(matrixSchema, raw, 'Prometheus matrix answer').data.result.map((r) => ({
    metric: r.metric,
    points: r.values.map(([t, v]) => [t, toNumber(v)] as [number, number]),
  }));
}

/** Prometheus (and Thanos Query, Mimir, VictoriaMetrics: same HTTP API) over one connection. */
export class PrometheusClient {
  constructor(private readonly http: HttpClient) {}

  /** Instant query, sent as a form POST so long PromQL does not hit URL limits. */
  async query(promql: string, opts: { time?: number; signal?: AbortSignal } = {}): Promise<VectorSample[]> {
    const form = new URLSearchParams({ query: promql });
    if (opts.time !== undefined) form.set('time', String(opts.time));
    const raw = await this.http.json({ method: 'POST', path: '/api/v1/query', rawBody: form.toString(), contentType: 'application/x-www-form-urlencoded', signal: opts.signal });
    return parseVector(raw);
  }

  async queryRange(promql: string, startSec: number, endSec: number, stepSec: number, opts: { signal?: AbortSignal } = {}): Promise<MatrixSeries[]> {
    const form = new URLSearchParams({ query: promql, start: String(startSec), end: String(endSec), step: String(stepSec) });
    const raw = await this.http.json({ method: 'POST', path: '/api/v1/query_range', rawBody: form.toString(), contentType: 'application/x-www-form-urlencoded', signal: opts.signal });
    return parseMatrix(raw);
  }

  /** Alerts of alerting rules, including pending ones whose `for` has not elapsed. */
  async ruleAlerts(opts: { signal?: AbortSignal } = {}): Promise<PendingAlert[]> {
    const raw = await this.http.json({ path: '/api/v1/alerts', signal: opts.signal });
    return parseWith(rulesAlertsSchema, raw, 'Prometheus alerts answer').data.alerts;
  }

  async rules(opts: { signal?: AbortSignal } = {}): Promise<RuleGroups> {
    const raw = await this.http.json({ path: '/api/v1/rules', query: { type: 'alert' }, signal: opts.signal });
    return parseWith(rulesSchema, raw, 'Prometheus rules answer').data.groups;
  }
}
