/**
 * Pure conversions of Elasticsearch hits into what the Logs pane shows (plain data, no markup) and
 * into export files (NDJSON, RFC 4180 CSV).
 */
import type { LogHit, LogScalar, LogSegment } from '../../preload/contract';
import type { SearchHit } from '../clients/elasticsearch';
import { splitHighlight } from './log-query';

const MAX_DEPTH = 8;

/** Flattens `_source`: nested objects to dotted names; arrays and deeper objects as JSON text. */
export function flattenSource(src: Record<string, unknown>, prefix = '', out: Record<string, LogScalar> = {}, depth = 0): Record<string, LogScalar> {
  for (const [k, v] of Object.entries(src)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') out[name] = v;
    else if (typeof v === 'number') out[name] = Number.isFinite(v) ? v : String(v);
    else if (v === undefined) continue;
    else if (typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) flattenSource(v as Record<string, unknown>, name, out, depth + 1);
    else {
      let text: string;
      try {
        text = JSON.stringify(v) ?? String(v);
      } catch {
        text = String(v);
      }
      out[name] = text;
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
const MESSAGE_FIELDS = ['message', 'log.message', 'msg'];

export function toLogHit(h: SearchHit, timestampField: string): LogHit {
  const fields = flattenSource(h.source);
  const first = h.sort?.[0];
  const timestamp = timestampMs(fields[timestampField]) ?? (typeof first === 'number' ? first : null);
  const levelField = LEVEL_FIELDS.find((f) => typeof fields[f] === 'string');
  const messageField = MESSAGE_FIELDS.find((f) => fields[f] !== undefined) ?? 'message';
  const raw = fields[messageField];
  const fragment = h.highlight?.[messageField]?.[0];
  const message: LogSegment[] = fragment !== undefined ? splitHighlight(fragment) : [{ text: raw === undefined || raw === null ? '' : String(raw), hit: false }];
  const highlights: Record<string, LogSegment[]> = {};
  for (const [f, frags] of Object.entries(h.highlight ?? {})) {
    if (f === messageField || frags[0] === undefined) continue;
    highlights[f] = splitHighlight(frags[0]);
  }
  return {
    id: h.id,
    index: h.index,
    sort: h.sort ?? [],
    timestamp,
    level: levelField ? (fields[levelField] as string) : null,
    message,
    fields,
    highlights,
  };
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
