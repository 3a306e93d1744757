import { z } from 'zod';
import type { HttpClient } from './http';
import { SourceError } from './source-error';
import { isPlainObject, isStringRecord, parseFast, parseWith } from './parse';

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

function fastMatrix(raw: unknown): MatrixAnswer | undefined {
  const result = resultOf(raw, 'matrix');
  if (!result) return undefined;
  for (let i = 0; i < result.length; i++) {
    const r = result[i];
    if (!isPlainObject(r) || !isStringRecord(r.metric) || !Array.isArray(r.values)) return undefined;
    const values = r.values as unknown[];
    for (let j = 0; j < values.length; j++) if (!isSamplePair(values[j])) return undefined;
  }
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

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** The index of the quote that closes the JSON string opened at `open` (text.length if it never closes). */
function closingQuote(text: string, open: number): number {
  let i = open + 1;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === BACKSLASH) i++;
    else if (d === QUOTE) break;
  }
  return i;
}

/**
 * Where the series of a matrix answer lie in its text, without parsing it whole: the `[`…`]` of `data.result`
 * and each element's [start, end) within it (strings skipped, nesting counted). Undefined when the text is not
 * an object holding that array of objects (the caller then reads the answer whole, for its usual error). Keys are
 * compared as written (an escaped "result" is not found, and the answer is read whole); an answer with a key
 * given twice is not one Prometheus writes.
 */
export function locateMatrixSeries(text: string): { open: number; close: number; elements: number[] } | undefined {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  // Up to the array: the key each open container is stored under, by depth.
  const keys: (string | null)[] = [];
  let depth = 0;
  let lastString: string | null = null;
  let key: string | null = null;
  let open = -1;
  for (; i < text.length && open < 0; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      i = closingQuote(text, i);
      lastString = text.slice(start + 1, i);
    } else if (c === COLON) key = lastString;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (c === OPEN_BRACKET && depth === 2 && keys[1] === 'data' && key === 'result') open = i;
      keys[depth] = key;
      key = null;
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    if (depth < 0) return undefined;
  }
  if (open < 0) return undefined;
  // The array: each element an object, ended where its nesting closes; elements and commas alternate.
  const elements: number[] = [];
  let nest = 0;
  let needElement = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (nest === 0) {
      if (isSpace(c)) continue;
      if (c === CLOSE_BRACKET && !needElement) return { open, close: i, elements };
      if (c === COMMA && !needElement && elements.length > 0) {
        needElement = true;
        continue;
      }
      if (c !== OPEN_BRACE || (!needElement && elements.length > 0)) return undefined;
      elements.push(i);
      needElement = false;
      nest = 1;
      continue;
    }
    if (c === QUOTE) i = closingQuote(text, i);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) nest++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      nest--;
      if (nest === 0) elements.push(i + 1);
    }
  }
  return undefined;
}

/** One element of a matrix answer's result, checked as `fastMatrix` checks it. */
function isMatrixSeries(r: unknown): r is { metric: Record<string, string>; values: SamplePair[] } {
  if (!isPlainObject(r) || !isStringRecord(r.metric) || !Array.isArray(r.values)) return false;
  const values = r.values as unknown[];
  for (let j = 0; j < values.length; j++) if (!isSamplePair(values[j])) return false;
  return true;
}

/**
 * The series of a matrix answer's text handed on one at a time, each parsed on its own as it is reached, so the
 * whole answer's tree (~110 bytes a sample: 27 MB for 2,000 series × 121 samples) never exists at once.
 * 'unread': not the usual shape or not a successful matrix (nothing handed on); 'malformed': a series is not
 * valid (those before it were handed on, the caller must drop what it built).
 */
export function eachMatrixSeries(text: string, onSeries: (metric: Record<string, string>, values: readonly SamplePair[]) => void): 'done' | 'unread' | 'malformed' {
  const at = locateMatrixSeries(text);
  if (!at) return 'unread';
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(text.slice(0, at.open + 1) + text.slice(at.close));
  } catch {
    return 'unread';
  }
  const result = resultOf(skeleton, 'matrix');
  if (!result || result.length !== 0) return 'unread';
  for (let k = 0; k < at.elements.length; k += 2) {
    let r: unknown;
    try {
      r = JSON.parse(text.slice(at.elements[k]!, at.elements[k + 1]!));
    } catch {
      return 'malformed';
    }
    if (!isMatrixSeries(r)) return 'malformed';
    onSeries(r.metric, r.values);
  }
  return 'done';
}

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
   * Range query read series by series (`onSeries` per series, the pairs as parsed, each series parsed on its own
   * from the answer's text): for big answers that are reduced at once (the fleet's sparklines, 2,000 series ×
   * 121 samples) neither the whole answer's tree nor a copy of every sample is built.
   */
  async queryRangeEach(
    promql: string,
    startSec: number,
    endSec: number,
    stepSec: number,
    onSeries: (metric: Record<string, string>, values: readonly SamplePair[]) => void,
    opts: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const req = rangeRequest(promql, startSec, endSec, stepSec, opts.signal);
    const outcome = eachMatrixSeries((await this.http.ok(req)).text, onSeries);
    if (outcome === 'done') return;
    // Not the usual shape, or a malformed series: asked again and read whole, so that the error is the one
    // every other answer gets (invalid JSON, or the schema naming the field) — or, for an unusual but valid
    // answer, its series.
    const result = matrixResult(await this.http.json(req));
    if (outcome === 'malformed') throw new SourceError('parse', 'unexpected Prometheus matrix answer: a series is malformed');
    for (const r of result) onSeries(r.metric, r.values);
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
