/**
 * Message templates: `{{placeholder}}` slots filled from the live incident, plus what the user typed
 * (overrides). The result is plain text (never HTML; nothing is escaped for a browser) and a
 * Markdown variant in which every filled-in value is Markdown-escaped, so a label such as
 * `*_prod_*` or `<script>` shows as written.
 *
 * A placeholder with no value stays in the text as `{{name}}` and is listed in `unfilled` with its
 * position, so the composer can highlight it.
 */
import type { ComposedMessage, EscalationLevelDef, Incident, LinkedAlert, Template } from '../../preload/contract/incidents';
import { SEVERITY_MEANING } from '../../preload/contract/incidents';
import { DEFAULT_ESCALATION_MATRIX, RUNBOOK_TARGETS, escalationLabel } from './policy';
import { formatBoth, formatDuration, formatInterval, formatLocal, formatUtc } from './time-format';

// ---------------------------------------------------------------------------------------------
// Built-in templates: the runbook's three, converted to {{placeholders}}, plus an internal briefing.
// ---------------------------------------------------------------------------------------------

export const BUILTIN_TEMPLATES: readonly Template[] = [
  {
    id: 'builtin-initial-alert',
    name: 'Initial Alert',
    builtIn: true,
    body: [
      'INCIDENT: {{severity}} - {{title}}',
      'Time: {{time}}',
      'Impact: {{impact}}',
      'Status: {{status}}',
      'ETA: {{eta}}',
      'Updates: Every {{update_interval}} or as significant progress is made',
    ].join('\n'),
  },
  {
    id: 'builtin-status-update',
    name: 'Status Update',
    builtIn: true,
    body: [
      'INCIDENT UPDATE: {{title}}',
      'Time: {{time}}',
      'Status: {{status}}',
      'Progress: {{progress}}',
      'Next Steps: {{next_steps}}',
      'ETA: {{eta}}',
    ].join('\n'),
  },
  {
    id: 'builtin-resolution-notice',
    name: 'Resolution Notice',
    builtIn: true,
    body: [
      'INCIDENT RESOLVED: {{title}}',
      'Time: {{time}}',
      'Duration: {{duration}}',
      'Root Cause: {{root_cause}}',
      'Resolution: {{resolution}}',
      'Prevention: {{prevention}}',
      'Post-Mortem: {{postmortem_link}}',
    ].join('\n'),
  },
  {
    id: 'builtin-internal-briefing',
    name: 'Internal Briefing',
    builtIn: true,
    body: [
      'INCIDENT {{id}}: {{severity}} - {{title}} ({{status}})',
      'Declared: {{declared_at}} ({{duration}} ago)',
      'Commander: {{commander}}',
      'Escalation: {{escalation}}',
      'Environment: {{environment}}',
      'Services: {{services}}',
      'Affected instances: {{instances}}',
      'Alerts: {{alerts}}',
      'Impact: {{impact}}',
      'Next update: {{next_update}}',
    ].join('\n'),
  },
];

export function isBuiltInTemplateId(id: string): boolean {
  return BUILTIN_TEMPLATES.some((t) => t.id === id);
}

// ---------------------------------------------------------------------------------------------
// Placeholders
// ---------------------------------------------------------------------------------------------

export interface PlaceholderInfo {
  name: string;
  description: string;
  /** live: from the incident; input: typed by the user (an override), sometimes with a live fallback. */
  source: 'live' | 'input';
}

export const PLACEHOLDERS: readonly PlaceholderInfo[] = [
  { name: 'id', description: 'Incident id', source: 'live' },
  { name: 'title', description: 'Brief description (incident title)', source: 'live' },
  { name: 'severity', description: 'Critical / High / Medium / Low', source: 'live' },
  { name: 'severity_meaning', description: "The runbook's meaning of the severity", source: 'live' },
  { name: 'status', description: 'Investigating / Identified / Monitoring / Resolved', source: 'live' },
  { name: 'time', description: 'Now, in UTC and local time', source: 'live' },
  { name: 'time_utc', description: 'Now, UTC', source: 'live' },
  { name: 'time_local', description: 'Now, local time', source: 'live' },
  { name: 'declared_at', description: 'When the incident was declared (UTC and local)', source: 'live' },
  { name: 'resolved_at', description: 'When it was resolved (UTC and local)', source: 'live' },
  { name: 'duration', description: 'Time since declaration (until resolution)', source: 'live' },
  { name: 'impact', description: 'User impact description', source: 'live' },
  { name: 'commander', description: 'Incident commander', source: 'live' },
  { name: 'comms_lead', description: 'Communications lead', source: 'live' },
  { name: 'environment', description: 'Environment', source: 'live' },
  { name: 'services', description: 'Affected services', source: 'live' },
  { name: 'instances', description: 'Affected instances', source: 'live' },
  { name: 'alerts', description: 'Linked alerts with their summaries', source: 'live' },
  { name: 'alert_count', description: 'Number of linked alerts', source: 'live' },
  { name: 'firing_count', description: 'Number of linked alerts still firing', source: 'live' },
  { name: 'escalation', description: 'Escalation level and who it means', source: 'live' },
  { name: 'next_update', description: 'When the next status update is due', source: 'live' },
  { name: 'update_interval', description: 'How often updates are sent', source: 'live' },
  { name: 'links', description: 'Related tickets and documents', source: 'live' },
  { name: 'eta', description: 'Estimated resolution time', source: 'input' },
  { name: 'progress', description: 'What has been done', source: 'input' },
  { name: 'next_steps', description: 'What will be done next', source: 'input' },
  { name: 'root_cause', description: 'Brief root cause', source: 'input' },
  { name: 'resolution', description: 'What was done to resolve', source: 'input' },
  { name: 'prevention', description: 'Steps to prevent recurrence', source: 'input' },
  { name: 'postmortem_link', description: 'Link to the detailed analysis', source: 'input' },
];

/** The runbook's bracket placeholders and what they become. */
const RUNBOOK_NAMES: Record<string, string> = {
  SEVERITY: 'severity',
  'BRIEF DESCRIPTION': 'title',
  TIMESTAMP: 'time',
  'USER IMPACT DESCRIPTION': 'impact',
  'ESTIMATED RESOLUTION TIME': 'eta',
  'UPDATED ESTIMATE': 'eta',
  'INVESTIGATING/IDENTIFIED/MONITORING/RESOLVED': 'status',
  STATUS: 'status',
  'WHAT HAS BEEN DONE': 'progress',
  'WHAT WILL BE DONE NEXT': 'next_steps',
  'TOTAL INCIDENT TIME': 'duration',
  'BRIEF ROOT CAUSE': 'root_cause',
  'WHAT WAS DONE TO RESOLVE': 'resolution',
  'STEPS TO PREVENT RECURRENCE': 'prevention',
  'LINK TO DETAILED ANALYSIS': 'postmortem_link',
};

/** Converts the runbook's `[SEVERITY]`-style slots it knows into `{{severity}}`; other brackets stay text. */
export function fromRunbookSyntax(body: string): string {
  return body.replace(/\[([A-Z][A-Z /]*[A-Z])\]/g, (m, inner: string) => {
    const name = RUNBOOK_NAMES[inner.replace(/\s+/g, ' ')];
    return name ? `{{${name}}}` : m;
  });
}

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,49})\s*\}\}/g;

/** The placeholder names a body uses, in order of first appearance. */
export function placeholdersIn(body: string): string[] {
  const seen = new Set<string>();
  for (const m of body.matchAll(PLACEHOLDER_RE)) seen.add((m[1] ?? '').toLowerCase());
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Filling
// ---------------------------------------------------------------------------------------------

export interface TemplateContext {
  incident: Incident;
  now: number;
  /** IANA zone for "local" times; default this machine's. */
  timeZone?: string;
  /** What the user typed; a non-blank override wins over live data. */
  overrides?: Readonly<Record<string, string>>;
  escalationMatrix?: readonly EscalationLevelDef[];
  updateIntervalMs?: number;
}

/** A value is a scalar or a list (a list of more than one item is written one per line as "- item"). */
type Value = string | string[];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function alertSummary(a: LinkedAlert): string {
  const l = a.snapshot.labels;
  const name = l.alertname ?? a.fingerprint;
  const where = l.instance ?? l.pod ?? l.service ?? l.job;
  const summary = a.snapshot.annotations.summary ?? a.snapshot.annotations.description ?? '';
  return `${name}${where ? ` on ${where}` : ''}${summary ? ` — ${summary}` : ''} (${a.firing ? 'firing' : 'resolved'})`;
}

function liveValue(name: string, ctx: TemplateContext): Value | undefined {
  const inc = ctx.incident;
  const tz = ctx.timeZone;
  switch (name) {
    case 'id':
      return inc.id;
    case 'title':
      return inc.title;
    case 'severity':
      return capitalise(inc.severity);
    case 'severity_meaning':
      return SEVERITY_MEANING[inc.severity];
    case 'status':
      return capitalise(inc.status);
    case 'time':
      return formatBoth(ctx.now, tz);
    case 'time_utc':
      return formatUtc(ctx.now);
    case 'time_local':
      return formatLocal(ctx.now, tz);
    case 'declared_at':
      return formatBoth(inc.declaredAt, tz);
    case 'resolved_at':
      return inc.resolvedAt === undefined ? undefined : formatBoth(inc.resolvedAt, tz);
    case 'duration':
      return formatDuration((inc.resolvedAt ?? ctx.now) - inc.declaredAt);
    case 'impact':
      return inc.impact;
    case 'commander':
      return inc.commander;
    case 'comms_lead':
      return inc.commsLead;
    case 'environment':
      return inc.environment;
    case 'services':
      return inc.services.join(', ');
    case 'instances':
      return inc.instances.join(', ');
    case 'alerts':
      return inc.linkedAlerts.map(alertSummary);
    case 'alert_count':
      return String(inc.linkedAlerts.length);
    case 'firing_count':
      return String(inc.linkedAlerts.filter((a) => a.firing).length);
    case 'escalation':
      return escalationLabel(inc.escalationLevel, ctx.escalationMatrix ?? DEFAULT_ESCALATION_MATRIX);
    case 'next_update':
      return inc.nextUpdateDueAt === null ? undefined : formatBoth(inc.nextUpdateDueAt, tz);
    case 'update_interval':
      return formatInterval(ctx.updateIntervalMs ?? RUNBOOK_TARGETS.updateIntervalMs);
    case 'links':
      return inc.links.map((l) => `${l.title ? `${l.title}: ` : ''}${l.url}`);
    case 'eta':
      return inc.eta;
    case 'postmortem_link':
      return inc.links.find((l) => /post[- ]?mortem|review|analysis|\brca\b/i.test(l.title))?.url;
    default:
      return undefined;
  }
}

function isEmpty(v: Value | undefined): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return v.trim() === '';
}

/** Fills a template body. Pure: same input, same output. */
export function fillTemplate(body: string, ctx: TemplateContext): Omit<ComposedMessage, 'templateId'> {
  let text = '';
  const unfilled: string[] = [];
  const unfilledSpans: ComposedMessage['unfilledSpans'] = [];
  let last = 0;
  for (const m of body.matchAll(PLACEHOLDER_RE)) {
    const start = m.index;
    text += body.slice(last, start);
    last = start + m[0].length;
    const name = (m[1] ?? '').toLowerCase();
    const override = ctx.overrides?.[name];
    const value: Value | undefined = override !== undefined && override.trim() !== '' ? override : liveValue(name, ctx);
    if (isEmpty(value)) {
      unfilledSpans.push({ name, start: text.length, end: text.length + m[0].length });
      if (!unfilled.includes(name)) unfilled.push(name);
      text += m[0];
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 1) text += value[0];
      else {
        const atLineStart = /(^|\n)[ \t]*$/.test(text);
        text += (atLineStart ? '' : '\n') + value.map((v) => `- ${v}`).join('\n');
      }
    } else {
      text += value;
    }
  }
  text += body.slice(last);
  return { text, markdown: textToMarkdown(text), unfilled, unfilledSpans };
}

export function composeMessage(template: Template, ctx: TemplateContext): ComposedMessage {
  return { templateId: template.id, ...fillTemplate(template.body, ctx) };
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/** Backslash-escapes Markdown syntax inside a line (CommonMark allows a backslash before any ASCII punctuation). */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_[\]<>#|~&!]/g, '\\$&')
    .replace(/^(\s*)([-+=>])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

const KEY_LINE = /^([A-Z][A-Za-z0-9 ()/-]{0,40}):(\s|$)/;

/**
 * The Markdown form of a plain-text message: lines "Key: value" get a bold key, lines "- item"
 * become list items, every other character that Markdown would interpret is escaped. Lines are
 * kept as hard line breaks; a list is set off from the text around it by blank lines.
 */
export function textToMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let out = '';
  let prev: 'none' | 'blank' | 'text' | 'list' = 'none';
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') {
      if (prev !== 'none') out += '\n';
      prev = 'blank';
      continue;
    }
    const item = /^\s*[-*•]\s+(.*)$/.exec(line);
    const kind = item ? 'list' : 'text';
    let md: string;
    if (item) md = `- ${escapeMarkdown(item[1] ?? '')}`;
    else {
      const key = KEY_LINE.exec(line);
      md = key ? `**${escapeMarkdown(key[1] ?? '')}:**${escapeMarkdown(line.slice(key[0].length - (key[2] ?? '').length))}` : escapeMarkdown(line);
    }
    if (prev === 'text') out += kind === 'text' ? '  \n' : '\n\n';
    else if (prev === 'list') out += kind === 'list' ? '\n' : '\n\n';
    else if (prev === 'blank') out += '\n';
    out += md;
    prev = kind;
  }
  return out;
}
