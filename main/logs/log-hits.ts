/**
 * Pure conversions of Elasticsearch hits into what the Logs pane shows (plain data, no markup) and
 * into export files (NDJSON, RFC 4180 CSV).
 */
import type { LogHit, LogHitRow, LogHitRowExtra, LogHitTable, LogScalar, LogSegment } from '../../preload/contract';
import { LOG_LEVEL_FIELDS } from '../../preload/contract';
import type { SearchHit } from '../clients/elasticsearch';
import { splitHighlight } from './log-query';

const MAX_DEPTH = 8;
const MESSAGE_FIELDS = ['message', 'log.message', 'msg'];
const ASIDE_FIELDS = new Set(MESSAGE_FIELDS);

/** An object `flattenSource` descends into (its fields become dotted names); anything else is one field. */
const isNested = (v: unknown, depth: number): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && depth < MAX_DEPTH;

/** A `_source` value as one field: scalars as they are (a non-finite number as text), arrays and too-deep objects as JSON text; undefined is no field. */
function leafValue(v: unknown): LogScalar | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v === undefined) return undefined;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Flattens `_source`: nested objects to dotted names; arrays and deeper objects as JSON text. With `aside`,
 * the names in ASIDE_FIELDS (message candidates) go there instead of `out`.
 */
export function flattenSource(src: Record<string, unknown>, prefix = '', out: Record<string, LogScalar> = {}, depth = 0, aside?: Map<string, LogScalar>): Record<string, LogScalar> {
  for (const k in src) {
    if (!Object.prototype.hasOwnProperty.call(src, k)) continue;
    const v = src[k];
    const name = prefix ? `${prefix}.${k}` : k;
    if (isNested(v, depth)) {
      flattenSource(v, name, out, depth + 1, aside);
      continue;
    }
    const value = leafValue(v);
    if (value === undefined) continue;
    if (aside !== undefined && ASIDE_FIELDS.has(name)) aside.set(name, value);
    else out[name] = value;
  }
  return out;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The last day read by canonicalIsoMs: its first 10 characters' code and its epoch ms (hits of a page mostly share days). */
let lastDayKey = -1;
let lastDayMs = 0;

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ` (years 1970–9999) — exactly the text `toISOString()` gives back for
 * it — or NaN for any other text. Date.parse was most of a page's conversion time; the day's epoch is
 * remembered, so a hit of the same day as the last one costs the time-of-day digits only.
 */
export function canonicalIsoMs(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return NaN;
  const dayKey = (y * 100 + mo) * 100 + d;
  if (dayKey !== lastDayKey) {
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    if (d > (mo === 2 && leap ? 29 : (DAYS[mo - 1] as number))) return NaN;
    lastDayMs = Date.UTC(y, mo - 1, d);
    lastDayKey = dayKey;
  }
  return lastDayMs + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

/** Epoch ms of a timestamp value (ISO text, epoch millis as number or digits); null when unreadable. */
export function timestampMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const fast = canonicalIsoMs(v);
    if (fast === fast) return fast;
    if (/^\d{10,16}$/.test(v)) return Number(v);
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

const LEVEL_FIELDS = LOG_LEVEL_FIELDS;

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

/** Segments → alternating plain / matched strings (a leading '' when the first is matched; neighbours of one kind merged). */
export function segmentParts(segments: LogSegment[]): string[] {
  const parts: string[] = [];
  for (const seg of segments) {
    if (parts.length === 0 && seg.hit) parts.push('');
    if (seg.hit === ((parts.length & 1) === 1)) parts.push(seg.text);
    else parts[parts.length - 1] += seg.text;
  }
  return parts;
}

interface ShapeNode {
  next: Map<number, ShapeNode> | null;
  /** The shape that ends here, or -1. */
  no: number;
}

/**
 * Builds the page table the bridge carries (see `LogHitTable` in the contract) straight from the search
 * answer: field names once per page, one tuple per hit, no `LogHit` object or `fields` record in between.
 * `decodeLogHits(builder.table())` equals `hits.map((h) => toLogHit(h, timestampField))`.
 */
export class LogHitTableBuilder {
  private readonly names: string[] = [];
  private readonly nameIx = new Map<string, number>();
  private readonly shapes: number[][] = [];
  /** Shapes as a trie on their entries: one Map lookup per field, no key string per hit. */
  private readonly shapeRoot: ShapeNode = { next: null, no: -1 };
  private codes: number[] = [];
  private readonly indices: string[] = [];
  private readonly indexIx = new Map<string, number>();
  private readonly rows: LogHitRow[] = [];
  // Scratch for one hit: flattened names and values in document order, message candidates aside.
  private fn: string[] = [];
  private fv: LogScalar[] = [];
  /** Used length of fn/fv (the arrays keep their capacity between hits). */
  private n = 0;
  /** Shapes seen lately with their names: most hits of a page match one by pointer compares, no Map lookup. */
  private recent: { names: string[]; dropAt: number; no: number }[] = [];
  private lastIndex: string | null = null;
  private lastIndexNo = 0;
  private asideN: string[] = [];
  private asideV: LogScalar[] = [];

  constructor(private readonly timestampField: string) {}

  get size(): number {
    return this.rows.length;
  }

  addAll(hits: SearchHit[]): this {
    for (const h of hits) this.add(h);
    return this;
  }

  table(): LogHitTable {
    return { names: this.names, shapes: this.shapes, indices: this.indices, rows: this.rows };
  }

  private flatten(src: Record<string, unknown>, prefix: string, depth: number): void {
    for (const k in src) {
      if (!Object.prototype.hasOwnProperty.call(src, k)) continue;
      const v = src[k];
      const name = prefix ? `${prefix}.${k}` : k;
      if (isNested(v, depth)) {
        this.flatten(v, name, depth + 1);
        continue;
      }
      // toLogHit's `fields['__proto__'] = …` never made an own property, so it never reached the renderer.
      if (name === '__proto__') continue;
      const value = leafValue(v);
      if (value === undefined) continue;
      if (ASIDE_FIELDS.has(name)) {
        // Like a Map: a repeated name keeps its first place and takes the last value.
        const at = this.asideN.indexOf(name);
        if (at >= 0) this.asideV[at] = value;
        else {
          this.asideN.push(name);
          this.asideV.push(value);
        }
      } else {
        this.fn[this.n] = name;
        this.fv[this.n++] = value;
      }
    }
  }

  private nameIndex(name: string): number {
    let i = this.nameIx.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIx.set(name, i);
    }
    return i;
  }

  /** The shape number of the first `n` scratch names (entry `dropAt` rebuilt from the timestamp), added when new. */
  private shapeOf(n: number, dropAt: number): number {
    const codes = this.codes;
    codes.length = 0;
    let node = this.shapeRoot;
    for (let i = 0; i < n; i++) {
      const ix = this.nameIndex(this.fn[i] as string);
      const code = i === dropAt ? ~ix : ix;
      codes.push(code);
      let next = node.next?.get(code);
      if (next === undefined) {
        next = { next: null, no: -1 };
        (node.next ??= new Map()).set(code, next);
      }
      node = next;
    }
    if (node.no < 0) {
      node.no = this.shapes.length;
      this.shapes.push(codes.slice());
    }
    return node.no;
  }

  add(h: SearchHit): void {
    const fn = this.fn;
    const fv = this.fv;
    this.n = 0;
    this.asideN.length = 0;
    this.asideV.length = 0;
    this.flatten(h.source, '', 0);
    let n = this.n;
    const asideN = this.asideN;
    const asideV = this.asideV;
    const tsf = this.timestampField;

    // Timestamp: the field's (last) value, as toLogHit reads `fields[timestampField]`.
    let tsAt = -1;
    let tsCount = 0;
    for (let i = 0; i < n; i++) {
      if (fn[i] === tsf) {
        tsAt = i;
        tsCount++;
      }
    }
    let tsRaw: LogScalar | undefined = tsAt >= 0 ? fv[tsAt] : undefined;
    if (tsRaw === undefined || tsRaw === null) {
      const a = asideN.indexOf(tsf);
      if (a >= 0) tsRaw = asideV[a];
    }
    const first = h.sort?.[0];
    // The canonical ISO text is read once: for the timestamp and for leaving the text out of the row.
    const canonical = typeof tsRaw === 'string' ? canonicalIsoMs(tsRaw) : NaN;
    const fromField = canonical === canonical ? canonical : timestampMs(tsRaw);
    const timestamp = fromField ?? (typeof first === 'number' ? first : null);

    // The message, as toLogHit makes it.
    let mIdx = -1;
    for (const f of MESSAGE_FIELDS) {
      mIdx = asideN.indexOf(f);
      if (mIdx >= 0) break;
    }
    const messageField = mIdx >= 0 ? (asideN[mIdx] as string) : 'message';
    const raw = mIdx >= 0 ? asideV[mIdx] : undefined;
    const hl = h.highlight;
    const fragment = hl?.[messageField]?.[0];
    let message: string | string[] | null;
    let inFields = true;
    if (fragment !== undefined) {
      const segs = splitHighlight(fragment);
      let joined = '';
      for (const seg of segs) joined += seg.text;
      if (typeof raw === 'string') inFields = joined !== raw;
      message = segs.length === 0 ? [] : segs.length === 1 && !segs[0]!.hit ? segs[0]!.text : segmentParts(segs);
    } else if (raw === undefined) {
      message = null;
    } else {
      message = raw === null ? '' : String(raw);
      inFields = typeof raw !== 'string';
    }
    for (let a = 0; a < asideN.length; a++) {
      if (a !== mIdx || inFields) {
        fn[n] = asideN[a] as string;
        fv[n++] = asideV[a] as LogScalar;
      }
    }

    // Shape and values; the timestamp field's ISO text is rebuilt from the timestamp when it is exactly that.
    const dropTs = tsCount === 1 && canonical === canonical;
    const dropAt = dropTs ? tsAt : -1;
    const values: LogScalar[] = new Array<LogScalar>(dropTs ? n - 1 : n);
    for (let i = 0, v = 0; i < n; i++) if (i !== dropAt) values[v++] = fv[i] as LogScalar;
    let shapeNo = -1;
    const recent = this.recent;
    for (let r = 0; r < recent.length && shapeNo < 0; r++) {
      const c = recent[r]!;
      if (c.dropAt !== dropAt || c.names.length !== n) continue;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (c.names[i] !== fn[i]) {
          same = false;
          break;
        }
      }
      if (same) shapeNo = c.no;
    }
    if (shapeNo < 0) {
      shapeNo = this.shapeOf(n, dropAt);
      recent.unshift({ names: fn.slice(0, n), dropAt, no: shapeNo });
      if (recent.length > 8) recent.pop();
    }
    let indexNo = this.lastIndexNo;
    if (h.index !== this.lastIndex) {
      const known = this.indexIx.get(h.index);
      if (known === undefined) {
        indexNo = this.indices.length;
        this.indices.push(h.index);
        this.indexIx.set(h.index, indexNo);
      } else indexNo = known;
      this.lastIndex = h.index;
      this.lastIndexNo = indexNo;
    }
    const sort = h.sort ?? [];
    const s1 = sort[1];
    const sortOut: number | LogScalar[] = sort.length === 2 && timestamp !== null && sort[0] === timestamp && typeof s1 === 'number' ? s1 : sort;

    let extra: LogHitRowExtra | undefined;
    if (raw !== undefined && inFields) extra = { messageField: null };
    else if (!inFields && messageField !== 'message') extra = { messageField };
    if (hl) {
      let highlights: Record<string, string[]> | undefined;
      for (const f in hl) {
        const frag = hl[f]?.[0];
        if (f === messageField || frag === undefined) continue;
        (highlights ??= {})[f] = segmentParts(splitHighlight(frag));
      }
      if (highlights) (extra ??= {}).highlights = highlights;
    }
    const row: LogHitRow = [h.id, indexNo, timestamp, shapeNo, values, message, sortOut];
    if (extra) row.push(extra);
    this.rows.push(row);
  }
}

/** The page table of these hits (see LogHitTableBuilder). */
export function toLogHitTable(hits: SearchHit[], timestampField: string): LogHitTable {
  return new LogHitTableBuilder(timestampField).addAll(hits).table();
}

/** One document per line: `{"_index","_id","_source"}` as Elasticsearch returned it. */
export function toNdjson(hits: SearchHit[]): string {
  return hits.map((h) => JSON.stringify({ _index: h.index, _id: h.id, _source: h.source })).join('\n') + (hits.length ? '\n' : '');
}

/** First characters that make a spreadsheet read a text cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180: a value with a comma, quote, CR or LF is quoted, quotes doubled. Formula protection (OWASP CSV
 * injection guidance): a TEXT value starting with =, +, -, @, tab or CR gets a leading single quote, so
 * Excel / LibreOffice / Google Sheets show it as text instead of running it (`=HYPERLINK(…)` in a log line).
 * Numbers and booleans are written as they are: a number field of -5 stays the number -5. Only text is
 * escaped, so a text value "-5" is exported as '-5 (it was text in the document, and stays text).
 */
export function csvCell(v: LogScalar | undefined): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
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
