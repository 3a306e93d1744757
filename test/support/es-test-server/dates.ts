/**
 * Date parsing like Elasticsearch's `strict_date_optional_time||epoch_millis` with date math
 * (`now-15m`, `now/d`, `2026-11-21||+1d/d`). Missing components are filled in the direction of
 * rounding: `gte`/`lt` round down, `gt`/`lte` round up (as ES does for range queries).
 */

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export type Unit = 'y' | 'M' | 'w' | 'd' | 'h' | 'H' | 'm' | 's';

function parseIso(s: string, roundUp: boolean): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? (roundUp ? 12 : 1) : Number(mo);
  if (month < 1 || month > 12) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = d === undefined ? (roundUp ? daysInMonth : 1) : Number(d);
  if (day < 1 || day > daysInMonth) return null;
  const hour = h === undefined ? (roundUp ? 23 : 0) : Number(h);
  const minute = mi === undefined ? (roundUp ? 59 : 0) : Number(mi);
  const second = se === undefined ? (roundUp ? 59 : 0) : Number(se);
  if (hour > 23 || minute > 59 || second > 59) return null;
  let ms: number;
  if (frac === undefined) ms = roundUp ? 999 : 0;
  else ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone && zone !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!zm) return null;
    const off = (Number(zm[2]) * 60 + Number(zm[3])) * 60_000;
    t -= zm[1] === '+' ? off : -off;
  }
  return t;
}

export function addUnit(t: number, n: number, unit: Unit): number {
  const d = new Date(t);
  switch (unit) {
    case 'y':
      d.setUTCFullYear(d.getUTCFullYear() + n);
      return d.getTime();
    case 'M':
      d.setUTCMonth(d.getUTCMonth() + n);
      return d.getTime();
    case 'w':
      return t + n * 7 * 86_400_000;
    case 'd':
      return t + n * 86_400_000;
    case 'h':
    case 'H':
      return t + n * 3_600_000;
    case 'm':
      return t + n * 60_000;
    case 's':
      return t + n * 1000;
  }
}

export function roundTo(t: number, unit: Unit, roundUp: boolean): number {
  const d = new Date(t);
  let start: number;
  switch (unit) {
    case 'y':
      start = Date.UTC(d.getUTCFullYear(), 0, 1);
      break;
    case 'M':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      break;
    case 'w': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
      start = day - dow * 86_400_000;
      break;
    }
    case 'd':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      break;
    case 'h':
    case 'H':
      start = t - (((t % 3_600_000) + 3_600_000) % 3_600_000);
      break;
    case 'm':
      start = t - (((t % 60_000) + 60_000) % 60_000);
      break;
    case 's':
      start = t - (((t % 1000) + 1000) % 1000);
      break;
  }
  return roundUp ? addUnit(start, 1, unit) - 1 : start;
}

function applyMath(anchor: number, math: string, roundUp: boolean): number | null {
  let t = anchor;
  let rest = math;
  while (rest.length > 0) {
    const op = /^([+-])(\d*)([yMwdhHms])|^\/([yMwdhHms])/.exec(rest);
    if (!op) return null;
    if (op[4]) t = roundTo(t, op[4] as Unit, roundUp);
    else t = addUnit(t, (op[1] === '-' ? -1 : 1) * (op[2] ? Number(op[2]) : 1), op[3] as Unit);
    rest = rest.slice(op[0].length);
  }
  return t;
}

/**
 * Parses a date value from a query, range bound or search_after. Numbers are epoch millis.
 * `format` may be `epoch_millis`, `epoch_second`, or anything else (treated as the default
 * `strict_date_optional_time||epoch_millis`). Returns null when it cannot be parsed.
 */
export function parseDateValue(value: unknown, now: number, roundUp = false, format?: string): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return format === 'epoch_second' ? value * 1000 : value;
  }
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (s === '') return null;
  const fmts = (format ?? 'strict_date_optional_time||epoch_millis').split('||');
  if (s.startsWith('now')) return applyMath(now, s.slice(3), roundUp);
  const bars = s.indexOf('||');
  if (bars >= 0) {
    const anchor = parseDateValue(s.slice(0, bars), now, false, format);
    return anchor === null ? null : applyMath(anchor, s.slice(bars + 2), roundUp);
  }
  for (const f of fmts) {
    if (f === 'epoch_millis' && /^-?\d+(\.\d+)?$/.test(s)) return Math.floor(Number(s));
    if (f === 'epoch_second' && /^-?\d+(\.\d+)?$/.test(s)) return Math.floor(Number(s) * 1000);
    if (f !== 'epoch_millis' && f !== 'epoch_second') {
      const t = parseIso(s, roundUp);
      if (t !== null) return t;
    }
  }
  return null;
}

export function dateParseFailure(value: unknown, field: string): string {
  return `failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis]: [failed to parse date field [${String(value)}] with format [strict_date_optional_time||epoch_millis]] (field [${field}])`;
}

const TIME_UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ES time values such as `30s`, `1m`, `500ms`, `1d`; null when not one. */
export function parseTimeValue(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)$/.exec(v.trim());
  if (!m) return null;
  return Number(m[1]) * (TIME_UNITS[m[2] as string] ?? 1);
}

export function formatDate(t: number): string {
  return new Date(t).toISOString();
}
