/**
 * The incident service: holds the incidents, implements every `incidents.*` request, and writes the
 * timeline by itself from what the console sees (alerts firing and resolving, acks, silences) and
 * does (status and severity changes, messages, escalations). No Electron, no network; the clock,
 * the id generator, persistence and the event sink are injected.
 *
 * Objects returned and emitted are the service's own: treat them as read-only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AlertView, AlertsUpdate } from '../../preload/contract/alerts';
import type { RequestDef } from '../../preload/contract/define';
import {
  INCIDENT_LIMITS,
  incidentRequests,
  type AddEntryArgs,
  type AttachEvidenceArgs,
  type ComposeMessageArgs,
  type ComposedMessage,
  type DeclareArgs,
  type EditEntryArgs,
  type EntryData,
  type EscalateArgs,
  type EscalationLevelDef,
  type Evidence,
  type ExportArgs,
  type ExportedFile,
  type ImportArgs,
  type ImportedIncidentReview,
  type Incident,
  type IncidentDetail,
  type IncidentEvents,
  type IncidentReminder,
  type IncidentRequestName,
  type IncidentSeverity,
  type IncidentSummary,
  type LinkedAlert,
  type Message,
  type PostMessageArgs,
  type SaveTemplateArgs,
  type StorageProblem,
  type Template,
  type TimelineEntry,
  type TimelineKind,
  type UpdateArgs,
} from '../../preload/contract/incidents';
import { ConsoleError } from '../core/errors';
import { formatZodError } from '../core/validation';
import { compareEntries, parseIncidentExport, serializeIncidentExport } from './export-format';
import { renderIncidentHtml } from './html-report';
import { DEFAULT_TARGETS, escalationLabel, mergeEscalationMatrix, pendingTargets, type ResponseTargets, type TargetsBySeverity } from './policy';
import { MAX_WATCHED, type IncidentStore, type StoredIncident, type WatchedAlert } from './store';
import { BUILTIN_TEMPLATES, composeMessage, fromRunbookSyntax, isBuiltInTemplateId, textToMarkdown } from './templates';
import { formatBoth, formatUtc } from './time-format';

const L = INCIDENT_LIMITS;
const MIN = 60_000;

/** Room kept in a full timeline for people: system entries stop this far below the limit. */
const SYSTEM_ENTRY_RESERVE = 500;
/** Total evidence per incident, as JSON characters: keeps the export under the 20 MiB import limit. */
export const MAX_EVIDENCE_CHARS = 12 * 1024 * 1024;
/** A timeline entry may be back-dated freely but not put in the future (beyond clock skew). */
const FUTURE_TOLERANCE_MS = 60_000;

export type IdKind = 'incident' | 'entry' | 'evidence' | 'message' | 'template';

export type IncidentServiceEvent = { [K in keyof IncidentEvents]: { name: K; payload: IncidentEvents[K] } }[keyof IncidentEvents];

/** Where the service hands changed state for saving (IncidentStore implements it). */
export interface IncidentPersistence {
  schedule(record: StoredIncident): void;
  scheduleTemplates(templates: readonly Template[]): void;
}

export interface IncidentServiceOptions {
  now?: () => number;
  newId?: (kind: IdKind, now: number) => string;
  /** Who is at the keyboard (config `user`): the author of entries made through requests. */
  user?: string | (() => string);
  /** The environment new incidents belong to when neither the request nor alerts say. */
  environment?: () => string | null;
  /** Titles and contacts per level; missing levels keep the runbook's defaults. */
  escalationMatrix?: readonly Partial<EscalationLevelDef>[];
  /** Response targets per severity; missing values keep the runbook's. */
  targets?: Partial<Record<IncidentSeverity, Partial<ResponseTargets>>>;
  /** How long before a target `dueReminders` starts reporting it; default 5 min. */
  reminderLeadMs?: number;
  /** IANA zone for "local" times in messages and reports. */
  timeZone?: string;
  appVersion?: string;
  persistence?: IncidentPersistence;
  emit?: (event: IncidentServiceEvent) => void;
}

export interface AckEvent {
  fingerprints: readonly string[];
  author?: string;
  /** When the ack runs out (epoch ms). */
  until?: number;
  comment?: string;
  at?: number;
}

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** false for != and !~; default true. */
  isEqual?: boolean;
}

export interface SilenceEvent {
  silenceId: string;
  matchers: readonly SilenceMatcher[];
  author?: string;
  comment?: string;
  endsAt?: number;
  /** Alerts the silence is known to cover (in addition to matching by matchers). */
  fingerprints?: readonly string[];
  at?: number;
}

type ResultOf<N extends IncidentRequestName> = (typeof incidentRequests)[N] extends RequestDef<z.ZodType, infer R> ? R : never;
type ArgsOf<N extends IncidentRequestName> = z.output<(typeof incidentRequests)[N]['args']>;
export type IncidentHandlers = { [N in IncidentRequestName]: (args: ArgsOf<N>) => ResultOf<N> };

interface Live extends StoredIncident {
  evidenceChars: number;
}

function defaultNewId(kind: IdKind, now: number): string {
  if (kind === 'incident') {
    const t = formatUtc(now); // "2026-11-21 08:12 UTC"
    return `INC-${t.slice(0, 10).replace(/-/g, '')}-${t.slice(11, 16).replace(':', '')}-${randomBytes(3).toString('hex')}`;
  }
  const prefix = { entry: 'e', evidence: 'ev', message: 'm', template: 't' }[kind];
  return `${prefix}-${randomUUID()}`;
}

const SEVERITY_RANK: Record<IncidentSeverity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** Alert `severity` label → incident severity. */
export function severityFromLabel(label: string | undefined): IncidentSeverity | undefined {
  const s = (label ?? '').toLowerCase();
  if (/^(critical|crit|page|emergency|fatal|p0|p1|sev0|sev1)$/.test(s)) return 'critical';
  if (/^(high|error|major|p2|sev2)$/.test(s)) return 'high';
  if (/^(warning|warn|medium|minor|moderate|p3|sev3)$/.test(s)) return 'medium';
  if (/^(info|informational|low|notice|none|p4|p5|sev4|sev5)$/.test(s)) return 'low';
  return undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function uniq(items: readonly string[], max: number): string[] {
  return [...new Set(items.filter((s) => s !== ''))].slice(0, max);
}

function hostOf(instance: string): string {
  // "node1:9100" → "node1", "[::1]:9100" → "::1", "https://host:443/x" → "host"
  const noScheme = instance.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(noScheme);
  if (bracket) return bracket[1] ?? noScheme;
  return noScheme.replace(/:\d+$/, '');
}

function instanceMatches(alertInstance: string | undefined, affected: readonly string[]): boolean {
  if (!alertInstance) return false;
  const host = hostOf(alertInstance).toLowerCase();
  return affected.some((a) => a === alertInstance || hostOf(a).toLowerCase() === host);
}

function parseTime(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t >= 0 ? t : undefined;
}

function snapshotOf(alert: AlertView): LinkedAlert['snapshot'] {
  return {
    labels: boundedMap(alert.labels),
    annotations: boundedMap(alert.annotations),
    startsAt: alert.startsAt.slice(0, 64),
    state: alert.state.slice(0, 32),
  };
}

function boundedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map)
      .filter(([k]) => k !== '__proto__' && k.length > 0)
      .slice(0, L.labels)
      .map(([k, v]) => [k.slice(0, L.labelKey), String(v).slice(0, L.labelValue)]),
  );
}

function describeAlert(labels: Record<string, string>, annotations: Record<string, string>, fingerprint: string): string {
  const name = labels.alertname ?? fingerprint;
  const where = labels.instance ?? labels.pod ?? labels.service ?? labels.job;
  const summary = annotations.summary ?? annotations.description ?? '';
  return `${name}${where ? ` on ${where}` : ''}${summary ? ` — ${summary}` : ''}`;
}

function matcherMatches(m: SilenceMatcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? '';
  let hit: boolean;
  if (m.isRegex) {
    try {
      hit = new RegExp(`^(?:${m.value})$`).test(value);
    } catch {
      return false;
    }
  } else hit = value === m.value;
  return (m.isEqual ?? true) ? hit : !hit;
}

function describeMatchers(matchers: readonly SilenceMatcher[]): string {
  return matchers
    .map((m) => `${m.name}${m.isEqual === false ? (m.isRegex ? '!~' : '!=') : m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`)
    .join(', ');
}

function safeFilePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}

export class IncidentService {
  private readonly now: () => number;
  private readonly newId: (kind: IdKind, now: number) => string;
  private readonly user: () => string;
  private readonly environment: () => string | null;
  private matrix: EscalationLevelDef[];
  private readonly targets: TargetsBySeverity;
  private readonly leadMs: number;
  private readonly timeZone: string | undefined;
  private readonly appVersion: string | undefined;
  private readonly persistence: IncidentPersistence | undefined;
  private readonly emitEvent: (event: IncidentServiceEvent) => void;

  private readonly incidents = new Map<string, Live>();
  private customTemplates: Template[] = [];
  /** The latest alert map, held by reference: the alerts feature replaces (never mutates) it per poll. */
  private alerts: ReadonlyMap<string, AlertView> = new Map<string, AlertView>();
  private alertsEnvironment: string | null = null;
  private problems: StorageProblem[] = [];
  private lastReminderKey = '';

  constructor(options: IncidentServiceOptions = {}) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? defaultNewId;
    const user = options.user ?? 'ops-console';
    this.user = typeof user === 'function' ? user : () => user;
    this.environment = options.environment ?? (() => null);
    this.matrix = mergeEscalationMatrix(options.escalationMatrix);
    this.targets = Object.fromEntries(
      (Object.keys(DEFAULT_TARGETS) as IncidentSeverity[]).map((s) => [s, { ...DEFAULT_TARGETS[s], ...(options.targets?.[s] ?? {}) }]),
    ) as TargetsBySeverity;
    this.leadMs = options.reminderLeadMs ?? 5 * MIN;
    this.timeZone = options.timeZone;
    this.appVersion = options.appVersion;
    this.persistence = options.persistence;
    this.emitEvent = options.emit ?? (() => undefined);
  }

  /** Puts loaded state in place (IncidentStore.loadAll's result) and announces it. */
  load(data: { incidents: readonly StoredIncident[]; templates?: readonly Template[]; problems?: readonly StorageProblem[] }): void {
    for (const r of data.incidents) {
      const detail: IncidentDetail = { ...r.detail, timeline: [...r.detail.timeline].sort(compareEntries) };
      this.incidents.set(detail.incident.id, { detail, watch: [...r.watch], evidenceChars: JSON.stringify(detail.evidence).length });
    }
    if (data.templates) this.customTemplates = data.templates.filter((t) => !t.builtIn && !isBuiltInTemplateId(t.id)).map((t) => ({ ...t, builtIn: false }));
    this.problems = [...(data.problems ?? [])];
    this.emitEvent({ name: 'incidents.list', payload: this.list() });
    if (this.problems.length) this.emitEvent({ name: 'incidents.storage', payload: this.storageProblems() });
  }

  storageProblems(): StorageProblem[] {
    return [...this.problems];
  }

  /** The request handlers, by contract name, for the core to register. */
  handlers(): IncidentHandlers {
    return {
      'incidents.list': () => this.list(),
      'incidents.get': (a) => this.get(a.id),
      'incidents.declare': (a) => this.declare(a),
      'incidents.update': (a) => this.update(a),
      'incidents.addEntry': (a) => this.addEntry(a),
      'incidents.editEntry': (a) => this.editEntry(a),
      'incidents.attachEvidence': (a) => this.attachEvidence(a),
      'incidents.composeMessage': (a) => this.composeMessage(a),
      'incidents.postMessage': (a) => this.postMessage(a),
      'incidents.escalate': (a) => this.escalate(a),
      'incidents.escalationMatrix': () => this.escalationMatrix(),
      'incidents.reminders': () => this.dueReminders(),
      'incidents.templates.list': () => this.listTemplates(),
      'incidents.templates.save': (a) => this.saveTemplate(a),
      'incidents.templates.delete': (a) => this.deleteTemplate(a.id),
      'incidents.export': (a) => this.exportIncident(a),
      'incidents.import': (a) => this.importIncident(a),
    };
  }

  /** Validates raw arguments against the contract, then runs the request (for hosts and tests without the core). */
  invoke<N extends IncidentRequestName>(name: N, rawArgs: unknown): ResultOf<N> {
    const def = incidentRequests[name] as unknown as RequestDef<z.ZodType, ResultOf<N>>;
    const parsed = def.args.safeParse(rawArgs ?? {});
    if (!parsed.success) throw new ConsoleError('invalid-argument', `${name}: ${formatZodError(parsed.error)}`);
    const handler = this.handlers()[name] as (args: unknown) => ResultOf<N>;
    return handler(parsed.data);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading
  // ---------------------------------------------------------------------------------------------

  list(): IncidentSummary[] {
    return [...this.incidents.values()]
      .map(({ detail: { incident: i } }): IncidentSummary => ({
        id: i.id,
        title: i.title,
        severity: i.severity,
        status: i.status,
        commander: i.commander,
        environment: i.environment,
        declaredAt: i.declaredAt,
        ...(i.resolvedAt !== undefined ? { resolvedAt: i.resolvedAt } : {}),
        updatedAt: i.updatedAt,
        escalationLevel: i.escalationLevel,
        nextUpdateDueAt: i.nextUpdateDueAt,
        linkedAlertCount: i.linkedAlerts.length,
        firingAlertCount: i.linkedAlerts.filter((a) => a.firing).length,
      }))
      .sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved') || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.declaredAt - a.declaredAt);
  }

  get(id: string): IncidentDetail {
    return this.live(id).detail;
  }

  /** Replaces the installation's contacts (config or file changed); true if the matrix is different. */
  setEscalationMatrix(custom: readonly Partial<EscalationLevelDef>[] | undefined): boolean {
    const next = mergeEscalationMatrix(custom);
    if (JSON.stringify(next) === JSON.stringify(this.matrix)) return false;
    this.matrix = next;
    return true;
  }

  escalationMatrix(): EscalationLevelDef[] {
    return this.matrix.map((d) => ({ ...d, contacts: [...d.contacts] }));
  }

  listTemplates(): Template[] {
    return [...BUILTIN_TEMPLATES, ...[...this.customTemplates].sort((a, b) => a.name.localeCompare(b.name))];
  }

  /** The record as stored (for persistence and tests). */
  stored(id: string): StoredIncident {
    const l = this.live(id);
    return { detail: l.detail, watch: l.watch };
  }

  private live(id: string): Live {
    const l = this.incidents.get(id);
    if (!l) throw new ConsoleError('not-found', `no incident "${id}"`);
    return l;
  }

  private template(id: string): Template {
    const t = BUILTIN_TEMPLATES.find((x) => x.id === id) ?? this.customTemplates.find((x) => x.id === id);
    if (!t) throw new ConsoleError('not-found', `no template "${id}"`);
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Requests that change things
  // ---------------------------------------------------------------------------------------------

  declare(args: DeclareArgs): IncidentDetail {
    const now = this.now();
    const alerts = (args.fromAlerts ?? []).map((fp) => {
      const a = this.alerts.get(fp);
      if (!a) throw new ConsoleError('not-found', `alert ${fp} is not among the current alerts (it may have resolved); refresh and try again`);
      return a;
    });
    const worst = alerts
      .map((a) => severityFromLabel(a.labels.severity))
      .filter((s): s is IncidentSeverity => s !== undefined)
      .sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0];
    const first = alerts[0];
    const title = clip(
      args.title?.trim() || (first ? (first.annotations.summary ?? describeAlert(first.labels, {}, first.fingerprint)) : '') || 'Untitled incident',
      L.title,
    );
    const declaredAt = args.declaredAt ?? now;
    if (declaredAt > now + FUTURE_TOLERANCE_MS) throw new ConsoleError('invalid-argument', 'declaredAt: an incident cannot be declared in the future');
    const severity = args.severity ?? worst ?? 'high';
    let id = this.newId('incident', now);
    for (let n = 2; this.incidents.has(id); n++) id = `${this.newId('incident', now)}-${n}`;
    const environment = args.environment ?? (alerts.length ? this.alertsEnvironment : null) ?? this.environment() ?? this.alertsEnvironment ?? 'default';
    const incident: Incident = {
      id,
      title,
      severity,
      status: 'investigating',
      commander: args.commander ?? clip(this.user(), L.name),
      impact: args.impact ?? '',
      services: uniq([...(args.services ?? []), ...alerts.map((a) => a.labels.service ?? '')], L.services).map((s) => clip(s, L.name)),
      instances: uniq([...(args.instances ?? []), ...alerts.map((a) => a.labels.instance ?? '')], L.instances).map((s) => clip(s, L.name)),
      environment: clip(environment, L.name),
      declaredAt,
      linkedAlerts: alerts.slice(0, L.linkedAlerts).map((a) => ({ fingerprint: a.fingerprint, linkedAt: now, snapshot: snapshotOf(a), firing: true, lastChangeAt: now })),
      escalationLevel: 0,
      nextUpdateDueAt: declaredAt + this.targets[severity].updateIntervalMs,
      milestones: {},
      links: [],
      updatedAt: now,
    };
    if (args.commsLead) incident.commsLead = args.commsLead;
    if (args.eta) incident.eta = args.eta;
    const live: Live = { detail: { incident, timeline: [], evidence: [], messages: [] }, watch: [], evidenceChars: 2 };
    this.incidents.set(id, live);
    this.addTimeline(live, {
      kind: 'declared',
      at: declaredAt,
      text: `Declared ${capitalise(severity)} incident "${title}" — commander ${incident.commander}${alerts.length ? `, from ${alerts.length} alert${alerts.length > 1 ? 's' : ''}` : ''}`,
      system: false,
      data: { severity, commander: incident.commander },
    });
    for (const a of incident.linkedAlerts) {
      const started = parseTime(a.snapshot.startsAt);
      this.addTimeline(live, {
        kind: 'alert-firing',
        at: started !== undefined && started <= now ? started : now,
        text: `FIRING: ${describeAlert(a.snapshot.labels, a.snapshot.annotations, a.fingerprint)}`,
        system: true,
        data: this.alertData(a.fingerprint, a.snapshot.labels, true),
      });
    }
    this.changed(live);
    return live.detail;
  }

  update(args: UpdateArgs): IncidentDetail {
    const live = this.live(args.id);
    const inc = live.detail.incident;
    if (args.expectedUpdatedAt !== undefined && args.expectedUpdatedAt !== inc.updatedAt) {
      throw new ConsoleError('conflict', `incident ${inc.id} was changed by someone else since you opened it; reload and try again`);
    }
    const c = args.changes;
    const now = this.now();
    const reason = args.reason?.trim() ? ` — ${args.reason.trim()}` : '';
    let touched = false;
    const field = (text: string, data: EntryData, system = true): void => {
      this.addTimeline(live, { kind: 'field', text, system, data });
      touched = true;
    };

    // Validate everything that can fail before changing anything.
    const toLink = (c.linkAlerts ?? []).filter((fp) => !inc.linkedAlerts.some((a) => a.fingerprint === fp));
    const linkAlerts = toLink.map((fp) => {
      const a = this.alerts.get(fp);
      if (!a) throw new ConsoleError('not-found', `alert ${fp} is not among the current alerts; it cannot be linked`);
      return a;
    });
    if (inc.linkedAlerts.length + linkAlerts.length > L.linkedAlerts) {
      throw new ConsoleError('conflict', `an incident links at most ${L.linkedAlerts} alerts`);
    }

    if (c.title !== undefined && c.title !== inc.title) {
      field(`Title: "${inc.title}" → "${c.title}"`, { field: 'title', from: inc.title, to: c.title });
      inc.title = c.title;
    }
    if (c.severity !== undefined && c.severity !== inc.severity) {
      const up = SEVERITY_RANK[c.severity] > SEVERITY_RANK[inc.severity];
      this.addTimeline(live, {
        kind: 'severity',
        text: `Severity ${up ? 'raised' : 'lowered'}: ${capitalise(inc.severity)} → ${capitalise(c.severity)}${reason}`,
        system: false,
        data: { from: inc.severity, to: c.severity },
      });
      inc.severity = c.severity;
      touched = true;
    }
    if (c.status !== undefined && c.status !== inc.status) {
      const from = inc.status;
      const reopened = from === 'resolved';
      this.addTimeline(live, {
        kind: 'status',
        text: `${reopened ? 'Reopened: ' : ''}Status: ${capitalise(from)} → ${capitalise(c.status)}${reason}`,
        system: false,
        data: { from, to: c.status },
      });
      inc.status = c.status;
      if (c.status === 'resolved') {
        inc.resolvedAt = now;
        inc.nextUpdateDueAt = null;
      } else if (reopened) {
        delete inc.resolvedAt;
        inc.nextUpdateDueAt = now + this.targets[inc.severity].updateIntervalMs;
      }
      this.responded(live, now);
      touched = true;
    }
    if (c.commander !== undefined && c.commander !== inc.commander) {
      field(`Commander: ${inc.commander} → ${c.commander}`, { field: 'commander', from: inc.commander, to: c.commander }, false);
      inc.commander = c.commander;
    }
    if (c.commsLead !== undefined && (c.commsLead ?? undefined) !== inc.commsLead) {
      field(c.commsLead === null ? `Comms lead ${inc.commsLead ?? ''} removed` : `Comms lead: ${c.commsLead}`, { field: 'commsLead', from: inc.commsLead ?? null, to: c.commsLead }, false);
      if (c.commsLead === null) delete inc.commsLead;
      else inc.commsLead = c.commsLead;
    }
    if (c.impact !== undefined && c.impact !== inc.impact) {
      field(`Impact: ${c.impact || '(cleared)'}`, { field: 'impact', to: c.impact });
      inc.impact = c.impact;
    }
    if (c.services !== undefined && c.services.join('\n') !== inc.services.join('\n')) {
      inc.services = uniq(c.services, L.services);
      field(`Services: ${inc.services.join(', ') || '(none)'}`, { field: 'services', to: inc.services.join(', ') });
    }
    if (c.instances !== undefined && c.instances.join('\n') !== inc.instances.join('\n')) {
      inc.instances = uniq(c.instances, L.instances);
      field(`Affected instances: ${inc.instances.join(', ') || '(none)'}`, { field: 'instances', to: inc.instances.join(', ') });
    }
    if (c.environment !== undefined && c.environment !== inc.environment) {
      field(`Environment: ${inc.environment} → ${c.environment}`, { field: 'environment', from: inc.environment, to: c.environment });
      inc.environment = c.environment;
    }
    if (c.eta !== undefined && (c.eta ?? undefined) !== inc.eta) {
      field(c.eta ? `ETA: ${c.eta}` : 'ETA cleared', { field: 'eta', to: c.eta ?? null });
      if (c.eta) inc.eta = c.eta;
      else delete inc.eta;
    }
    if (c.links !== undefined && JSON.stringify(c.links) !== JSON.stringify(inc.links)) {
      const added = c.links.filter((l) => !inc.links.some((o) => o.url === l.url));
      field(added.length ? `Links: added ${added.map((l) => l.title || l.url).join(', ')}` : `Links: ${c.links.length} link${c.links.length === 1 ? '' : 's'}`, { field: 'links', count: c.links.length });
      inc.links = c.links.map((l) => ({ ...l }));
    }
    for (const a of linkAlerts) {
      const linked: LinkedAlert = { fingerprint: a.fingerprint, linkedAt: now, snapshot: snapshotOf(a), firing: true, lastChangeAt: now };
      inc.linkedAlerts.push(linked);
      live.watch = live.watch.filter((w) => w.fingerprint !== a.fingerprint);
      if (a.labels.instance && !inc.instances.includes(a.labels.instance) && inc.instances.length < L.instances) inc.instances.push(a.labels.instance);
      field(`Linked alert ${describeAlert(linked.snapshot.labels, linked.snapshot.annotations, a.fingerprint)}`, this.alertData(a.fingerprint, linked.snapshot.labels, true));
    }
    for (const fp of c.unlinkAlerts ?? []) {
      const i = inc.linkedAlerts.findIndex((a) => a.fingerprint === fp);
      if (i < 0) continue;
      const [gone] = inc.linkedAlerts.splice(i, 1);
      if (gone) field(`Unlinked alert ${describeAlert(gone.snapshot.labels, gone.snapshot.annotations, fp)}`, this.alertData(fp, gone.snapshot.labels, gone.firing));
    }
    if (c.milestones) {
      const names: Record<keyof typeof c.milestones, string> = {
        respondedAt: 'First response',
        notifiedAt: 'Stakeholder notification',
        statusPageAt: 'Status page update',
        reviewedAt: 'Post-incident review',
      };
      for (const key of Object.keys(names) as (keyof typeof names)[]) {
        const v = c.milestones[key];
        if (v === undefined || v === (inc.milestones[key] ?? null)) continue;
        if (v === null) {
          delete inc.milestones[key];
          field(`${names[key]} marked not done`, { field: key, to: null }, false);
        } else {
          inc.milestones[key] = v;
          field(`${names[key]} done at ${formatBoth(v, this.timeZone)}`, { field: key, to: v }, false);
        }
      }
    }
    if (touched) this.changed(live);
    return live.detail;
  }

  addEntry(args: AddEntryArgs): TimelineEntry {
    const live = this.live(args.incidentId);
    const now = this.now();
    const at = args.at ?? now;
    if (at > now + FUTURE_TOLERANCE_MS) throw new ConsoleError('invalid-argument', 'at: a timeline entry cannot be in the future');
    const entry = this.addTimeline(live, { kind: args.kind ?? 'note', at, text: args.text, system: false, starred: args.starred ?? false });
    this.responded(live, now);
    this.changed(live);
    return entry;
  }

  editEntry(args: EditEntryArgs): TimelineEntry {
    const live = this.live(args.incidentId);
    const entry = live.detail.timeline.find((e) => e.id === args.entryId);
    if (!entry) throw new ConsoleError('not-found', `no timeline entry "${args.entryId}" in incident ${args.incidentId}`);
    const now = this.now();
    if (args.text !== undefined && args.text !== entry.text) {
      if (entry.system) throw new ConsoleError('invalid-argument', 'text: entries the console recorded by itself keep their text; star it or add a note instead');
      entry.text = args.text;
      entry.editedAt = now;
    }
    if (args.at !== undefined && args.at !== entry.at) {
      if (args.at > now + FUTURE_TOLERANCE_MS) throw new ConsoleError('invalid-argument', 'at: a timeline entry cannot be in the future');
      entry.at = args.at;
      entry.editedAt = now;
      live.detail.timeline.sort(compareEntries);
    }
    if (args.starred !== undefined) entry.starred = args.starred;
    this.changed(live);
    return entry;
  }

  attachEvidence(args: AttachEvidenceArgs): Evidence {
    const live = this.live(args.incidentId);
    const now = this.now();
    const at = args.at ?? now;
    if (at > now + FUTURE_TOLERANCE_MS) throw new ConsoleError('invalid-argument', 'at: evidence cannot be captured in the future');
    if (live.detail.evidence.length >= L.evidence) throw new ConsoleError('conflict', `an incident holds at most ${L.evidence} pieces of evidence`);
    const base = { id: this.newId('evidence', now), at, author: clip(this.user(), L.name), ...(args.note ? { note: args.note } : {}) };
    const input = args.evidence;
    let evidence: Evidence;
    let summary: string;
    if (input.kind === 'alert') {
      const current = this.alerts.get(input.fingerprint);
      const linked = live.detail.incident.linkedAlerts.find((a) => a.fingerprint === input.fingerprint)?.snapshot;
      const labels = input.labels ?? (current ? boundedMap(current.labels) : linked?.labels);
      if (!labels) throw new ConsoleError('not-found', `alert ${input.fingerprint} is not among the current alerts; give its labels`);
      const annotations = input.annotations ?? (current ? boundedMap(current.annotations) : linked?.annotations) ?? {};
      evidence = {
        ...base,
        kind: 'alert',
        title: clip(input.title ?? labels.alertname ?? input.fingerprint, L.title),
        fingerprint: input.fingerprint,
        labels,
        annotations,
        startsAt: input.startsAt ?? current?.startsAt.slice(0, 64) ?? linked?.startsAt ?? '',
        state: input.state ?? current?.state ?? linked?.state ?? 'unknown',
      };
      summary = `alert ${describeAlert(labels, annotations, input.fingerprint)}`;
    } else if (input.kind === 'logs') {
      evidence = { ...base, ...input };
      summary = `logs "${input.title}" (${input.lines.length} line${input.lines.length === 1 ? '' : 's'})`;
    } else {
      evidence = { ...base, ...input };
      summary = `chart "${input.title}" (${input.series.length} series)`;
    }
    const chars = JSON.stringify(evidence).length;
    if (live.evidenceChars + chars > MAX_EVIDENCE_CHARS) {
      throw new ConsoleError('conflict', `too much evidence: an incident keeps at most ${MAX_EVIDENCE_CHARS / 1024 / 1024} MiB of it (so its export stays importable); attach fewer lines or points`);
    }
    live.detail.evidence.push(evidence);
    live.evidenceChars += chars;
    this.addTimeline(live, { kind: 'evidence', at, text: `Attached ${summary}${args.note ? `: ${args.note}` : ''}`, system: false, data: { evidenceId: evidence.id, evidenceKind: evidence.kind } });
    this.changed(live);
    return evidence;
  }

  composeMessage(args: ComposeMessageArgs): ComposedMessage {
    const live = this.live(args.incidentId);
    const template = this.template(args.templateId);
    return composeMessage(template, {
      incident: live.detail.incident,
      now: this.now(),
      ...(this.timeZone ? { timeZone: this.timeZone } : {}),
      ...(args.overrides ? { overrides: args.overrides } : {}),
      escalationMatrix: this.matrix,
      updateIntervalMs: this.targets[live.detail.incident.severity].updateIntervalMs,
    });
  }

  postMessage(args: PostMessageArgs): Message {
    const live = this.live(args.incidentId);
    const inc = live.detail.incident;
    if (live.detail.messages.length >= L.messages) throw new ConsoleError('conflict', `an incident keeps at most ${L.messages} messages`);
    const now = this.now();
    const audiences = uniq(args.audiences ?? ['stakeholders', 'status-page'], 2) as Message['audiences'];
    const message: Message = {
      id: this.newId('message', now),
      templateId: args.templateId,
      text: args.text,
      markdown: args.markdown ?? clip(textToMarkdown(args.text), L.messageText * 2),
      at: now,
      author: clip(this.user(), L.name),
      audiences,
    };
    live.detail.messages.push(message);
    const templateName = args.templateId ? (BUILTIN_TEMPLATES.find((t) => t.id === args.templateId) ?? this.customTemplates.find((t) => t.id === args.templateId))?.name : undefined;
    this.addTimeline(live, {
      kind: 'message',
      text: clip(`Posted ${templateName ?? 'message'}${audiences.length ? ` to ${audiences.join(' and ')}` : ''}:\n${args.text}`, L.text),
      system: false,
      data: { messageId: message.id, templateId: args.templateId },
    });
    if (inc.status !== 'resolved') inc.nextUpdateDueAt = now + this.targets[inc.severity].updateIntervalMs;
    if (audiences.includes('stakeholders')) inc.milestones.notifiedAt ??= now;
    if (audiences.includes('status-page')) inc.milestones.statusPageAt ??= now;
    this.responded(live, now);
    this.changed(live);
    return message;
  }

  escalate(args: EscalateArgs): IncidentDetail {
    const live = this.live(args.incidentId);
    const inc = live.detail.incident;
    const from = inc.escalationLevel;
    if (args.level === undefined && from >= 4) throw new ConsoleError('conflict', 'already at the highest escalation level (4)');
    const to = args.level ?? from + 1;
    if (to === from) throw new ConsoleError('invalid-argument', `already at escalation level ${to}`);
    const now = this.now();
    inc.escalationLevel = to;
    const def = this.matrix.find((d) => d.level === to);
    const reason = args.reason?.trim() ? ` — ${args.reason.trim()}` : '';
    const text =
      to === 0
        ? `De-escalated (was level ${from})${reason}`
        : `${to > from ? 'Escalated' : 'De-escalated'} to ${escalationLabel(to, this.matrix)}${def && def.contacts.length === 0 && to > from ? ' — no contacts configured for this level' : ''}${reason}`;
    this.addTimeline(live, { kind: 'escalation', text, system: false, data: { from, to, contacts: def?.contacts.join(', ') ?? '' } });
    this.responded(live, now);
    this.changed(live);
    return live.detail;
  }

  saveTemplate(args: SaveTemplateArgs): Template {
    if (args.id !== undefined && isBuiltInTemplateId(args.id)) {
      throw new ConsoleError('conflict', 'built-in templates cannot be changed; save a copy under a new name');
    }
    const body = fromRunbookSyntax(args.body);
    const existing = args.id !== undefined ? this.customTemplates.findIndex((t) => t.id === args.id) : -1;
    if (existing < 0 && this.customTemplates.length >= L.templates) throw new ConsoleError('conflict', `at most ${L.templates} templates`);
    const template: Template = { id: args.id ?? this.newId('template', this.now()), name: args.name, body, builtIn: false };
    if (existing >= 0) this.customTemplates[existing] = template;
    else this.customTemplates.push(template);
    this.persistence?.scheduleTemplates(this.customTemplates);
    return template;
  }

  deleteTemplate(id: string): void {
    if (isBuiltInTemplateId(id)) throw new ConsoleError('conflict', 'built-in templates cannot be deleted');
    const i = this.customTemplates.findIndex((t) => t.id === id);
    if (i < 0) throw new ConsoleError('not-found', `no template "${id}"`);
    this.customTemplates.splice(i, 1);
    this.persistence?.scheduleTemplates(this.customTemplates);
  }

  exportIncident(args: ExportArgs): ExportedFile {
    const live = this.live(args.id);
    const now = this.now();
    const input = { ...live.detail, templates: this.listTemplates() };
    const stamp = formatUtc(now).slice(0, 16).replace(/[-:]/g, '').replace(' ', '-');
    const base = `incident-${safeFilePart(live.detail.incident.id)}-${stamp}`;
    if (args.format === 'json') {
      return { fileName: `${base}.opsincident`, mimeType: 'application/json', content: serializeIncidentExport(input, { exportedAt: now }) };
    }
    return {
      fileName: `${base}.html`,
      mimeType: 'text/html',
      content: renderIncidentHtml(input, {
        generatedAt: now,
        escalationMatrix: this.matrix,
        ...(this.timeZone ? { timeZone: this.timeZone } : {}),
        ...(this.appVersion ? { appVersion: this.appVersion } : {}),
      }),
    };
  }

  importIncident(args: ImportArgs): ImportedIncidentReview {
    const doc = parseIncidentExport(args.content);
    const fileName = args.fileName.replace(/^.*[\\/]/, '');
    return {
      readOnly: true,
      fileName,
      version: doc.version,
      exportedAt: doc.exportedAt,
      incident: doc.incident,
      timeline: doc.timeline,
      evidence: doc.evidence,
      messages: doc.messages,
      templatesUsed: doc.templatesUsed,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // What the console sees
  // ---------------------------------------------------------------------------------------------

  /**
   * Applies an `alerts.update` (snapshot or diff) and records what changed. An empty snapshot is the
   * one sent when an environment starts, before any poll: it resets the known alerts but records
   * nothing (else every linked alert would "resolve" and "fire again" at each start).
   */
  onAlertsUpdate(update: AlertsUpdate): void {
    let next: Map<string, AlertView>;
    if (update.kind === 'snapshot' && update.alerts.length === 0) {
      this.alerts = new Map();
      this.alertsEnvironment = update.environment;
      return;
    }
    if (update.kind === 'snapshot') next = new Map(update.alerts.map((a) => [a.fingerprint, a]));
    else {
      next = new Map(this.alerts);
      for (const fp of update.removed) next.delete(fp);
      for (const a of update.upserted) next.set(a.fingerprint, a);
    }
    this.onAlertsChanged(next, update.environment);
  }

  /**
   * The full current alert list of an environment (only from a successful poll: an empty list
   * means "nothing is firing"). For open incidents of that environment, linked alerts and alerts on
   * affected instances that start or stop firing are written on the timeline. Without
   * `environment`, the last one given is assumed; incidents of other environments are left alone.
   */
  onAlertsChanged(alerts: ReadonlyMap<string, AlertView> | Iterable<AlertView>, environment?: string | null): void {
    const map: ReadonlyMap<string, AlertView> = alerts instanceof Map ? (alerts as ReadonlyMap<string, AlertView>) : new Map([...(alerts as Iterable<AlertView>)].map((a) => [a.fingerprint, a] as const));
    this.alerts = map;
    if (environment !== undefined) this.alertsEnvironment = environment;
    const env = this.alertsEnvironment;
    const now = this.now();
    for (const live of this.incidents.values()) {
      const inc = live.detail.incident;
      if (inc.status === 'resolved') continue;
      if (env !== null && inc.environment !== env) continue;
      let changed = false;
      const linkedFps = new Set<string>();
      for (const linked of inc.linkedAlerts) {
        linkedFps.add(linked.fingerprint);
        const current = map.get(linked.fingerprint);
        const firing = current !== undefined;
        if (firing === linked.firing) continue;
        linked.firing = firing;
        linked.lastChangeAt = now;
        const labels = current?.labels ?? linked.snapshot.labels;
        const annotations = current?.annotations ?? linked.snapshot.annotations;
        const started = current ? parseTime(current.startsAt) : undefined;
        changed =
          this.addSystemEntry(live, {
            kind: firing ? 'alert-firing' : 'alert-resolved',
            at: firing && started !== undefined && started <= now && started >= linked.linkedAt ? started : now,
            text: `${firing ? 'FIRING again' : 'RESOLVED'}: ${describeAlert(labels, annotations, linked.fingerprint)}`,
            data: this.alertData(linked.fingerprint, labels, true),
          }) || changed;
      }
      // Alerts on affected instances (not linked): watched, their transitions recorded.
      if (inc.instances.length > 0) {
        const watch = new Map(live.watch.map((w) => [w.fingerprint, w]));
        for (const a of map.values()) {
          if (linkedFps.has(a.fingerprint) || !instanceMatches(a.labels.instance, inc.instances)) continue;
          const w = watch.get(a.fingerprint);
          if (w?.firing) continue;
          const started = parseTime(a.startsAt);
          const entryAdded = this.addSystemEntry(live, {
            kind: 'alert-firing',
            at: started !== undefined && started <= now && (!w || started >= w.lastChangeAt) ? started : now,
            text: `FIRING on an affected instance: ${describeAlert(a.labels, a.annotations, a.fingerprint)}`,
            data: this.alertData(a.fingerprint, a.labels, false),
          });
          const next: WatchedAlert = { fingerprint: a.fingerprint, firing: true, alertname: clip(a.labels.alertname ?? '', L.labelValue), instance: clip(a.labels.instance ?? '', L.labelValue), lastChangeAt: now };
          watch.set(a.fingerprint, next);
          changed = changed || entryAdded || !w;
        }
        for (const w of watch.values()) {
          if (!w.firing || map.has(w.fingerprint) || linkedFps.has(w.fingerprint)) continue;
          w.firing = false;
          w.lastChangeAt = now;
          this.addSystemEntry(live, {
            kind: 'alert-resolved',
            text: `RESOLVED on an affected instance: ${w.alertname || w.fingerprint}${w.instance ? ` on ${w.instance}` : ''}`,
            data: { fingerprint: w.fingerprint, alertname: w.alertname, instance: w.instance, linked: false },
          });
          changed = true;
        }
        live.watch = [...watch.values()];
        if (live.watch.length > MAX_WATCHED) {
          // Forget the oldest quiet ones first.
          live.watch.sort((a, b) => Number(b.firing) - Number(a.firing) || b.lastChangeAt - a.lastChangeAt);
          live.watch.length = MAX_WATCHED;
        }
      }
      if (changed) this.changed(live);
    }
  }

  /** Alerts acknowledged in the console: recorded on open incidents that link or watch them. */
  onAck(event: AckEvent): void {
    this.recordAlertAction(event.fingerprints, event.at, (names) => ({
      kind: 'ack',
      text: `Acknowledged ${names}${event.until !== undefined ? ` until ${formatBoth(event.until, this.timeZone)}` : ''}${event.comment ? `: ${event.comment}` : ''}`,
      author: event.author,
      data: { until: event.until ?? null },
    }));
  }

  onUnack(event: AckEvent): void {
    this.recordAlertAction(event.fingerprints, event.at, (names) => ({
      kind: 'unack',
      text: `Acknowledgement withdrawn: ${names}${event.comment ? `: ${event.comment}` : ''}`,
      author: event.author,
      data: {},
    }));
  }

  /** A silence created in the console: recorded on open incidents with an alert it covers. */
  onSilence(event: SilenceEvent): void {
    const now = this.now();
    const listed = new Set(event.fingerprints ?? []);
    for (const live of this.incidents.values()) {
      const inc = live.detail.incident;
      if (inc.status === 'resolved') continue;
      const candidates: { fingerprint: string; labels: Record<string, string> }[] = [
        ...inc.linkedAlerts.map((a) => ({ fingerprint: a.fingerprint, labels: this.alerts.get(a.fingerprint)?.labels ?? a.snapshot.labels })),
        ...live.watch.map((w) => ({ fingerprint: w.fingerprint, labels: this.alerts.get(w.fingerprint)?.labels ?? { alertname: w.alertname, instance: w.instance } })),
      ];
      const covered = candidates.filter((c) => listed.has(c.fingerprint) || (event.matchers.length > 0 && event.matchers.every((m) => matcherMatches(m, c.labels))));
      if (covered.length === 0) continue;
      const names = uniq(covered.map((c) => c.labels.alertname ?? c.fingerprint), 20).join(', ');
      const entry = this.tryAddTimeline(live, {
        kind: 'silence',
        at: event.at ?? now,
        text: clip(
          `Silenced ${describeMatchers(event.matchers)}${event.endsAt !== undefined ? ` until ${formatBoth(event.endsAt, this.timeZone)}` : ''} (covers ${names})${event.comment ? `: ${event.comment}` : ''}`,
          L.text,
        ),
        system: false,
        author: event.author,
        data: { silenceId: clip(event.silenceId, 200), endsAt: event.endsAt ?? null },
      });
      if (entry) {
        this.responded(live, now);
        this.changed(live);
      }
    }
  }

  private recordAlertAction(
    fingerprints: readonly string[],
    at: number | undefined,
    make: (names: string) => { kind: TimelineKind; text: string; author: string | undefined; data: EntryData },
  ): void {
    const now = this.now();
    const fps = new Set(fingerprints);
    for (const live of this.incidents.values()) {
      const inc = live.detail.incident;
      if (inc.status === 'resolved') continue;
      const names: string[] = [];
      const hit: string[] = [];
      for (const a of inc.linkedAlerts) {
        if (!fps.has(a.fingerprint)) continue;
        hit.push(a.fingerprint);
        names.push(describeAlert(this.alerts.get(a.fingerprint)?.labels ?? a.snapshot.labels, {}, a.fingerprint));
      }
      for (const w of live.watch) {
        if (!fps.has(w.fingerprint)) continue;
        hit.push(w.fingerprint);
        names.push(`${w.alertname || w.fingerprint}${w.instance ? ` on ${w.instance}` : ''}`);
      }
      if (names.length === 0) continue;
      const e = make(uniq(names, 20).join(', '));
      const added = this.tryAddTimeline(live, { kind: e.kind, at: at ?? now, text: e.text, system: false, author: e.author, data: { ...e.data, fingerprints: hit.slice(0, 20).join(',') } });
      if (!added) continue;
      this.responded(live, now);
      this.changed(live);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Response timers
  // ---------------------------------------------------------------------------------------------

  /** Every pending response target of one incident (met ones left out), soonest first. */
  timers(id: string, now = this.now()): IncidentReminder[] {
    return pendingTargets(this.live(id).detail, now, this.targets);
  }

  /** Targets overdue or due within the lead time, across all incidents, soonest first. */
  dueReminders(now = this.now(), leadMs = this.leadMs): IncidentReminder[] {
    const out: IncidentReminder[] = [];
    for (const live of this.incidents.values()) {
      for (const r of pendingTargets(live.detail, now, this.targets)) if (r.dueAt - now <= leadMs) out.push(r);
    }
    return out.sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Emits `incidents.reminders` when the set of due reminders (or their overdue flags) changed. Call it periodically. */
  checkReminders(now = this.now()): IncidentReminder[] {
    const due = this.dueReminders(now);
    const key = due.map((r) => `${r.incidentId}/${r.kind}/${r.dueAt}/${r.overdue}`).join('|');
    if (key !== this.lastReminderKey) {
      this.lastReminderKey = key;
      this.emitEvent({ name: 'incidents.reminders', payload: due });
    }
    return due;
  }

  /** Runs `checkReminders` every `intervalMs` (default 15 s); returns the stop function. */
  startReminderTimer(intervalMs = 15_000): () => void {
    const t = setInterval(() => this.checkReminders(), intervalMs);
    t.unref();
    return () => clearInterval(t);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------------------------

  private alertData(fingerprint: string, labels: Record<string, string>, linked: boolean): EntryData {
    return {
      fingerprint,
      alertname: labels.alertname ?? null,
      instance: labels.instance ?? null,
      severity: labels.severity ?? null,
      linked,
    };
  }

  private responded(live: Live, now: number): void {
    live.detail.incident.milestones.respondedAt ??= now;
  }

  private addSystemEntry(live: Live, e: { kind: TimelineKind; at?: number; text: string; data?: EntryData }): boolean {
    if (live.detail.timeline.length >= L.timeline - SYSTEM_ENTRY_RESERVE) return false;
    this.addTimeline(live, { ...e, system: true });
    return true;
  }

  /** For entries the console records on its own initiative: a full timeline skips them instead of failing. */
  private tryAddTimeline(live: Live, e: Parameters<IncidentService['addTimeline']>[1]): TimelineEntry | null {
    if (live.detail.timeline.length >= L.timeline - SYSTEM_ENTRY_RESERVE) return null;
    return this.addTimeline(live, e);
  }

  private addTimeline(
    live: Live,
    e: { kind: TimelineKind; at?: number; text: string; system: boolean; starred?: boolean; author?: string | undefined; data?: EntryData },
  ): TimelineEntry {
    const timeline = live.detail.timeline;
    if (timeline.length >= L.timeline) throw new ConsoleError('conflict', `the timeline is full (${L.timeline} entries)`);
    const now = this.now();
    const entry: TimelineEntry = {
      id: this.newId('entry', now),
      at: e.at ?? now,
      recordedAt: now,
      kind: e.kind,
      text: clip(e.text, L.text),
      author: clip(e.author ?? (e.system ? 'ops-console' : this.user()), L.name),
      starred: e.starred ?? false,
      system: e.system,
    };
    if (e.data) entry.data = e.data;
    // Insert in order (entries mostly arrive in time order: search from the end).
    let i = timeline.length;
    while (i > 0 && compareEntries(timeline[i - 1] as TimelineEntry, entry) > 0) i--;
    timeline.splice(i, 0, entry);
    return entry;
  }

  private changed(live: Live): void {
    const inc = live.detail.incident;
    inc.updatedAt = Math.max(this.now(), inc.updatedAt + 1);
    this.persistence?.schedule(live);
    this.emitEvent({ name: 'incidents.changed', payload: live.detail });
    this.emitEvent({ name: 'incidents.list', payload: this.list() });
    this.checkReminders();
  }
}

/** Reads the data folder and returns a service that autosaves to it (problems are emitted as `incidents.storage`). */
export async function openIncidentService(store: IncidentStore, options: Omit<IncidentServiceOptions, 'persistence'> = {}): Promise<IncidentService> {
  const loaded = await store.loadAll();
  const service = new IncidentService({ ...options, persistence: store });
  service.load(loaded);
  return service;
}
