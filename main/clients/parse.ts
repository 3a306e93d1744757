import type { z } from 'zod';
import { formatZodError } from '../core/validation';
import { SourceError } from './source-error';

/** Validates an answer from outside; a mismatch is a 'parse' SourceError naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const res = schema.safeParse(raw);
  if (!res.success) throw new SourceError('parse', `unexpected ${what}: ${formatZodError(res.error, 3)}`);
  return res.data;
}
