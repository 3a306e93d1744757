/** Time and duration wording shared by message templates and the HTML report. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "2026-11-21 08:12 UTC" */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'invalid time';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2026-11-21 08:12:05 UTC" */
export function formatUtcSeconds(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'invalid time';
  return `${formatUtc(ms).slice(0, -4)}:${pad(d.getUTCSeconds())} UTC`;
}

function resolveZone(timeZone: string | undefined): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

export function isUtcZone(timeZone: string | undefined): boolean {
  const zone = resolveZone(timeZone);
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT' || zone === 'GMT' || zone === 'Etc/Universal';
}

/** "2026-11-21 09:12 CET" in the given IANA zone (default: this machine's). */
export function formatLocal(ms: number, timeZone?: string): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'invalid time';
  const zone = resolveZone(timeZone);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`.trim();
}

/** "2026-11-21 08:12 UTC (09:12 CET)"; just the UTC form when the local zone is UTC. The local date is shown only when it differs. */
export function formatBoth(ms: number, timeZone?: string): string {
  const utc = formatUtc(ms);
  if (isUtcZone(timeZone)) return utc;
  const local = formatLocal(ms, timeZone);
  const sameDate = local.slice(0, 10) === utc.slice(0, 10);
  return `${utc} (${sameDate ? local.slice(11) : local})`;
}

/** "<1 min", "45 min", "1 h 05 min", "2 d 3 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '<1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${pad(minutes % 60)} min`;
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24} h`;
}

/** "30 minutes", "1 hour", "2 hours", "90 minutes". */
export function formatInterval(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0 && minutes >= 60) {
    const h = minutes / 60;
    return h === 1 ? '1 hour' : `${h} hours`;
  }
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
