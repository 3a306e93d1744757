import type { IncidentSeverity, IncidentStatus, TimelineKind } from '../../../../preload/contract';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-21 08:12:05 UTC" */
export function fmtUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-11-21 09:12:05" in the browser's zone. */
export function fmtLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "08:12:05 UTC" (the time of day only). */
export function fmtUtcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export function fmtLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local`;
}

/** "2h 05m", "4m 10s", "3d 2h". */
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${s % 60}s`;
}

/** Value for <input type="datetime-local" step="1"> (local time). */
export function toLocalInput(ms: number): string {
  return fmtLocal(ms).replace(' ', 'T');
}

/** Parses a datetime-local value (local time); null when incomplete. */
export function fromLocalInput(v: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const t = d.getTime();
  return Number.isFinite(t) ? t : null;
}

export const SEVERITY_LABEL: Record<IncidentSeverity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };
export const STATUS_LABEL: Record<IncidentStatus, string> = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };

export const KIND_INFO: Record<TimelineKind, { icon: string; label: string }> = {
  declared: { icon: '⚑', label: 'Declared' },
  status: { icon: '◐', label: 'Status' },
  severity: { icon: '▲', label: 'Severity' },
  'alert-firing': { icon: '●', label: 'Alert firing' },
  'alert-resolved': { icon: '✓', label: 'Alert resolved' },
  ack: { icon: '◉', label: 'Acknowledged' },
  unack: { icon: '↺', label: 'Ack withdrawn' },
  silence: { icon: '⊘', label: 'Silence' },
  message: { icon: '✉', label: 'Message' },
  note: { icon: '✎', label: 'Note' },
  escalation: { icon: '⇧', label: 'Escalation' },
  evidence: { icon: '§', label: 'Evidence' },
  manual: { icon: '◷', label: 'Event' },
  field: { icon: '⚙', label: 'Change' },
};

/** Incident severity → the theme's colour class. */
export function sevClass(s: IncidentSeverity): string {
  return s === 'critical' ? 'crit' : s === 'high' ? 'warn' : s === 'medium' ? 'info' : 'low';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
