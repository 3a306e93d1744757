/**
 * The runbook's incident policy (shared/seeds 000 "Incident Response"): escalation matrix and
 * response targets, as configurable defaults, and the reminders they give.
 */
import type { EscalationLevelDef, IncidentDetail, IncidentReminder, IncidentSeverity, ReminderKind } from '../../preload/contract/incidents';
import { formatDuration } from './time-format';

/** Level 1-4 from the runbook; contacts are filled in per installation. */
export const DEFAULT_ESCALATION_MATRIX: readonly EscalationLevelDef[] = [
  { level: 1, title: 'On-call engineer', contacts: [] },
  { level: 2, title: 'Senior engineer + team lead', contacts: [] },
  { level: 3, title: 'Engineering manager + operations manager', contacts: [] },
  { level: 4, title: 'CTO + executive team', contacts: [] },
];

export interface ResponseTargets {
  /** Immediate response: someone acts on it (ack, note, status change, message). */
  respondMs: number;
  /** Stakeholder notification: a message posted to stakeholders. */
  notifyMs: number;
  /** Status page update: a message posted to the status page. */
  statusPageMs: number;
  /** Status updates repeat this often until resolved ("Updates: Every 30 minutes"). */
  updateIntervalMs: number;
  /** Post-incident review after resolution. */
  reviewMs: number;
}

const MIN = 60_000;

/** The runbook states these for Critical incidents; by default they apply to every severity. */
export const RUNBOOK_TARGETS: ResponseTargets = {
  respondMs: 15 * MIN,
  notifyMs: 30 * MIN,
  statusPageMs: 30 * MIN,
  updateIntervalMs: 30 * MIN,
  reviewMs: 48 * 60 * MIN,
};

export type TargetsBySeverity = Record<IncidentSeverity, ResponseTargets>;

export const DEFAULT_TARGETS: TargetsBySeverity = {
  critical: RUNBOOK_TARGETS,
  high: RUNBOOK_TARGETS,
  medium: RUNBOOK_TARGETS,
  low: RUNBOOK_TARGETS,
};

export function mergeEscalationMatrix(custom: readonly Partial<EscalationLevelDef>[] | undefined): EscalationLevelDef[] {
  return DEFAULT_ESCALATION_MATRIX.map((def) => {
    const c = custom?.find((x) => x.level === def.level);
    return { level: def.level, title: c?.title ?? def.title, contacts: [...(c?.contacts ?? def.contacts)] };
  });
}

/**
 * Several partial matrices as one, the first that gives a level's title (or contacts) winning for that
 * field: `layerEscalation(environment, global, file)`. The runbook fills the rest (mergeEscalationMatrix).
 */
export function layerEscalation(...layers: (readonly Partial<EscalationLevelDef>[] | undefined)[]): Partial<EscalationLevelDef>[] {
  const out: Partial<EscalationLevelDef>[] = [];
  for (const def of DEFAULT_ESCALATION_MATRIX) {
    let title: string | undefined;
    let contacts: string[] | undefined;
    for (const layer of layers) {
      const l = layer?.find((x) => x.level === def.level);
      title ??= l?.title;
      contacts ??= l?.contacts ? [...l.contacts] : undefined;
    }
    if (title !== undefined || contacts !== undefined) out.push({ level: def.level, ...(title !== undefined ? { title } : {}), ...(contacts !== undefined ? { contacts } : {}) });
  }
  return out;
}

export function escalationLabel(level: number, matrix: readonly EscalationLevelDef[]): string {
  if (level <= 0) return 'Not escalated';
  const def = matrix.find((d) => d.level === level);
  const who = def ? `${def.title}${def.contacts.length ? ` (${def.contacts.join(', ')})` : ''}` : '';
  return who ? `Level ${level}: ${who}` : `Level ${level}`;
}

/** What a response target is called, e.g. "Status update". */
export const REMINDER_LABEL: Readonly<Record<ReminderKind, string>> = {
  respond: 'First response',
  notify: 'Stakeholder notification',
  'status-page': 'Status page update',
  'status-update': 'Status update',
  review: 'Post-incident review',
};

/** Every pending target of one incident, met targets left out. */
export function pendingTargets(detail: IncidentDetail, now: number, targets: TargetsBySeverity = DEFAULT_TARGETS): IncidentReminder[] {
  const inc = detail.incident;
  const t = targets[inc.severity];
  const out: IncidentReminder[] = [];
  const add = (kind: ReminderKind, dueAt: number): void => {
    const overdue = dueAt <= now;
    const message = overdue
      ? `${REMINDER_LABEL[kind]} overdue by ${formatDuration(now - dueAt)}`
      : `${REMINDER_LABEL[kind]} due in ${formatDuration(dueAt - now)}`;
    out.push({ incidentId: inc.id, incidentTitle: inc.title, kind, dueAt, overdue, message });
  };
  if (inc.status !== 'resolved') {
    if (inc.milestones.respondedAt === undefined) add('respond', inc.declaredAt + t.respondMs);
    if (inc.milestones.notifiedAt === undefined) add('notify', inc.declaredAt + t.notifyMs);
    if (inc.milestones.statusPageAt === undefined) add('status-page', inc.declaredAt + t.statusPageMs);
    if (inc.nextUpdateDueAt !== null) add('status-update', inc.nextUpdateDueAt);
  } else if (inc.resolvedAt !== undefined && inc.milestones.reviewedAt === undefined) {
    add('review', inc.resolvedAt + t.reviewMs);
  }
  return out.sort((a, b) => a.dueAt - b.dueAt);
}
