/**
 * Pure conversions of Elasticsearch hits into what the Logs pane shows (plain data, no markup) and
 * into export files (NDJSON, RFC 4180 CSV).
 */
import type { LogHit, LogScalar, LogSegment } from '../../preload/contract';
import type { SearchHit } from '../clients/elasticsearch';
import { splitHighlight } from './log-query';

const MAX_DEPTH = 8;
const MESSAGE_FIELDS = ['message', 'log.message', 'msg'];
const ASIDE_FIELDS = new Set(MESSAGE_FIELDS);

/**
 * Flattens `_source`: nested objects to dotted names; arrays and deeper objects as JSON text. With `aside`,
 * the names in ASIDE_FIELDS (message candidates) go there instead of `out`.
 */
export function flattenSource(src: Record<string, unknown>, prefix = '', out: Record<string, LogScalar> = {}, depth = 0, aside?: Map<string, LogScalar>): Record<string, LogScalar> {
  for (const k in src) {
    if (!Object.prototype.hasOwnProperty.call(src, k)) continue;
    const v = src[k];
    const name = prefix ? `${prefix}.${k}` : k;
    const target = aside !== undefined && ASIDE_FIELDS.has(name) ? aside : null;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') {
      if (target) target.set(name, v);
      else out[name] = v;
    } else if (typeof v === 'number') {
      const n = Number.isFinite(v) ? v : String(v);
      if (target) target.set(name, n);
      else out[name] = n;
    } else if (v === undefined) continue;
    else if (typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) flattenSource(v as Record<string, unknown>, name, out, depth + 1, aside);
    else {
      let text: string;
      try {
        text = JSON.stringify(v) ?? String(v);
      } catch {
        text = String(v);
      }
      if (target) target.set(name, text);
      else out[name] = text;
    }
  }
  return out;
}

/** Epoch ms of a timestamp value (ISO text, epoch millis as number or digits); null when unreadable. */
export function timestampMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d{10,16}$/.test(v)) return Number(v);
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

const LEVEL_FIELDS = ['level', 'log.level', 'severity', 'loglevel'];

/**
 * The hit as the pane shows it. The message is sent once: as segments in `message`, left out of `fields`
 * (named by `messageField`) when its text is exactly the segments joined; `fields` is built once, not copied.
 */
export function toLogHit(h: SearchHit, timestampField: string): LogHit {
  const aside = new Map<string, LogScalar>();
  const fields = flattenSource(h.source, '', {}, 0, aside);
  const first = h.sort?.[0];
  const timestamp = timestampMs(fields[timestampField] ?? aside.get(timestampField)) ?? (typeof first === 'number' ? first : null);
  let level: string | null = null;
  for (const f of LEVEL_FIELDS) {
    const v = fields[f];
    if (typeof v === 'string') {
      level = v;
      break;
    }
  }
  let messageField = 'message';
  for (const f of MESSAGE_FIELDS) {
    if (aside.has(f)) {
      messageField = f;
      break;
    }
  }
  const raw = aside.get(messageField);
  const hl = h.highlight;
  const fragment = hl?.[messageField]?.[0];
  let message: LogSegment[];
  let inFields = true;
  if (fragment !== undefined) {
    message = splitHighlight(fragment);
    if (typeof raw === 'string') {
      let joined = '';
      for (const seg of message) joined += seg.text;
      inFields = joined !== raw;
    }
  } else if (raw === undefined) {
    message = [];
  } else {
    message = [{ text: raw === null ? '' : String(raw), hit: false }];
    inFields = typeof raw !== 'string';
  }
  // The other candidates (and the message when it cannot be rebuilt from the segments) stay in `fields`.
  for (const [f, v] of aside) if (f !== messageField || inFields) fields[f] = v;
  const out: LogHit = { id: h.id, index: h.index, sort: h.sort ?? [], timestamp, level, message, fields };
  if (raw !== undefined && inFields) out.messageField = null;
  else if (!inFields && messageField !== 'message') out.messageField = messageField;
  if (hl) {
    let highlights: Record<string, LogSegment[]> | undefined;
    for (const f in hl) {
      const frag = hl[f]?.[0];
      if (f === messageField || frag === undefined) continue;
      (highlights ??= {})[f] = splitHighlight(frag);
    }
    if (highlights) out.highlights = highlights;
  }
  return out;
}

/** The name of the field left out of `fields` because `message` carries it, or undefined. */
export function leftOutMessageField(hit: LogHit): string | undefined {
  if (hit.message.length === 0 || hit.messageField === null) return undefined;
  return hit.messageField ?? 'message';
}

/** A field's value in a hit as the pane shows it (the message field's value comes from `message`). */
export function logHitField(hit: LogHit, name: string): LogScalar | undefined {
  if (name === leftOutMessageField(hit)) {
    let text = '';
    for (const seg of hit.message) text += seg.text;
    return text;
  }
  return hit.fields[name];
}

/** One document per line: `{"_index","_id","_source"}` as Elasticsearch returned it. */
export function toNdjson(hits: SearchHit[]): string {
  return hits.map((h) => JSON.stringify({ _index: h.index, _id: h.id, _source: h.source })).join('\n') + (hits.length ? '\n' : '');
}

/** RFC 4180: a value with a comma, quote, CR or LF is quoted, quotes doubled. */
export function csvCell(v: LogScalar | undefined): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(hits: SearchHit[], columns: string[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const h of hits) {
    const f = flattenSource(h.source);
    lines.push(columns.map((c) => csvCell(c === '_id' ? h.id : c === '_index' ? h.index : f[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** `2026-11-21T08:00:00.000Z` → `20261121T080000Z` (safe in a file name). */
export function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

export function exportFileName(source: string, from: number, to: number, format: 'ndjson' | 'csv'): string {
  const safe = source.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'logs';
  return `${safe}-${compactTime(from)}-${compactTime(to)}.${format}`;
}
