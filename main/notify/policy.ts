/**
 * Notification policy of the console: decides, from successive observations of the alert list
 * and of source health, which desktop notifications to raise, and what the tray shows.
 *
 * Pure and Electron-free: the core feeds it observations and hands the returned
 * {@link Notification}s to whatever shows them (Electron `Notification`, the browser host, tests).
 *
 * ## Alerts
 *
 * - Presence in an observation means "firing" (Alertmanager only lists firing alerts, in state
 *   active, suppressed or unprocessed). `unprocessed` is treated like `active`: missing a critical
 *   is worse than a rare notification for an alert a silence is about to catch.
 * - An alert is *eligible* when its `severity` label is in `config.severities` (compared trimmed and
 *   case-insensitively), it is not silenced (state `suppressed` with `silencedBy` non-empty), not
 *   inhibited (`inhibitedBy` non-empty) and not acknowledged (the `acknowledged` argument: a set of
 *   fingerprints or a predicate; acks are silences whose comment starts with `ACK!`, see
 *   {@link acknowledgedFingerprints}).
 * - Per environment and fingerprint the policy keeps an *episode*: it starts when the alert is first
 *   seen firing and lasts while it keeps firing; a gap shorter than `cooldownMs` (measured from the
 *   first observation in which the alert was missing) does not end it, so a flapping alert stays one
 *   episode. An episode notifies at most once, the first time the alert is seen eligible in it.
 *   Consequences: acking or silencing a notified alert and the ack/silence later expiring does not
 *   notify again; an alert that was silenced/acked from the start and whose silence expires while it
 *   still fires *does* notify then (that is the moment it needs a human).
 * - New eligible alerts of one observation become one notification: a single one gives kind `alert`
 *   ("Critical: HighCPU", body instance + summary annotation, `fingerprints: [fp]` for click-to-open);
 *   two or more give one kind `summary` ("12 new critical alerts", body lists the first 3 then
 *   "and N more", all fingerprints).
 * - `sound` is `config.sound && severity === 'critical'`; the `severity` of a notification is
 *   'critical' / 'warning' for those label values, else 'info' (a summary takes the worst).
 *
 * ## Baselines (no storms at start-up, resume or reconnect)
 *
 * - The first observation of the first environment is a *start-up baseline*: eligible alerts whose
 *   `startsAt` is older than policy creation minus `baselineGraceMs` (default 60 s) are taken as
 *   already known and never notify for this episode; an unparseable `startsAt` counts as old. An
 *   environment first observed later (the user switched to it) uses the time of that first
 *   observation instead of the policy start: what was already firing there is not news.
 * - {@link NotificationPolicy.markResync} (call it after resume from sleep or a reconnect) makes the
 *   next observation of every environment seen so far a *resync baseline*: fingerprints the policy
 *   already knew (firing, or resolved within the cooldown) are taken as known, even if their episode
 *   would otherwise have restarted; fingerprints it never saw may notify, grouped as usual (one
 *   summary for several). It also defers the next health observation's "source down" by one poll,
 *   because the first poll after a wake often fails only because the network is not back yet.
 * - The core must only feed successful polls to `observeAlerts`; feeding an empty list for a failed
 *   poll would "resolve" everything. After a reconnect, call `markResync()`.
 *
 * ## Environments
 *
 * State is kept per environment name, not reset on switch: switching back to an environment does not
 * re-announce what was already notified there. Returning to an environment after observing another
 * one is treated as a resync baseline for that environment (its known fingerprints stay quiet).
 * `status()` describes the environment of the latest `observeAlerts` call.
 *
 * ## Source health
 *
 * - down = `unreachable` | `auth-failed`; up = `ok` | `degraded` (it answers); `stale` and `pending`
 *   change nothing. Notifies "source down" once on an up→down transition and "source up" once on the
 *   recovery of a source whose down was announced; never on repeated failed polls.
 * - A source that has never been seen up does not notify when down (start-up with the VPN off would
 *   otherwise greet the user with a notification per source); the tray shows `disconnected` anyway.
 * - Several sources changing in one observation give one notification (a VPN drop takes them all).
 * - Sources missing from a health observation (environment switch) are forgotten.
 * - Severity: down → 'warning', up → 'info'; never a sound.
 *
 * ## Do-not-disturb
 *
 * While `now < dndUntil` no notification of any kind is returned. Alerts that would have notified are
 * counted (`status().dndSuppressedCount`, distinct per environment + fingerprint) and their episode
 * counts as notified. When DND ends — the first call at or after `dndUntil` (use `tick()` on a
 * timer), or `setDoNotDisturb(null)` — one `dnd-summary` ("While Do-not-disturb was on: 5 critical
 * alerts fired", no sound) is returned if anything was counted, and sources whose state changed
 * during DND and did not change back are announced then. The count resets when the summary is
 * returned.
 *
 * ## Incident reminders
 *
 * `observeReminders` takes the incidents' due reminders ('incidents.reminders'). A response target
 * that becomes overdue gives one kind `reminder` notification (warning, sound only if `sound` is on),
 * not again while it stays overdue; a new due time (the next status update) is a new reminder. While
 * DND is on, a reminder that becomes overdue is held instead and counted as notified; the summary at
 * the end of DND reports how many came due and which are still overdue then (the in-app reminder
 * list is fed by the event itself and never held).
 *
 * ## Tray
 *
 * `criticalCount` = eligible alerts of the current environment (notifying severity, firing, not
 * silenced/inhibited/acked). `worstState`: 'disconnected' if an Alertmanager source is down, else
 * 'critical' if criticalCount > 0, else 'warning' if an unmuted alert with severity `warning` fires,
 * else 'ok'.
 */
import type { AlertView } from '../../preload/contract/alerts';
import type { HealthState, SourceHealth, SourceKind } from '../../preload/contract/core';
import type { Clock } from './clock';
import type { IncidentReminder } from '../../preload/contract/incidents';
import { REMINDER_LABEL } from '../incidents/policy';
import { formatDuration } from '../incidents/time-format';
import { DndWindow, type SuppressedAlert, type SuppressedReminder } from './dnd';

export type NotificationSeverity = 'critical' | 'warning' | 'info';
export type NotificationKind = 'alert' | 'summary' | 'source-down' | 'source-up' | 'dnd-summary' | 'reminder';

/** One response target of an incident, as 'incidents.reminders' carries it. */
export type ReminderInput = IncidentReminder;

export interface Notification {
  id: string;
  title: string;
  body: string;
  severity: NotificationSeverity;
  /** Alerts to open when the notification is clicked (empty for source notifications). */
  fingerprints: string[];
  /** Incident reminders: the incident to open when clicked. */
  incidentId?: string;
  kind: NotificationKind;
  sound: boolean;
}

export interface NotificationPolicyConfig {
  /** `severity` label values that notify. */
  severities: string[];
  /** A resolved alert that fires again within this time does not notify again. */
  cooldownMs: number;
  /** Play a sound for critical notifications. */
  sound: boolean;
  /** Start-up baseline grace, default {@link BASELINE_GRACE_MS}. */
  baselineGraceMs?: number;
}

export type TrayState = 'ok' | 'warning' | 'critical' | 'disconnected';

export interface CriticalAlertEntry {
  fingerprint: string;
  /** e.g. "HighCPU on server-001". */
  title: string;
}

export interface NotificationStatus {
  criticalCount: number;
  worstState: TrayState;
  /** End of Do-not-disturb while it is on, else null. */
  dndUntil: number | null;
  /** Alerts counted by the current Do-not-disturb window (0 once its summary has been returned). */
  dndSuppressedCount: number;
  /** Incident reminders held by the current Do-not-disturb window. */
  dndSuppressedReminders: number;
  /** The alerts behind `criticalCount`, newest first. */
  criticalAlerts: CriticalAlertEntry[];
}

/** Acknowledged fingerprints, or a predicate telling whether an alert is acknowledged. */
export type Acknowledged = ReadonlySet<string> | ((alert: AlertView) => boolean);

export interface NotificationPolicy {
  observeAlerts(env: string, alerts: readonly AlertView[], acknowledged?: Acknowledged): Notification[];
  observeHealth(sources: readonly SourceHealth[]): Notification[];
  /** The incidents' current due reminders: a target newly overdue notifies once (held while DND is on). */
  observeReminders(reminders: readonly ReminderInput[]): Notification[];
  /** Turns DND on until `untilMs`, or off with null (or a time not in the future). */
  setDoNotDisturb(untilMs: number | null): Notification[];
  /** Call periodically (e.g. every 30 s): returns the DND summary once DND has run out. */
  tick(): Notification[];
  /** After resume from sleep or a reconnect: next observations are baselines for known alerts. */
  markResync(): void;
  status(): NotificationStatus;
}

export const DEFAULT_NOTIFICATION_CONFIG: Readonly<NotificationPolicyConfig> = Object.freeze({
  severities: ['critical'],
  cooldownMs: 5 * 60_000,
  sound: false,
});
export const BASELINE_GRACE_MS = 60_000;
/** How many alerts a summary names before "and N more". */
export const SUMMARY_LIST_LIMIT = 3;
export const ACK_COMMENT_PREFIX = 'ACK!';

export const DOWN_STATES: ReadonlySet<HealthState> = new Set<HealthState>(['unreachable', 'auth-failed']);
export const UP_STATES: ReadonlySet<HealthState> = new Set<HealthState>(['ok', 'degraded']);

const TITLE_MAX = 120;
const BODY_MAX = 400;

// ---------------------------------------------------------------------------------------------
// Helpers on alerts

export function isSilenced(alert: AlertView): boolean {
  return alert.state === 'suppressed' && alert.silencedBy.length > 0;
}

export function isInhibited(alert: AlertView): boolean {
  return alert.inhibitedBy.length > 0;
}

export function isAckComment(comment: string): boolean {
  return comment.trimStart().startsWith(ACK_COMMENT_PREFIX);
}

/** Fingerprints of alerts silenced by at least one ACK silence (comment starting with `ACK!`). */
export function acknowledgedFingerprints(
  alerts: readonly AlertView[],
  silences: readonly { id: string; comment: string }[],
): Set<string> {
  const ackIds = new Set(silences.filter((s) => isAckComment(s.comment)).map((s) => s.id));
  const out = new Set<string>();
  for (const a of alerts) if (a.silencedBy.some((id) => ackIds.has(id))) out.add(a.fingerprint);
  return out;
}

function severityOf(alert: AlertView): string {
  return (alert.labels.severity ?? '').trim().toLowerCase();
}

function levelOf(severity: string): NotificationSeverity {
  return severity === 'critical' ? 'critical' : severity === 'warning' ? 'warning' : 'info';
}

const LEVEL_RANK: Record<NotificationSeverity, number> = { critical: 2, warning: 1, info: 0 };

function worstLevel(levels: Iterable<NotificationSeverity>): NotificationSeverity {
  let worst: NotificationSeverity = 'info';
  for (const l of levels) if (LEVEL_RANK[l] > LEVEL_RANK[worst]) worst = l;
  return worst;
}

/** Outside text made safe for a notification: no control characters, bounded length. */
function clean(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u0009\u000B-\u001F\u007F]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "HighCPU on server-001", or just the alertname when there is no instance. */
export function alertTitle(alert: AlertView): string {
  const name = alert.labels.alertname || alert.fingerprint;
  const instance = alert.labels.instance;
  return instance ? `${name} on ${instance}` : name;
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listWithMore(items: string[]): string {
  const shown = items.slice(0, SUMMARY_LIST_LIMIT).join(', ');
  const rest = items.length - SUMMARY_LIST_LIMIT;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

/** "12 new critical alerts" when all share one severity, else "12 new alerts". */
function countAlerts(n: number, severities: Iterable<string>, adjective = ''): string {
  const distinct = new Set(severities);
  const [only] = distinct;
  const words = [adjective, distinct.size === 1 && only ? only : '', 'alert'].filter((w) => w !== '').join(' ');
  return plural(n, words);
}

function byImportance(a: AlertView, b: AlertView): number {
  return (
    LEVEL_RANK[levelOf(severityOf(b))] - LEVEL_RANK[levelOf(severityOf(a))] ||
    alertTitle(a).localeCompare(alertTitle(b)) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

const KIND_LABEL: Record<SourceKind, string> = {
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  elasticsearch: 'Elasticsearch',
  healthcheck: 'Health check',
};

function sourceLabel(s: SourceHealth): string {
  return `${KIND_LABEL[s.kind] ?? s.kind} ${s.name}`;
}

// ---------------------------------------------------------------------------------------------
// The policy

interface Episode {
  /** Notified, baselined or counted by DND in this episode. */
  handled: boolean;
  /** First observation in which the alert was missing, null while it fires. */
  resolvedAt: number | null;
}

interface EnvState {
  episodes: Map<string, Episode>;
  /** Next observation is a resync baseline. */
  resync: boolean;
  /** From the latest observation, for status(). */
  present: Set<string>;
  counted: { fingerprint: string; title: string; startsMs: number }[];
  warningFiring: boolean;
}

type Announced = 'up' | 'down';

export function createNotificationPolicy(config: NotificationPolicyConfig, clock: Clock): NotificationPolicy {
  const cooldownMs = config.cooldownMs;
  const graceMs = config.baselineGraceMs ?? BASELINE_GRACE_MS;
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw new RangeError(`cooldownMs must be >= 0, got ${cooldownMs}`);
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`baselineGraceMs must be >= 0, got ${graceMs}`);
  const notifying = new Set(config.severities.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  const startedAt = clock.now();

  const envs = new Map<string, EnvState>();
  let currentEnv: string | null = null;
  const dnd = new DndWindow();
  const lastHealth = new Map<string, SourceHealth>();
  const announced = new Map<string, Announced>();
  let healthResync = false;
  let seq = 0;

  const make = (n: Omit<Notification, 'id' | 'sound'>): Notification => ({
    id: `${n.kind}-${++seq}`,
    ...n,
    title: clean(n.title, TITLE_MAX),
    body: clean(n.body, BODY_MAX),
    sound: config.sound && (n.kind === 'reminder' || (n.severity === 'critical' && (n.kind === 'alert' || n.kind === 'summary'))),
  });

  const isAcked = (alert: AlertView, acknowledged: Acknowledged): boolean =>
    typeof acknowledged === 'function' ? acknowledged(alert) : acknowledged.has(alert.fingerprint);

  const isEligible = (alert: AlertView, acknowledged: Acknowledged): boolean =>
    notifying.has(severityOf(alert)) && !isSilenced(alert) && !isInhibited(alert) && !isAcked(alert, acknowledged);

  // --- notifications built from alerts ---

  const alertNotification = (alert: AlertView): Notification => {
    const severity = severityOf(alert);
    const lines = [alert.labels.instance, alert.annotations.summary || alert.annotations.description].filter(
      (l): l is string => !!l,
    );
    return make({
      kind: 'alert',
      title: `${capitalise(severity)}: ${alert.labels.alertname || alert.fingerprint}`,
      body: lines.length > 0 ? lines.join('\n') : 'Started firing',
      severity: levelOf(severity),
      fingerprints: [alert.fingerprint],
    });
  };

  const summaryNotification = (alerts: AlertView[]): Notification => {
    const sorted = [...alerts].sort(byImportance);
    return make({
      kind: 'summary',
      title: countAlerts(sorted.length, sorted.map(severityOf), 'new'),
      body: listWithMore(sorted.map(alertTitle)),
      severity: worstLevel(sorted.map((a) => levelOf(severityOf(a)))),
      fingerprints: sorted.map((a) => a.fingerprint),
    });
  };

  // --- sources ---

  /** Applies the last observed health to what the user was told; returns the changes to announce. */
  const reconcileSources = (emit: boolean, deferDown: boolean): Notification[] => {
    const downs: SourceHealth[] = [];
    const ups: SourceHealth[] = [];
    for (const s of lastHealth.values()) {
      const told = announced.get(s.id);
      if (UP_STATES.has(s.state)) {
        if (told === undefined) announced.set(s.id, 'up'); // first sight, nothing to tell
        else if (told === 'down' && emit) {
          announced.set(s.id, 'up');
          ups.push(s);
        }
      } else if (DOWN_STATES.has(s.state)) {
        // Never seen up: stays unannounced (see the module comment).
        if (told === 'up' && emit && !deferDown) {
          announced.set(s.id, 'down');
          downs.push(s);
        }
      }
    }
    const out: Notification[] = [];
    if (downs.length === 1) {
      const s = downs[0]!;
      const what = s.state === 'auth-failed' ? 'authentication failed' : 'unreachable';
      out.push(
        make({
          kind: 'source-down',
          title: `${sourceLabel(s)}: ${what}`,
          body: s.lastError ? `${s.url}\n${s.lastError}` : s.url,
          severity: 'warning',
          fingerprints: [],
        }),
      );
    } else if (downs.length > 1) {
      out.push(
        make({
          kind: 'source-down',
          title: `${downs.length} sources unreachable`,
          body: listWithMore(downs.map(sourceLabel)),
          severity: 'warning',
          fingerprints: [],
        }),
      );
    }
    if (ups.length > 0) {
      out.push(
        make({
          kind: 'source-up',
          title: ups.length === 1 ? `${sourceLabel(ups[0]!)}: reachable again` : `${ups.length} sources reachable again`,
          body: ups.length === 1 ? ups[0]!.url : listWithMore(ups.map(sourceLabel)),
          severity: 'info',
          fingerprints: [],
        }),
      );
    }
    return out;
  };

  // --- Do-not-disturb ---

  const closeDnd = (): Notification[] => {
    const { alerts: swallowed, reminders } = dnd.end();
    const out: Notification[] = [];
    if (swallowed.length > 0) {
      const stillFiring = (a: SuppressedAlert) => envs.get(a.env)?.present.has(a.fingerprint) ?? false;
      const ordered = [...swallowed.filter(stillFiring), ...swallowed.filter((a) => !stillFiring(a))];
      const firingNow = swallowed.filter(stillFiring).length;
      out.push(
        make({
          kind: 'dnd-summary',
          title: `While Do-not-disturb was on: ${countAlerts(swallowed.length, swallowed.map((a) => a.severity))} fired`,
          body: `${firingNow} still firing. ${listWithMore(ordered.map((a) => a.title))}`,
          severity: worstLevel(swallowed.map((a) => levelOf(a.severity))),
          fingerprints: ordered.map((a) => a.fingerprint),
        }),
      );
    }
    if (reminders.length > 0) out.push(reminderSummary(reminders));
    out.push(...reconcileSources(true, false));
    return out;
  };

  // --- incident reminders ---

  /** Keys of the reminders overdue at the last observation, with what they said then. */
  let overdueReminders = new Map<string, ReminderInput>();
  const reminderKey = (r: ReminderInput): string => `${r.incidentId}/${r.kind}/${r.dueAt}`;

  const reminderSummary = (held: SuppressedReminder[]): Notification => {
    const now = clock.now();
    const still = held.filter((r) => overdueReminders.has(r.key));
    const met = held.length - still.length;
    const lines = still.map((r) => `${r.incidentId}: ${r.what} overdue by ${formatDuration(now - r.dueAt)} (${r.incidentTitle})`);
    const n = held.length;
    return make({
      kind: 'dnd-summary',
      title: `While Do-not-disturb was on: ${n} incident reminder${n === 1 ? '' : 's'} came due`,
      body: still.length === 0 ? 'All met since.' : `${still.length} still overdue${met > 0 ? `, ${met} met since` : ''}. ${listWithMore(lines)}`,
      severity: still.length > 0 ? 'warning' : 'info',
      fingerprints: [],
      ...(still[0] ? { incidentId: still[0].incidentId } : {}),
    });
  };

  const observeReminders = (reminders: readonly ReminderInput[]): Notification[] => {
    const out = closeDndIfEnded();
    const dndOn = dnd.isActive(clock.now());
    const current = new Map<string, ReminderInput>();
    for (const r of reminders) {
      if (!r.overdue) continue;
      const key = reminderKey(r);
      if (current.has(key)) continue;
      current.set(key, r);
      if (overdueReminders.has(key)) continue; // already notified (or held) while it stays overdue
      if (dndOn) {
        dnd.suppressReminder({ key, incidentId: r.incidentId, incidentTitle: r.incidentTitle, what: REMINDER_LABEL[r.kind], dueAt: r.dueAt });
        continue;
      }
      out.push(make({ kind: 'reminder', title: `${r.incidentId}: ${r.message}`, body: r.incidentTitle, severity: 'warning', fingerprints: [], incidentId: r.incidentId }));
    }
    overdueReminders = current;
    return out;
  };

  /** Every entry point first closes a DND window that has run out. */
  const closeDndIfEnded = (): Notification[] => (dnd.hasEnded(clock.now()) ? closeDnd() : []);

  // --- public API ---

  const observeAlerts = (
    env: string,
    alerts: readonly AlertView[],
    acknowledged: Acknowledged = new Set<string>(),
  ): Notification[] => {
    const out = closeDndIfEnded();
    const now = clock.now();

    let state = envs.get(env);
    let startupRef: number | null = null;
    if (!state) {
      startupRef = envs.size === 0 ? startedAt : now;
      state = { episodes: new Map(), resync: false, present: new Set(), counted: [], warningFiring: false };
      envs.set(env, state);
    } else if (currentEnv !== null && currentEnv !== env) {
      state.resync = true; // coming back to an environment: what we knew there is not news
    }
    currentEnv = env;
    const resync = state.resync;
    state.resync = false;

    const present = new Map<string, AlertView>();
    for (const a of alerts) if (!present.has(a.fingerprint)) present.set(a.fingerprint, a);

    const fresh: AlertView[] = [];
    const counted: EnvState['counted'] = [];
    let warningFiring = false;
    const dndOn = dnd.isActive(now);

    for (const [fp, alert] of present) {
      let episode = state.episodes.get(fp);
      const known = episode !== undefined;
      if (!episode) {
        episode = { handled: false, resolvedAt: null };
        state.episodes.set(fp, episode);
      } else if (episode.resolvedAt !== null) {
        if (now - episode.resolvedAt >= cooldownMs) episode.handled = false; // a new episode
        episode.resolvedAt = null;
      }

      const muted = isSilenced(alert) || isInhibited(alert) || isAcked(alert, acknowledged);
      if (!muted && severityOf(alert) === 'warning') warningFiring = true;
      if (!isEligible(alert, acknowledged)) continue;
      counted.push({ fingerprint: fp, title: alertTitle(alert), startsMs: Date.parse(alert.startsAt) });

      if (episode.handled) continue;
      episode.handled = true;
      if (startupRef !== null) {
        const starts = Date.parse(alert.startsAt);
        if (Number.isNaN(starts) || starts < startupRef - graceMs) continue; // already firing before we looked
      }
      if (resync && known) continue;
      if (dndOn) dnd.suppress({ env, fingerprint: fp, title: alertTitle(alert), severity: severityOf(alert) });
      else fresh.push(alert);
    }

    for (const [fp, episode] of state.episodes) {
      if (present.has(fp)) continue;
      if (episode.resolvedAt === null) episode.resolvedAt = now;
      else if (now - episode.resolvedAt >= cooldownMs) state.episodes.delete(fp); // same as never seen
    }

    state.present = new Set(present.keys());
    state.counted = counted.sort(
      (a, b) => (Number.isNaN(b.startsMs) ? 0 : b.startsMs) - (Number.isNaN(a.startsMs) ? 0 : a.startsMs) || a.fingerprint.localeCompare(b.fingerprint),
    );
    state.warningFiring = warningFiring;

    if (fresh.length === 1) out.push(alertNotification(fresh[0]!));
    else if (fresh.length > 1) out.push(summaryNotification(fresh));
    return out;
  };

  const observeHealth = (sources: readonly SourceHealth[]): Notification[] => {
    const out = closeDndIfEnded();
    const now = clock.now();
    const ids = new Set(sources.map((s) => s.id));
    for (const id of [...lastHealth.keys()]) {
      if (!ids.has(id)) {
        lastHealth.delete(id);
        announced.delete(id);
      }
    }
    for (const s of sources) lastHealth.set(s.id, s);
    const deferDown = healthResync;
    healthResync = false;
    out.push(...reconcileSources(!dnd.isActive(now), deferDown));
    return out;
  };

  const setDoNotDisturb = (untilMs: number | null): Notification[] => {
    if (untilMs !== null && !Number.isFinite(untilMs)) throw new RangeError(`DND end must be a finite time, got ${untilMs}`);
    const out = closeDndIfEnded();
    const now = clock.now();
    if (untilMs !== null && untilMs > now) dnd.start(untilMs);
    else if (dnd.isActive(now)) out.push(...closeDnd());
    return out;
  };

  const tick = (): Notification[] => closeDndIfEnded();

  const markResync = (): void => {
    for (const state of envs.values()) state.resync = true;
    healthResync = true;
  };

  const status = (): NotificationStatus => {
    const now = clock.now();
    const state = currentEnv === null ? undefined : envs.get(currentEnv);
    const criticalAlerts = (state?.counted ?? []).map(({ fingerprint, title }) => ({ fingerprint, title }));
    const disconnected = [...lastHealth.values()].some((s) => s.kind === 'alertmanager' && DOWN_STATES.has(s.state));
    const worstState: TrayState = disconnected
      ? 'disconnected'
      : criticalAlerts.length > 0
        ? 'critical'
        : state?.warningFiring
          ? 'warning'
          : 'ok';
    return {
      criticalCount: criticalAlerts.length,
      worstState,
      dndUntil: dnd.activeUntil(now),
      dndSuppressedCount: dnd.suppressedCount,
      dndSuppressedReminders: dnd.suppressedReminderCount,
      criticalAlerts,
    };
  };

  return { observeAlerts, observeHealth, observeReminders, setDoNotDisturb, tick, markResync, status };
}
