import type { z } from 'zod';
import { formatZodError } from '../core/validation';
import { SourceError } from './source-error';

/** Validates an answer from outside; a mismatch is a 'parse' SourceError naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const res = schema.safeParse(raw);
  if (!res.success) throw new SourceError('parse', `unexpected ${what}: ${formatZodError(res.error, 3)}`);
  return res.data;
}

/**
 * `parseWith` with a hand-written fast path for big, hot answers: `fast` returns the same value the schema
 * would (or `undefined` when the answer is not the common well-formed shape). Only then does the schema run,
 * to produce the value or the clear error naming the field. `fast` must never accept what the schema rejects.
 */
export function parseFast<S extends z.ZodType>(fast: (raw: unknown) => z.output<S> | undefined, schema: S, raw: unknown, what: string): z.output<S> {
  const quick = fast(raw);
  return quick !== undefined ? quick : parseWith(schema, raw, what);
}

/** A JSON object (not null, not an array). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object whose values are all strings (a label set); returned as is, not copied. */
export function isStringRecord(v: unknown): v is Record<string, string> {
  if (!isPlainObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (typeof v[k] !== 'string') return false;
  return true;
}

/** An array of strings. */
export function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
