import type { AlertView } from '../../../../preload/contract';
import { hostOf } from '../servers/fleet-view';

const WINDOW_MS = 15 * 60_000;

/** A Lucene phrase: quotes and backslashes escaped. */
export function phrase(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The log search for an alert: its instance's host (or its service, or its job as the service) over
 * 15 minutes before it started up to now (or 15 minutes after it ended).
 */
export function alertLogsPivot(a: Pick<AlertView, 'labels' | 'startsAt' | 'endsAt' | 'state'>, now: number): { query: string; from: number; to: number } {
  const l = a.labels;
  const query = l.instance ? `host:${phrase(hostOf(l.instance))}` : l.service ? `service:${phrase(l.service)}` : l.job ? `service:${phrase(l.job)}` : '';
  const started = Date.parse(a.startsAt);
  const ended = Date.parse(a.endsAt);
  const from = (Number.isFinite(started) && started > 0 ? started : now - 3_600_000) - WINDOW_MS;
  const to = Number.isFinite(ended) && ended > 0 && ended < now ? Math.min(now, ended + WINDOW_MS) : now;
  return { query, from: Math.max(0, from), to: Math.max(to, from + 60_000) };
}
