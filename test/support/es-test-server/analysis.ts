/**
 * Index mapping and text analysis.
 *
 * Mapping chosen for the generated logs (document it, tests rely on it):
 *   @timestamp: date · message: text (standard-like analyser: lower-cased words, case-insensitive)
 *   service, level, host, trace_id, logger, user: keyword (exact, case-sensitive)
 *   processing_time: long
 * Fields seen later in appended documents are mapped dynamically: strings → keyword, integers → long,
 * other numbers → double, booleans → boolean.
 */
import type { FieldType, Rec, Token } from './types';

export const BASE_MAPPING: Readonly<Record<string, FieldType>> = {
  '@timestamp': 'date',
  message: 'text',
  service: 'keyword',
  level: 'keyword',
  host: 'keyword',
  trace_id: 'keyword',
  logger: 'keyword',
  user: 'keyword',
  processing_time: 'long',
};

export class Mapping {
  readonly fields = new Map<string, FieldType>(Object.entries(BASE_MAPPING));

  /** Adds dynamic mappings for unseen fields of `src`. */
  observe(src: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(src)) {
      if (this.fields.has(k) || v === null || v === undefined) continue;
      const sample = Array.isArray(v) ? v[0] : v;
      if (typeof sample === 'string') this.fields.set(k, 'keyword');
      else if (typeof sample === 'number') this.fields.set(k, Number.isInteger(sample) ? 'long' : 'double');
      else if (typeof sample === 'boolean') this.fields.set(k, 'boolean');
    }
  }

  type(field: string): FieldType | undefined {
    return this.fields.get(field);
  }

  /** Field names matching a pattern with `*` wildcards (`*` = all fields). */
  matching(pattern: string): string[] {
    if (!pattern.includes('*')) return this.fields.has(pattern) ? [pattern] : [];
    const re = globToRegExp(pattern, false);
    return [...this.fields.keys()].filter((f) => re.test(f));
  }

  /** The `properties` object of a `_mapping` answer. */
  properties(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, t] of this.fields) out[k] = { type: t };
    return out;
  }
}

export function globToRegExp(glob: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}

/**
 * A simplified standard analyser: words are runs of letters/digits/underscore, joined by a single
 * `.` or `'` between word characters (so `matrix.org` stays one term, as with Lucene's UAX#29
 * tokenizer), lower-cased.
 */
const WORD = /[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    out.push({ t: m[0].toLowerCase(), start, end: start + m[0].length, pos: pos++ });
  }
  return out;
}

export function analyze(text: string): string[] {
  return tokenize(text).map((t) => t.t);
}

/** Raw values of `field` in a document (dotted paths work for flat and nested objects). */
export function fieldValues(src: Record<string, unknown>, field: string): unknown[] {
  let v: unknown = src[field];
  if (v === undefined && field.includes('.')) {
    let cur: unknown = src;
    for (const part of field.split('.')) {
      if (cur === null || typeof cur !== 'object') {
        cur = undefined;
        break;
      }
      cur = (cur as Record<string, unknown>)[part];
    }
    v = cur;
  }
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [v];
}

/** Cached tokens of a text field of a record (all values concatenated with a position gap). */
export function tokensOf(rec: Rec, field: string): Token[] {
  if (!rec.tok) rec.tok = new Map();
  let toks = rec.tok.get(field);
  if (!toks) {
    toks = [];
    let posBase = 0;
    for (const v of fieldValues(rec.src, field)) {
      const t = tokenize(String(v));
      for (const x of t) toks.push({ ...x, pos: x.pos + posBase });
      posBase += t.length + 100;
    }
    rec.tok.set(field, toks);
  }
  return toks;
}
