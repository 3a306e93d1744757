import { z } from 'zod';
import type { HttpClient } from './http';
import { SourceError } from './source-error';
import { isPlainObject, isStringRecord, parseFast, parseWith } from './parse';
import { EnvelopedArrayReader } from './json-array-stream';

const samplePairSchema = z.tuple([z.number(), z.string()]);
const vectorSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: samplePairSchema })),
  }),
});
const matrixSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(samplePairSchema) })),
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

/** Prometheus writes infinities as "+Inf" / "-Inf" (Number() alone would read them as NaN). */
const toNumber = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : s === 'NaN' ? NaN : Number(s));

type VectorAnswer = z.output<typeof vectorSchema>;
type MatrixAnswer = z.output<typeof matrixSchema>;

/** A [time, "value"] pair as Prometheus sends it. */
const isSamplePair = (v: unknown): v is [number, string] => Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string';

/** The `data.result` array of a well-formed answer of this result type, or undefined. */
function resultOf(raw: unknown, resultType: 'vector' | 'matrix'): unknown[] | undefined {
  if (!isPlainObject(raw) || raw.status !== 'success' || !isPlainObject(raw.data)) return undefined;
  const data = raw.data;
  if (data.resultType !== resultType || !Array.isArray(data.result)) return undefined;
  return data.result;
}

/**
 * Fast path for the hot fleet answers (thousands of series per poll): checks the common well-formed shape
 * without copying (label sets are used as parsed); anything else goes through the schema for its error.
 */
function fastVector(raw: unknown): VectorAnswer | undefined {
  const result = resultOf(raw, 'vector');
  if (!result) return undefined;
  for (let i = 0; i < result.length; i++) {
    const r = result[i];
    if (!isPlainObject(r) || !isStringRecord(r.metric) || !isSamplePair(r.value)) return undefined;
  }
  return { status: 'success', data: { resultType: 'vector', result: result as VectorAnswer['data']['result'] } };
}

/** One element of a matrix answer's result in the shape the schema accepts. */
function isMatrixSeries(r: unknown): r is { metric: Record<string, string>; values: SamplePair[] } {
  if (!isPlainObject(r) || !isStringRecord(r.metric) || !Array.isArray(r.values)) return false;
  const values = r.values as unknown[];
  for (let j = 0; j < values.length; j++) if (!isSamplePair(values[j])) return false;
  return true;
}

function fastMatrix(raw: unknown): MatrixAnswer | undefined {
  const result = resultOf(raw, 'matrix');
  if (!result) return undefined;
  for (let i = 0; i < result.length; i++) if (!isMatrixSeries(result[i])) return undefined;
  return { status: 'success', data: { resultType: 'matrix', result: result as MatrixAnswer['data']['result'] } };
}

export function parseVector(raw: unknown): VectorSample[] {
  const result = parseFast(fastVector, vectorSchema, raw, 'Prometheus vector answer').data.result;
  const out = new Array<VectorSample>(result.length);
  for (let i = 0; i < result.length; i++) {
    const r = result[i]!;
    out[i] = { metric: r.metric, value: toNumber(r.value[1]) };
  }
  return out;
}
/** A sample as Prometheus sends it: [unix seconds, "value"]; `sampleValue` reads the value. */
export type SamplePair = readonly [number, string];
export const sampleValue = (pair: SamplePair): number => toNumber(pair[1]);

/** The series of a matrix answer as parsed (validated, nothing copied). */
export function matrixResult(raw: unknown): readonly { metric: Record<string, string>; values: readonly SamplePair[] }[] {
  return parseFast(fastMatrix, matrixSchema, raw, 'Prometheus matrix answer').data.result;
}

/** The start of a successful matrix answer as Prometheus writes it, token by token; its series follow. */
const MATRIX_PREFIX = ['{', '"status"', ':', '"success"', ',', '"data"', ':', '{', '"resultType"', ':', '"matrix"', ',', '"result"', ':', '['];

export function parseMatrix(raw: unknown): MatrixSeries[] {
  return matrixResult(raw).map((r) => ({
    metric: r.metric,
    points: r.values.map(([t, v]) => [t, toNumber(v)] as [number, number]),
  }));
}

/** A range query, sent as a form POST so long PromQL does not hit URL limits. */
function rangeRequest(promql: string, startSec: number, endSec: number, stepSec: number, signal: AbortSignal | undefined) {
  const form = new URLSearchParams({ query: promql, start: String(startSec), end: String(endSec), step: String(stepSec) });
  return { method: 'POST', path: '/api/v1/query_range', rawBody: form.toString(), contentType: 'application/x-www-form-urlencoded', signal } as const;
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
    return parseMatrix(await this.http.json(rangeRequest(promql, startSec, endSec, stepSec, opts.signal)));
  }

  /**
   * Range query read series by series as the answer streams in (`onSeries` per series, the pairs as parsed): for
   * big answers that are reduced at once (the fleet's sparklines, 2,000 series × 121 samples, up to ~7 MB) only
   * about one network chunk and one open series are held, never the whole answer's bytes, text or tree.
   * An answer that does not begin as Prometheus writes a successful matrix is held and read whole (no second
   * request), for the error every other answer gets or, when it is a valid but unusual one, its series. After
   * some series were handed on, a malformed series or envelope still throws: the caller must drop what it built.
   */
  async queryRangeEach(
    promql: string,
    startSec: number,
    endSec: number,
    stepSec: number,
    onSeries: (metric: Record<string, string>, values: readonly SamplePair[]) => void,
    opts: { signal?: AbortSignal } = {},
  ): Promise<void> {
    // After a malformed series none are handed on, but the answer is still read to its end (its bytes dropped),
    // so that invalid JSON further on is reported as such, as when the answer is read whole.
    let malformed = false;
    const reader = new EnvelopedArrayReader(MATRIX_PREFIX, (items) => {
      for (let i = 0; i < items.length && !malformed; i++) {
        const r = items[i];
        if (isMatrixSeries(r)) onSeries(r.metric, r.values);
        else malformed = true;
      }
    });
    const end = await this.http.jsonStream(rangeRequest(promql, startSec, endSec, stepSec, opts.signal), reader);
    if (end.kind === 'other') {
      for (const r of matrixResult(end.value)) onSeries(r.metric, r.values);
      return;
    }
    // What follows the series (warnings, or a key given twice) must leave a successful matrix answer.
    const rest = matrixResult(end.envelope);
    if (malformed) throw new SourceError('parse', 'unexpected Prometheus matrix answer: a series is malformed');
    if (rest.length > 0) throw new SourceError('parse', 'unexpected Prometheus matrix answer: data.result is given twice');
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
