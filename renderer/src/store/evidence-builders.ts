/**
 * Turns what a pane shows into incident evidence within the contract's limits: log lines from a search,
 * a metric chart's data points (so the chart renders offline, in the export and the HTML report).
 */
import { INCIDENT_LIMITS, type EvidenceInput, type FleetHistory, type LogHit } from '../../../preload/contract';

const L = INCIDENT_LIMITS;
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export function logLinesEvidence(hits: LogHit[], query: string, source: string | null, max = 200): EvidenceInput {
  const lines = hits.slice(0, Math.min(max, L.logLines)).map((h) => {
    const fields: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(h.fields).slice(0, L.logFields)) {
      fields[cut(k, L.labelKey)] = typeof v === 'string' ? cut(v, L.labelValue) : v;
    }
    return {
      time: h.timestamp === null ? '' : new Date(h.timestamp).toISOString(),
      level: cut(h.level ?? '', 32),
      message: cut(h.message.map((s) => s.text).join(''), L.text),
      fields,
    };
  });
  return {
    kind: 'logs',
    title: cut(`Logs: ${query || '*'} (${lines.length} lines)`, L.title),
    query: cut(query, L.text),
    ...(source ? { source: cut(source, L.name) } : {}),
    lines,
  };
}

/** Keeps every series under the point limit by taking evenly spaced samples. */
function thin(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const step = points.length / max;
  return Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]!);
}

export function chartEvidence(title: string, unit: string, history: FleetHistory, metrics: string[]): EvidenceInput {
  const series = history.series
    .filter((s) => metrics.includes(s.metric))
    .slice(0, L.chartSeries)
    .map((s) => ({ name: cut(s.label || s.metric, L.name), points: thin(s.points, L.chartPoints) }));
  return { kind: 'chart', title: cut(`${title} · ${history.instance}`, L.title), unit, series };
}
