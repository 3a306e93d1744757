/**
 * Incidents: the domain types shared by the core (main/incidents/) and the renderer, the zod schemas
 * that check every argument at the boundary (and every imported or stored file), and the requests.
 *
 * Every string is bounded, every array is bounded, every object is strict. Times are epoch
 * milliseconds (UTC) unless the field says otherwise (alert `startsAt` and log `time` stay the
 * ISO strings the backends gave).
 *
 * Template placeholders use `{{name}}` (lower-case, `a-z0-9_`): square brackets collide with
 * Markdown links and with log text such as `[WARN]`. The runbook's `[SEVERITY]` style converts
 * with `fromRunbookSyntax` in main/incidents/templates.ts.
 */
import { z } from 'zod';
import { request } from './define';

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const INCIDENT_LIMITS = {
  id: 100,
  name: 200,
  title: 300,
  text: 10_000,
  messageText: 20_000,
  templateBody: 10_000,
  url: 2048,
  fingerprint: 128,
  labelKey: 200,
  labelValue: 10_000,
  labels: 100,
  services: 100,
  instances: 500,
  links: 100,
  linkedAlerts: 200,
  timeline: 10_000,
  evidence: 200,
  messages: 1_000,
  templates: 200,
  logLines: 2_000,
  logFields: 50,
  chartSeries: 20,
  chartPoints: 5_000,
  dataKeys: 50,
  overrides: 50,
  /** Biggest file `incidents.import` reads (and `incidents.export` writes): 20 MiB. */
  importBytes: 20 * 1024 * 1024,
  fileName: 255,
} as const;

const L = INCIDENT_LIMITS;

/** An epoch-millisecond time between 1970 and year 275760 (the Date range). */
export const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);
/** Ids end up in file names: letters, digits, `.`, `_`, `-`, not starting with a dot. */
export const idSchema = z
  .string()
  .min(1)
  .max(L.id)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-" and not start with "."');
const nameText = z.string().max(L.name);
const titleText = z.string().max(L.title);
const longText = z.string().max(L.text);
const fingerprint = z.string().min(1).max(L.fingerprint);
const recordKey = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((k) => k !== '__proto__', 'the key "__proto__" is not allowed');
/** A bounded string → string map (alert labels, annotations). */
const stringMap = z
  .record(recordKey(L.labelKey), z.string().max(L.labelValue))
  .refine((r) => Object.keys(r).length <= L.labels, `at most ${L.labels} entries`);

export const severitySchema = z.enum(['critical', 'high', 'medium', 'low']);
export type IncidentSeverity = z.infer<typeof severitySchema>;
export const SEVERITIES: readonly IncidentSeverity[] = severitySchema.options;

export const statusSchema = z.enum(['investigating', 'identified', 'monitoring', 'resolved']);
export type IncidentStatus = z.infer<typeof statusSchema>;
export const STATUSES: readonly IncidentStatus[] = statusSchema.options;

/** The runbook's words for each severity. */
export const SEVERITY_MEANING: Record<IncidentSeverity, string> = {
  critical: 'Service completely unavailable',
  high: 'Major functionality impaired',
  medium: 'Minor functionality issues',
  low: 'Cosmetic or documentation issues',
};

export const httpUrlSchema = z
  .string()
  .min(1)
  .max(L.url)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const linkSchema = z.object({ title: titleText, url: httpUrlSchema }).strict();
export type IncidentLink = z.infer<typeof linkSchema>;

// ---------------------------------------------------------------------------------------------
// Incident
// ---------------------------------------------------------------------------------------------

export const alertSnapshotSchema = z
  .object({
    labels: stringMap,
    annotations: stringMap,
    startsAt: z.string().max(64),
    /** Alertmanager's state at link time: active | suppressed | unprocessed. */
    state: z.string().max(32),
  })
  .strict();
export type AlertSnapshot = z.infer<typeof alertSnapshotSchema>;

export const linkedAlertSchema = z
  .object({
    fingerprint,
    linkedAt: epochMs,
    /** Labels, annotations, start and state as they were when the alert was linked. */
    snapshot: alertSnapshotSchema,
    /** Whether the alert was still firing at the last look. */
    firing: z.boolean(),
    lastChangeAt: epochMs,
  })
  .strict();
export type LinkedAlert = z.infer<typeof linkedAlertSchema>;

/** When each response target was met (the runbook: respond 15 min, notify / status page 30 min, review 48 h). */
export const milestonesSchema = z
  .object({
    respondedAt: epochMs.optional(),
    notifiedAt: epochMs.optional(),
    statusPageAt: epochMs.optional(),
    reviewedAt: epochMs.optional(),
  })
  .strict();
export type IncidentMilestones = z.infer<typeof milestonesSchema>;

export const escalationLevelSchema = z.number().int().min(0).max(4);

export const incidentSchema = z
  .object({
    id: idSchema,
    title: titleText.min(1),
    severity: severitySchema,
    status: statusSchema,
    commander: nameText,
    commsLead: nameText.optional(),
    impact: longText,
    services: z.array(nameText).max(L.services),
    instances: z.array(nameText).max(L.instances),
    environment: nameText,
    declaredAt: epochMs,
    resolvedAt: epochMs.optional(),
    /** Free-text estimate ("14:30 UTC", "within the hour"), used by the {{eta}} placeholder. */
    eta: titleText.optional(),
    linkedAlerts: z.array(linkedAlertSchema).max(L.linkedAlerts),
    /** 0: not escalated; 1-4: the escalation matrix level reached. */
    escalationLevel: escalationLevelSchema,
    /** When the next status update is due; null once resolved. */
    nextUpdateDueAt: epochMs.nullable(),
    milestones: milestonesSchema,
    /** Related tickets, dashboards, the post-mortem. */
    links: z.array(linkSchema).max(L.links),
    updatedAt: epochMs,
  })
  .strict();
export type Incident = z.infer<typeof incidentSchema>;

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

export const timelineKindSchema = z.enum([
  'declared',
  'status',
  'severity',
  'alert-firing',
  'alert-resolved',
  'ack',
  'unack',
  'silence',
  'message',
  'note',
  'escalation',
  'evidence',
  'manual',
  'field',
]);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

const dataValue = z.union([z.string().max(L.text), z.number(), z.boolean(), z.null()]);
export const entryDataSchema = z
  .record(recordKey(100), dataValue)
  .refine((r) => Object.keys(r).length <= L.dataKeys, `at most ${L.dataKeys} entries`);
export type EntryData = z.infer<typeof entryDataSchema>;

export const timelineEntrySchema = z
  .object({
    id: idSchema,
    /** When it happened (editable: a note can be back-dated). */
    at: epochMs,
    /** When it was written down. */
    recordedAt: epochMs,
    editedAt: epochMs.optional(),
    kind: timelineKindSchema,
    text: longText,
    author: nameText,
    starred: z.boolean(),
    /** Captured by the console itself (alert changes, acks, field edits): may be hidden as noise. */
    system: z.boolean(),
    data: entryDataSchema.optional(),
  })
  .strict();
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

const logLineSchema = z
  .object({
    time: z.string().max(64),
    level: z.string().max(32),
    message: longText,
    fields: z
      .record(recordKey(L.labelKey), z.union([z.string().max(L.labelValue), z.number(), z.boolean(), z.null()]))
      .refine((r) => Object.keys(r).length <= L.logFields, `at most ${L.logFields} fields`),
  })
  .strict();
export type LogLine = z.infer<typeof logLineSchema>;

const chartPoint = z.tuple([z.number(), z.number()]);
const chartSeriesSchema = z.object({ name: nameText, points: z.array(chartPoint).max(L.chartPoints) }).strict();
export type ChartSeries = z.infer<typeof chartSeriesSchema>;

const alertEvidenceBody = {
  kind: z.literal('alert'),
  fingerprint,
  labels: stringMap,
  annotations: stringMap,
  startsAt: z.string().max(64),
  state: z.string().max(32),
};
const logsEvidenceBody = {
  kind: z.literal('logs'),
  query: longText.optional(),
  source: nameText.optional(),
  lines: z.array(logLineSchema).max(L.logLines),
};
const chartEvidenceBody = {
  kind: z.literal('chart'),
  unit: z.string().max(50),
  query: longText.optional(),
  series: z.array(chartSeriesSchema).max(L.chartSeries),
};
const evidenceCommon = { id: idSchema, at: epochMs, author: nameText, title: titleText, note: longText.optional() };

export const evidenceSchema = z.discriminatedUnion('kind', [
  z.object({ ...evidenceCommon, ...alertEvidenceBody }).strict(),
  z.object({ ...evidenceCommon, ...logsEvidenceBody }).strict(),
  z.object({ ...evidenceCommon, ...chartEvidenceBody }).strict(),
]);
export type Evidence = z.infer<typeof evidenceSchema>;
export type AlertEvidence = Extract<Evidence, { kind: 'alert' }>;
export type LogsEvidence = Extract<Evidence, { kind: 'logs' }>;
export type ChartEvidence = Extract<Evidence, { kind: 'chart' }>;

// ---------------------------------------------------------------------------------------------
// Messages and templates
// ---------------------------------------------------------------------------------------------

export const audienceSchema = z.enum(['stakeholders', 'status-page']);
export type MessageAudience = z.infer<typeof audienceSchema>;

export const messageSchema = z
  .object({
    id: idSchema,
    /** null: written without a template. */
    templateId: idSchema.nullable(),
    text: z.string().max(L.messageText),
    markdown: z.string().max(L.messageText * 2),
    at: epochMs,
    author: nameText,
    audiences: z.array(audienceSchema).max(2),
  })
  .strict();
export type Message = z.infer<typeof messageSchema>;

export const templateSchema = z
  .object({
    id: idSchema,
    name: titleText.min(1),
    /** Plain text with `{{placeholder}}` slots. */
    body: z.string().min(1).max(L.templateBody),
    builtIn: z.boolean(),
  })
  .strict();
export type Template = z.infer<typeof templateSchema>;

export const placeholderNameSchema = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[a-z][a-z0-9_]*$/, 'placeholder names are lower-case letters, digits and "_"');

export interface ComposedMessage {
  templateId: string;
  /** Plain text (never HTML); unfilled placeholders stay as `{{name}}`. */
  text: string;
  markdown: string;
  /** Placeholders with no value yet, in order of first appearance (for highlighting). */
  unfilled: string[];
  /** Where each unfilled placeholder sits in `text` (UTF-16 offsets, end exclusive). */
  unfilledSpans: { name: string; start: number; end: number }[];
}

// ---------------------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------------------

/** An incident with everything recorded on it: what `incidents.get` returns and `incidents.changed` carries. */
export interface IncidentDetail {
  incident: Incident;
  /** Sorted by `at`, then by `recordedAt`. */
  timeline: TimelineEntry[];
  evidence: Evidence[];
  messages: Message[];
}

export interface IncidentSummary {
  id: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  commander: string;
  environment: string;
  declaredAt: number;
  resolvedAt?: number;
  updatedAt: number;
  escalationLevel: number;
  nextUpdateDueAt: number | null;
  linkedAlertCount: number;
  firingAlertCount: number;
}

export interface EscalationLevelDef {
  level: 1 | 2 | 3 | 4;
  /** Who the level means, in the runbook's words ("Senior engineer + team lead"). */
  title: string;
  /** Names, pager handles, phone numbers: configured per installation. */
  contacts: string[];
}

export type ReminderKind = 'respond' | 'notify' | 'status-page' | 'status-update' | 'review';

export interface IncidentReminder {
  incidentId: string;
  incidentTitle: string;
  kind: ReminderKind;
  dueAt: number;
  overdue: boolean;
  /** "Status update overdue by 4 min" */
  message: string;
}

export interface StorageProblem {
  file: string;
  /** Where the unreadable file was moved (`<name>.corrupt-<ts>`), or null if it could not be moved. */
  movedTo: string | null;
  error: string;
  at: number;
}

/** A parsed export, shown read-only; nothing is merged into the live incidents. */
export interface ImportedIncidentReview {
  readOnly: true;
  fileName: string;
  version: number;
  exportedAt: string;
  incident: Incident;
  timeline: TimelineEntry[];
  evidence: Evidence[];
  messages: Message[];
  templatesUsed: Template[];
}

/**
 * A file the host was asked to open (`--open <file>`, the OS "open with", a file dropped on the
 * Electron window): its read-only review, or the clear reason it could not be read.
 */
export interface OpenedIncidentFile {
  fileName: string;
  review: ImportedIncidentReview | null;
  error: string | null;
  at: number;
}

export interface ExportedFile {
  fileName: string;
  mimeType: 'application/json' | 'text/html';
  content: string;
}

// ---------------------------------------------------------------------------------------------
// Request arguments
// ---------------------------------------------------------------------------------------------

const nonEmptyText = longText.min(1, 'must not be empty');
const services = z.array(nameText.min(1)).max(L.services);
const instances = z.array(nameText.min(1)).max(L.instances);
const fingerprints = z.array(fingerprint).max(L.linkedAlerts);

export const declareArgsSchema = z
  .object({
    /** Defaults to the first alert's summary, else "Untitled incident". */
    title: titleText.optional(),
    /** Defaults to the alerts' worst severity label, else "high". */
    severity: severitySchema.optional(),
    impact: longText.optional(),
    /** Defaults to the configured user. */
    commander: nameText.min(1).optional(),
    commsLead: nameText.min(1).optional(),
    services: services.optional(),
    /** Added to the alerts' `instance` labels. */
    instances: instances.optional(),
    environment: nameText.min(1).optional(),
    /** Declare from alerts: their current labels and annotations are snapshotted. */
    fromAlerts: fingerprints.optional(),
    /** Back-date the declaration (defaults to now). */
    declaredAt: epochMs.optional(),
    eta: titleText.optional(),
  })
  .strict();
export type DeclareArgs = z.infer<typeof declareArgsSchema>;

export const incidentChangesSchema = z
  .object({
    title: titleText.min(1).optional(),
    severity: severitySchema.optional(),
    status: statusSchema.optional(),
    commander: nameText.min(1).optional(),
    /** null removes the comms lead. */
    commsLead: nameText.min(1).nullable().optional(),
    impact: longText.optional(),
    services: services.optional(),
    instances: instances.optional(),
    environment: nameText.min(1).optional(),
    eta: titleText.nullable().optional(),
    links: z.array(linkSchema).max(L.links).optional(),
    linkAlerts: fingerprints.optional(),
    unlinkAlerts: fingerprints.optional(),
    /** Set (a time) or clear (null) a response milestone by hand, e.g. the post-incident review. */
    milestones: z
      .object({
        respondedAt: epochMs.nullable().optional(),
        notifiedAt: epochMs.nullable().optional(),
        statusPageAt: epochMs.nullable().optional(),
        reviewedAt: epochMs.nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type IncidentChanges = z.infer<typeof incidentChangesSchema>;

export const updateArgsSchema = z
  .object({
    id: idSchema,
    changes: incidentChangesSchema,
    /** Why (recorded on the status/severity timeline entry). */
    reason: longText.optional(),
    /** Optimistic concurrency: refused with `conflict` if the incident changed since. */
    expectedUpdatedAt: epochMs.optional(),
  })
  .strict();
export type UpdateArgs = z.infer<typeof updateArgsSchema>;

export const addEntryArgsSchema = z
  .object({
    incidentId: idSchema,
    text: nonEmptyText,
    /** When it happened; defaults to now. */
    at: epochMs.optional(),
    /** 'note' (default): a remark; 'manual': an event that happened outside the console. */
    kind: z.enum(['note', 'manual']).optional(),
    starred: z.boolean().optional(),
  })
  .strict();
export type AddEntryArgs = z.infer<typeof addEntryArgsSchema>;

export const editEntryArgsSchema = z
  .object({
    incidentId: idSchema,
    entryId: idSchema,
    at: epochMs.optional(),
    /** Only entries written by people (system: false) have editable text. */
    text: nonEmptyText.optional(),
    starred: z.boolean().optional(),
  })
  .strict()
  .refine((a) => a.at !== undefined || a.text !== undefined || a.starred !== undefined, 'nothing to change: give at, text or starred');
export type EditEntryArgs = z.infer<typeof editEntryArgsSchema>;

export const evidenceInputSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('alert'),
      fingerprint,
      title: titleText.optional(),
      /** Omit to take the alert as the core currently sees it. */
      labels: stringMap.optional(),
      annotations: stringMap.optional(),
      startsAt: z.string().max(64).optional(),
      state: z.string().max(32).optional(),
    })
    .strict(),
  z.object({ title: titleText.min(1), ...logsEvidenceBody }).strict(),
  z.object({ title: titleText.min(1), ...chartEvidenceBody }).strict(),
]);
export type EvidenceInput = z.infer<typeof evidenceInputSchema>;

export const attachEvidenceArgsSchema = z
  .object({
    incidentId: idSchema,
    evidence: evidenceInputSchema,
    note: longText.optional(),
    /** When the evidence was captured; defaults to now. */
    at: epochMs.optional(),
  })
  .strict();
export type AttachEvidenceArgs = z.infer<typeof attachEvidenceArgsSchema>;

export const overridesSchema = z
  .record(placeholderNameSchema, z.string().max(L.text))
  .refine((r) => Object.keys(r).length <= L.overrides, `at most ${L.overrides} overrides`);

export const composeMessageArgsSchema = z
  .object({
    incidentId: idSchema,
    templateId: idSchema,
    /** Values typed by the user (progress, next_steps, root_cause, …); they win over live data. */
    overrides: overridesSchema.optional(),
  })
  .strict();
export type ComposeMessageArgs = z.infer<typeof composeMessageArgsSchema>;

export const postMessageArgsSchema = z
  .object({
    incidentId: idSchema,
    templateId: idSchema.nullable(),
    text: z.string().min(1).max(L.messageText),
    /** Defaults to the text converted to Markdown. */
    markdown: z.string().max(L.messageText * 2).optional(),
    /** Who the message went to; counts towards the notify / status-page targets. Default both. */
    audiences: z.array(audienceSchema).max(2).optional(),
  })
  .strict();
export type PostMessageArgs = z.infer<typeof postMessageArgsSchema>;

export const escalateArgsSchema = z
  .object({
    incidentId: idSchema,
    /** Target level; defaults to one above the current level. Lower levels de-escalate. */
    level: escalationLevelSchema.optional(),
    reason: longText.optional(),
  })
  .strict();
export type EscalateArgs = z.infer<typeof escalateArgsSchema>;

export const saveTemplateArgsSchema = z
  .object({
    /** Omit to create; built-in templates cannot be overwritten (save a copy instead). */
    id: idSchema.optional(),
    name: titleText.min(1),
    body: z.string().min(1).max(L.templateBody),
  })
  .strict();
export type SaveTemplateArgs = z.infer<typeof saveTemplateArgsSchema>;

export const exportArgsSchema = z.object({ id: idSchema, format: z.enum(['json', 'html']) }).strict();
export type ExportArgs = z.infer<typeof exportArgsSchema>;

export const importArgsSchema = z
  .object({
    content: z.string().max(L.importBytes, 'the file is larger than 20 MiB, the most an incident export may be'),
    fileName: z.string().max(L.fileName),
  })
  .strict();
export type ImportArgs = z.infer<typeof importArgsSchema>;

const byId = z.object({ id: idSchema }).strict();

export const incidentRequests = {
  'incidents.list': request<IncidentSummary[]>()(z.object({}).strict()),
  'incidents.get': request<IncidentDetail>()(byId),
  'incidents.declare': request<IncidentDetail>()(declareArgsSchema),
  'incidents.update': request<IncidentDetail>()(updateArgsSchema),
  'incidents.addEntry': request<TimelineEntry>()(addEntryArgsSchema),
  'incidents.editEntry': request<TimelineEntry>()(editEntryArgsSchema),
  'incidents.attachEvidence': request<Evidence>()(attachEvidenceArgsSchema),
  'incidents.composeMessage': request<ComposedMessage>()(composeMessageArgsSchema),
  'incidents.postMessage': request<Message>()(postMessageArgsSchema),
  'incidents.escalate': request<IncidentDetail>()(escalateArgsSchema),
  'incidents.escalationMatrix': request<EscalationLevelDef[]>()(z.object({}).strict()),
  'incidents.reminders': request<IncidentReminder[]>()(z.object({}).strict()),
  'incidents.templates.list': request<Template[]>()(z.object({}).strict()),
  'incidents.templates.save': request<Template>()(saveTemplateArgsSchema),
  'incidents.templates.delete': request<void>()(byId),
  'incidents.export': request<ExportedFile>()(exportArgsSchema),
  'incidents.import': request<ImportedIncidentReview>()(importArgsSchema),
};

export type IncidentRequestName = keyof typeof incidentRequests;

export interface IncidentEvents {
  'incidents.list': IncidentSummary[];
  'incidents.changed': IncidentDetail;
  /** Response targets due within the lead time or overdue, across open incidents. */
  'incidents.reminders': IncidentReminder[];
  /** Files that could not be read at start (kept aside as `.corrupt-<ts>`). */
  'incidents.storage': StorageProblem[];
  /** The host opened an exported incident for review (null: none yet). */
  'incidents.review': OpenedIncidentFile | null;
  /** The escalation levels and contacts in force (changes with the environment and the config). */
  'incidents.escalationMatrix': EscalationLevelDef[];
}
