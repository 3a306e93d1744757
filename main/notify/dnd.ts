/**
 * Do-not-disturb window and the bookkeeping of what it swallowed.
 *
 * DND is "on" while `now < until`. While on, the policy emits nothing; every alert that would have
 * notified is recorded here instead (once per environment + fingerprint, however often it flaps),
 * and when the window ends (expiry seen by any policy call, or the user switching DND off) the
 * policy turns the record into one `dnd-summary` notification and the record is cleared.
 *
 * Incident reminders (a response target gone overdue) are held the same way, once per reminder key
 * (incident + target + due time), and reported in the same summary.
 */

export interface SuppressedAlert {
  env: string;
  fingerprint: string;
  /** Short human title, e.g. "HighCPU on server-001". */
  title: string;
  /** The alert's `severity` label, lower-cased. */
  severity: string;
}

export interface SuppressedReminder {
  /** `<incidentId>/<kind>/<dueAt>`: one target's one due time. */
  key: string;
  incidentId: string;
  incidentTitle: string;
  /** What is overdue, e.g. "Status update". */
  what: string;
  dueAt: number;
}

export class DndWindow {
  #until: number | null = null;
  readonly #suppressed = new Map<string, SuppressedAlert>();
  readonly #reminders = new Map<string, SuppressedReminder>();

  /** True while DND is on at `now`. */
  isActive(now: number): boolean {
    return this.#until !== null && now < this.#until;
  }

  /** The end of the window while it is on at `now`, else null. */
  activeUntil(now: number): number | null {
    return this.isActive(now) ? this.#until : null;
  }

  /** A window was set and has run out (or been switched off) but not yet been closed with {@link end}. */
  hasEnded(now: number): boolean {
    return this.#until !== null && now >= this.#until;
  }

  /** Starts a window, or moves the end of the running one (keeping what it has counted so far). */
  start(untilMs: number): void {
    this.#until = untilMs;
  }

  /** Records an alert that would have notified. Returns false if this window had already counted it. */
  suppress(alert: SuppressedAlert): boolean {
    const key = `${alert.env}\u0000${alert.fingerprint}`;
    if (this.#suppressed.has(key)) return false;
    this.#suppressed.set(key, alert);
    return true;
  }

  /** Records an incident reminder that would have notified. Returns false if this window already held it. */
  suppressReminder(reminder: SuppressedReminder): boolean {
    if (this.#reminders.has(reminder.key)) return false;
    this.#reminders.set(reminder.key, reminder);
    return true;
  }

  /** Alerts counted by the current (or ended but not yet closed) window. */
  get suppressedCount(): number {
    return this.#suppressed.size;
  }

  /** Incident reminders held by the current (or ended but not yet closed) window. */
  get suppressedReminderCount(): number {
    return this.#reminders.size;
  }

  /** Closes the window and hands back what it swallowed (alerts, then reminders), each in the order it happened. */
  end(): { alerts: SuppressedAlert[]; reminders: SuppressedReminder[] } {
    const alerts = [...this.#suppressed.values()];
    const reminders = [...this.#reminders.values()];
    this.#suppressed.clear();
    this.#reminders.clear();
    this.#until = null;
    return { alerts, reminders };
  }
}
