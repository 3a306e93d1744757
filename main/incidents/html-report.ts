/**
 * A self-contained HTML report of one incident: one file, no external resources (inline CSS,
 * charts as inline SVG drawn from the evidence's data points, no scripts), a strict CSP so that
 * even a mistake here cannot load or run anything. Every string from outside (titles, labels, log
 * lines, messages, names) is HTML-escaped; links are only made for http/https URLs.
 * Secrets are scrubbed first, as for the JSON export.
 */
import type { ChartEvidence, EscalationLevelDef, Evidence, LogsEvidence, TimelineEntry } from '../../preload/contract/incidents';
import { safeExternalUrl } from '../core/safe-url';
import { SEVERITY_MEANING } from '../../preload/contract/incidents';
import { buildIncidentExport, type IncidentExportInput } from './export-format';
import { DEFAULT_ESCALATION_MATRIX, escalationLabel } from './policy';
import { alertSummary } from './templates';
import { formatBoth, formatDuration, formatUtc, formatUtcSeconds } from './time-format';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface HtmlReportOptions {
  generatedAt: number;
  timeZone?: string;
  escalationMatrix?: readonly EscalationLevelDef[];
  appVersion?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** The URL, normalised, if it is http or https; otherwise null (javascript:, data:, file:, relative …). */
export const safeHref = safeExternalUrl;

function link(title: string, raw: string): string {
  const href = safeHref(raw);
  const label = escapeHtml(title || raw);
  if (!href) return `<span class="dead-link">${label} <small>(${escapeHtml(raw)}; not a web link, not linked)</small></span>`;
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${label}</a>`;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5b6475;--bg:#fff;--line:#d9dde5;--card:#f6f7f9;--crit:#b3261e;--high:#c25e00;--med:#8a6d00;--low:#3f6f3f}
@media (prefers-color-scheme:dark){:root{--fg:#e4e7ee;--muted:#9aa3b5;--bg:#14171c;--line:#2d333d;--card:#1c2027}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
.meta{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px;text-transform:uppercase}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}.sev-low{background:var(--low)}
.status{background:#445}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:4px 8px}
th{color:var(--muted);font-weight:600;white-space:nowrap}
td.time{white-space:nowrap;font-variant-numeric:tabular-nums}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);padding:8px;border-radius:4px;margin:4px 0}
.card{background:var(--card);border-radius:6px;padding:8px 12px;margin:10px 0}
.system td{color:var(--muted)}
.star{color:#d4a000}
.kv td:first-child{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap;width:1%}
.log td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.lvl-error,.lvl-fatal,.lvl-critical{color:var(--crit)}.lvl-warn,.lvl-warning{color:var(--high)}
.fields{color:var(--muted)}
svg{max-width:100%;height:auto;background:var(--card);border-radius:4px}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
#hide-system:checked ~ table tr.system{display:none}
.dead-link small{color:var(--muted)}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media print{#hide-system,label[for=hide-system]{display:none}}
`;

function kvTable(map: Record<string, string>): string {
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return '<p class="meta">none</p>';
  return `<table class="kv">${keys.map((k) => `<tr><td>${escapeHtml(k)}</td><td class="text">${escapeHtml(map[k] ?? '')}</td></tr>`).join('')}</table>`;
}

const PALETTE = ['#3b6fd8', '#d8543b', '#2e9e5b', '#a05ad8', '#d89b2e', '#2aa3b8', '#c0407a', '#6b7a8f'];

function num(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** Inline SVG line chart from the evidence's own points: only numbers and escaped text go in. */
export function renderChartSvg(chart: ChartEvidence): string {
  const W = 760;
  const H = 260;
  const left = 64;
  const right = 12;
  const top = 14;
  const bottom = 34;
  const series = chart.series.map((s) => ({ name: s.name, points: s.points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '<p class="meta">No data points.</p>';
  let tMin = Infinity;
  let tMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const [t, v] of all) {
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  // Times: epoch ms; values below 1e11 are taken as epoch seconds (Prometheus' unit).
  const scaleT = tMax < 1e11 ? 1000 : 1;
  if (tMax === tMin) {
    tMax += 1;
    tMin -= 1;
  }
  if (vMax === vMin) {
    vMax += Math.abs(vMax) > 0 ? Math.abs(vMax) * 0.1 : 1;
    vMin -= Math.abs(vMin) > 0 ? Math.abs(vMin) * 0.1 : 1;
  }
  const x = (t: number): number => left + ((t - tMin) / (tMax - tMin)) * (W - left - right);
  const y = (v: number): number => top + (1 - (v - vMin) / (vMax - vMin)) * (H - top - bottom);
  const unit = chart.unit ? ` ${chart.unit}` : '';
  const lines = series
    .map((s, i) => {
      if (s.points.length === 0) return '';
      const color = PALETTE[i % PALETTE.length] ?? '#3b6fd8';
      const pts = [...s.points].sort((a, b) => a[0] - b[0]).map(([t, v]) => `${num(x(t))},${num(y(v))}`).join(' ');
      const shape =
        s.points.length === 1
          ? `<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="3" fill="${color}"/>`
          : `<polyline fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round" points="${pts}"/>`;
      return `<g><title>${escapeHtml(s.name)}</title>${shape}</g>`;
    })
    .join('');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = vMin + f * (vMax - vMin);
      const yy = num(y(v));
      return `<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#8884" stroke-width="0.5"/><text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatValue(v) + unit)}</text>`;
    })
    .join('');
  const tLabel = (t: number): string => formatUtc(t * scaleT).slice(11, 16);
  const axis = `<text x="${left}" y="${H - 10}">${escapeHtml(formatUtc(tMin * scaleT))}</text><text x="${W - right}" y="${H - 10}" text-anchor="end">${escapeHtml(tLabel(tMax))} UTC</text>`;
  const legend = series
    .map((s, i) => `<span style="color:${PALETTE[i % PALETTE.length] ?? '#3b6fd8'}">&#9632;</span> ${escapeHtml(s.name)}`)
    .join(' &nbsp; ');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(chart.title)}">${grid}${axis}${lines}</svg><div class="meta">${legend}</div>`;
}

function renderLogs(e: LogsEvidence): string {
  const rows = e.lines
    .map((l) => {
      const fields = Object.entries(l.fields)
        .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(v === null ? 'null' : String(v))}`)
        .join(' ');
      const lvl = escapeHtml(l.level.toLowerCase().replace(/[^a-z]/g, ''));
      return `<tr><td class="time">${escapeHtml(l.time)}</td><td class="lvl-${lvl}">${escapeHtml(l.level)}</td><td class="text">${escapeHtml(l.message)}${fields ? `<div class="fields">${fields}</div>` : ''}</td></tr>`;
    })
    .join('');
  return `${e.query ? `<p class="meta">Query: <code>${escapeHtml(e.query)}</code>${e.source ? ` on ${escapeHtml(e.source)}` : ''}</p>` : ''}<table class="log"><tr><th>Time</th><th>Level</th><th>Message</th></tr>${rows}</table>`;
}

function renderEvidence(e: Evidence, tz: string | undefined): string {
  const head = `<h3>${escapeHtml(e.title)}</h3><p class="meta">${escapeHtml(e.kind)} · captured ${escapeHtml(formatBoth(e.at, tz))} by ${escapeHtml(e.author)}</p>${e.note ? `<p class="text">${escapeHtml(e.note)}</p>` : ''}`;
  let body: string;
  if (e.kind === 'alert') {
    body = `<p class="meta">Fingerprint ${escapeHtml(e.fingerprint)} · state ${escapeHtml(e.state)} · since ${escapeHtml(e.startsAt)}</p><h4>Labels</h4>${kvTable(e.labels)}<h4>Annotations</h4>${kvTable(e.annotations)}`;
  } else if (e.kind === 'logs') {
    body = renderLogs(e);
  } else {
    body = `${e.query ? `<p class="meta">Query: <code>${escapeHtml(e.query)}</code></p>` : ''}${renderChartSvg(e)}`;
  }
  return `<section class="card">${head}${body}</section>`;
}

function renderTimeline(entries: readonly TimelineEntry[], tz: string | undefined): string {
  if (entries.length === 0) return '<p class="meta">No entries.</p>';
  const rows = entries
    .map(
      (e) =>
        `<tr class="${e.system ? 'system' : 'human'}"><td class="time">${escapeHtml(formatUtcSeconds(e.at))}</td><td>${e.starred ? '<span class="star" title="starred">&#9733;</span> ' : ''}${escapeHtml(e.kind)}</td><td>${escapeHtml(e.author)}</td><td class="text">${escapeHtml(e.text)}${e.editedAt !== undefined ? ` <small class="meta">(edited ${escapeHtml(formatBoth(e.editedAt, tz))})</small>` : ''}</td></tr>`,
    )
    .join('');
  return `<input type="checkbox" id="hide-system"> <label for="hide-system">Hide system entries</label><table><tr><th>Time (UTC)</th><th>Kind</th><th>Who</th><th>What</th></tr>${rows}</table>`;
}

/** The report as one HTML document. */
export function renderIncidentHtml(input: IncidentExportInput, options: HtmlReportOptions): string {
  const doc = buildIncidentExport(input, options.generatedAt);
  const inc = doc.incident;
  const tz = options.timeZone;
  const matrix = options.escalationMatrix ?? DEFAULT_ESCALATION_MATRIX;
  const templateName = new Map(doc.templatesUsed.map((t) => [t.id, t.name]));
  const duration = formatDuration((inc.resolvedAt ?? options.generatedAt) - inc.declaredAt);

  const summaryRows: [string, string][] = [
    ['Incident', escapeHtml(inc.id)],
    ['Severity', `${escapeHtml(inc.severity)} — ${escapeHtml(SEVERITY_MEANING[inc.severity])}`],
    ['Status', escapeHtml(inc.status)],
    ['Declared', escapeHtml(formatBoth(inc.declaredAt, tz))],
    ['Resolved', inc.resolvedAt !== undefined ? escapeHtml(formatBoth(inc.resolvedAt, tz)) : '<span class="meta">not yet</span>'],
    ['Duration', escapeHtml(duration + (inc.resolvedAt === undefined ? ' so far' : ''))],
    ['Commander', escapeHtml(inc.commander)],
    ['Comms lead', inc.commsLead ? escapeHtml(inc.commsLead) : '<span class="meta">none</span>'],
    ['Environment', escapeHtml(inc.environment)],
    ['Escalation', escapeHtml(escalationLabel(inc.escalationLevel, matrix))],
    ['Services', escapeHtml(inc.services.join(', ') || '—')],
    ['Affected instances', escapeHtml(inc.instances.join(', ') || '—')],
    ['ETA', escapeHtml(inc.eta ?? '—')],
    ['Impact', `<span class="text">${escapeHtml(inc.impact || '—')}</span>`],
  ];
  const milestones = inc.milestones;
  const milestoneRows: [string, number | undefined][] = [
    ['First response', milestones.respondedAt],
    ['Stakeholders notified', milestones.notifiedAt],
    ['Status page updated', milestones.statusPageAt],
    ['Post-incident review', milestones.reviewedAt],
  ];

  const alerts = inc.linkedAlerts.length
    ? `<table><tr><th>Alert</th><th>Linked</th><th>Labels at link time</th></tr>${inc.linkedAlerts
        .map(
          (a) =>
            `<tr><td class="text">${escapeHtml(alertSummary(a))}</td><td class="time">${escapeHtml(formatUtc(a.linkedAt))}</td><td>${kvTable(a.snapshot.labels)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p class="meta">No linked alerts.</p>';

  const messages = doc.messages.length
    ? doc.messages
        .map(
          (m) =>
            `<section class="card"><p class="meta">${escapeHtml(formatBoth(m.at, tz))} · ${escapeHtml(m.author)}${m.templateId ? ` · ${escapeHtml(templateName.get(m.templateId) ?? m.templateId)}` : ''}${m.audiences.length ? ` · to ${escapeHtml(m.audiences.join(', '))}` : ''}</p><pre>${escapeHtml(m.text)}</pre></section>`,
        )
        .join('')
    : '<p class="meta">No messages.</p>';

  const links = inc.links.length ? `<ul>${inc.links.map((l) => `<li>${link(l.title, l.url)}</li>`).join('')}</ul>` : '<p class="meta">None.</p>';
  const evidence = doc.evidence.length ? doc.evidence.map((e) => renderEvidence(e, tz)).join('') : '<p class="meta">No evidence attached.</p>';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Incident ${inc.id}: ${inc.title}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(inc.title)}</h1>
<p><span class="badge sev-${escapeHtml(inc.severity)}">${escapeHtml(inc.severity)}</span> <span class="badge status">${escapeHtml(inc.status)}</span> <span class="meta">${escapeHtml(inc.id)} · declared ${escapeHtml(formatBoth(inc.declaredAt, tz))} · ${escapeHtml(duration)}</span></p>
</header>
<h2>Summary</h2>
<table class="kv">${summaryRows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>
<h2>Response targets</h2>
<table class="kv">${milestoneRows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v === undefined ? '<span class="meta">not recorded</span>' : escapeHtml(formatBoth(v, tz))}</td></tr>`).join('')}</table>
<h2>Linked alerts</h2>
${alerts}
<h2>Timeline</h2>
${renderTimeline(doc.timeline, tz)}
<h2>Messages</h2>
${messages}
<h2>Evidence</h2>
${evidence}
<h2>Related links</h2>
${links}
<footer>Generated by Ops Console${options.appVersion ? ` ${escapeHtml(options.appVersion)}` : ''} at ${escapeHtml(formatBoth(options.generatedAt, tz))}. Times are UTC unless marked. Anything that looked like a password, token or authorization header has been replaced by [REDACTED] or asterisks.</footer>
</body>
</html>
`;
}
