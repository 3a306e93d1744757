/**
 * The incident export file: one JSON document, versioned, checked by a strict schema on the way in
 * and on the way out (the console never writes a file it could not read back).
 *
 *   { "format": "ops-console.incident", "version": 1, "exportedAt": "<ISO 8601>",
 *     "incident": {…}, "timeline": [… sorted by time …], "evidence": […], "messages": […],
 *     "templatesUsed": [… the templates the messages were written from …] }
 *
 * Secrets are scrubbed from every free-text string before writing (see ./scrub.ts for the rule).
 */
import { z } from 'zod';
import {
  INCIDENT_LIMITS,
  evidenceSchema,
  incidentSchema,
  messageSchema,
  templateSchema,
  timelineEntrySchema,
  type Evidence,
  type Incident,
  type Message,
  type Template,
  type TimelineEntry,
} from '../../preload/contract/incidents';
import { ConsoleError } from '../core/errors';
import { formatZodError } from '../core/validation';
import { scrubDeep } from './scrub';

export const EXPORT_FORMAT = 'ops-console.incident';
export const EXPORT_VERSION = 1;
export const DEFAULT_MAX_EXPORT_BYTES = INCIDENT_LIMITS.importBytes;

const L = INCIDENT_LIMITS;

export const incidentExportSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: z.iso.datetime(),
    incident: incidentSchema,
    timeline: z.array(timelineEntrySchema).max(L.timeline),
    evidence: z.array(evidenceSchema).max(L.evidence),
    messages: z.array(messageSchema).max(L.messages),
    templatesUsed: z.array(templateSchema).max(L.templates),
  })
  .strict();
export type IncidentExport = z.infer<typeof incidentExportSchema>;

export interface IncidentExportInput {
  incident: Incident;
  timeline: readonly TimelineEntry[];
  evidence: readonly Evidence[];
  messages: readonly Message[];
  /** All templates known; only those some message was written from are kept. */
  templates: readonly Template[];
}

export type IncidentFileProblem =
  | 'oversized'
  | 'empty'
  | 'not-json'
  | 'truncated'
  | 'wrong-format'
  | 'newer-version'
  | 'unsupported-version'
  | 'schema';

/** Why a file could not be read; `message` is for the user as is. */
export class IncidentFileError extends ConsoleError {
  constructor(
    readonly problem: IncidentFileProblem,
    message: string,
    readonly position?: { offset: number; line: number; column: number },
  ) {
    super('invalid-argument', message);
  }
}

/** Timeline order: by time, then by when written; ties keep their order (Array.prototype.sort is stable). */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return a.at - b.at || a.recordedAt - b.recordedAt;
}

/** The export document for an incident: scrubbed, timeline sorted, templates limited to those used. */
export function buildIncidentExport(input: IncidentExportInput, exportedAt: number): IncidentExport {
  const used = new Set(input.messages.map((m) => m.templateId).filter((id): id is string => id !== null));
  const doc: IncidentExport = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(exportedAt).toISOString(),
    incident: input.incident,
    timeline: [...input.timeline].sort(compareEntries),
    evidence: [...input.evidence],
    messages: [...input.messages],
    templatesUsed: input.templates.filter((t) => used.has(t.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  return scrubDeep(doc);
}

export interface SerializeOptions {
  exportedAt: number;
  maxBytes?: number;
  /** Indent for people reading the file; default 2. 0 writes one line. */
  indent?: number;
}

/**
 * The export file's text. Throws (ConsoleError 'conflict') rather than write a file the console could
 * not import again: one that breaks the schema or is bigger than `maxBytes`.
 */
export function serializeIncidentExport(input: IncidentExportInput, options: SerializeOptions): string {
  const doc = buildIncidentExport(input, options.exportedAt);
  const checked = incidentExportSchema.safeParse(doc);
  if (!checked.success) throw new ConsoleError('internal', `cannot export: ${formatZodError(checked.error)}`);
  const text = `${JSON.stringify(checked.data, null, options.indent ?? 2)}\n`;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EXPORT_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new ConsoleError(
      'conflict',
      `the export would be ${formatBytes(bytes)}, more than the ${formatBytes(maxBytes)} an import accepts; remove some evidence and try again (the HTML report has no limit)`,
    );
  }
  return text;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  const mib = n / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

export interface ParseOptions {
  maxBytes?: number;
}

/**
 * Reads an export file. Every failure is an IncidentFileError whose message says what is wrong and
 * where: oversized, empty, not JSON (with line and column), truncated, not an incident export,
 * made by a newer version, or the first schema violations by field path.
 */
export function parseIncidentExport(text: string, options: ParseOptions = {}): IncidentExport {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EXPORT_BYTES;
  // Cheap bound first (a UTF-8 byte is at most 3 per UTF-16 unit), exact count only when needed.
  if (text.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) {
      throw new IncidentFileError('oversized', `the file is ${formatBytes(bytes)}; an incident export may be at most ${formatBytes(maxBytes)}`);
    }
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new IncidentFileError('empty', 'the file is empty');

  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    const where = locateJsonError(body);
    const pos = { offset: where.offset, line: where.line, column: where.column };
    if (where.eof) {
      throw new IncidentFileError(
        'truncated',
        `the file ends in the middle of the data (at line ${where.line}, column ${where.column}, position ${where.offset}): it looks truncated, perhaps an interrupted copy or download`,
        pos,
      );
    }
    throw new IncidentFileError('not-json', `not valid JSON at line ${where.line}, column ${where.column} (position ${where.offset}): ${where.reason}`, pos);
  }

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const what = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`;
    throw new IncidentFileError('wrong-format', `not an Ops Console incident export: the file holds ${what}, not an object`);
  }
  const obj = raw as Record<string, unknown>;
  if (!('format' in obj)) {
    throw new IncidentFileError('wrong-format', `not an Ops Console incident export: it has no "format" field (expected "${EXPORT_FORMAT}")`);
  }
  if (obj.format !== EXPORT_FORMAT) {
    throw new IncidentFileError(
      'wrong-format',
      `not an Ops Console incident export: format is ${JSON.stringify(obj.format).slice(0, 100)}, expected "${EXPORT_FORMAT}"`,
    );
  }
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new IncidentFileError('schema', `invalid incident export: version: must be a whole number, found ${JSON.stringify(version ?? null).slice(0, 50)}`);
  }
  if (version > EXPORT_VERSION) {
    throw new IncidentFileError('newer-version', `made by a newer Ops Console: version ${version} > ${EXPORT_VERSION}; update Ops Console to open it`);
  }
  if (version < 1) throw new IncidentFileError('unsupported-version', `unsupported version ${version}: the first export version is 1`);

  const parsed = incidentExportSchema.safeParse(raw);
  if (!parsed.success) throw new IncidentFileError('schema', `invalid incident export: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Where is the JSON broken? (JSON.parse's messages differ between Node versions and do not always
// give a position; this scanner only runs once JSON.parse has already failed.)
// ---------------------------------------------------------------------------------------------

export interface JsonErrorLocation {
  offset: number;
  line: number;
  column: number;
  /** The text ended before the JSON did. */
  eof: boolean;
  reason: string;
}

class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    readonly eof: boolean,
    message: string,
  ) {
    super(message);
  }
}

export function locateJsonError(text: string): JsonErrorLocation {
  let offset = text.length;
  let eof = true;
  let reason = 'unexpected end of the file';
  try {
    scanJson(text);
    // JSON.parse failed but the scanner did not: report the end (should not happen).
    reason = 'not valid JSON';
    eof = false;
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err;
    offset = err.offset;
    eof = err.eof;
    reason = err.message;
  }
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1, eof, reason };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function scanJson(text: string): void {
  let i = 0;
  const n = text.length;
  const fail = (message: string): never => {
    if (i >= n) throw new JsonScanError(n, true, 'unexpected end of the file');
    throw new JsonScanError(i, false, message);
  };
  const describe = (): string => {
    const c = text[i] ?? '';
    return `unexpected ${JSON.stringify(c)}`;
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) {
      if (text[i] !== word[k]) fail(`${describe()} (expected ${word})`);
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        i++;
        if (i >= n) fail('');
        const e = text[i] ?? '';
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) {
              i = n;
              fail('');
            }
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail(`bad \\u escape in a string`);
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) i++;
        else fail(`bad escape \\${e} in a string`);
      } else if (c < 32) {
        fail('a control character (such as a raw line break) inside a string');
      } else i++;
    }
  };
  const stack: ('{' | '[')[] = [];
  const value = (): void => {
    ws();
    if (i >= n) fail('');
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length > 1000) fail('nested too deeply');
      stack.push(c);
      i++;
      ws();
      const close = c === '{' ? '}' : ']';
      if (text[i] === close) {
        i++;
        stack.pop();
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail(`${describe()} (expected a "quoted" property name)`);
          string();
          ws();
          if (text[i] !== ':') fail(`${describe()} (expected ":")`);
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          stack.pop();
          return;
        }
        fail(`${describe()} (expected "," or "${close}")`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0 && m[0] !== '-') {
      i += m[0].length;
      return;
    }
    if (c === '-' && i + 1 >= n) {
      i = n;
      fail('');
    }
    fail(describe());
  };
  value();
  ws();
  if (i < n) fail(`${describe()} after the end of the data`);
}
