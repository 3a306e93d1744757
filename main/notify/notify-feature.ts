/**
 * Notifications as a core feature: feeds the pure policy (./policy.ts) with every successful alerts
 * poll, every health update and every change of the incidents' due reminders ('incidents.reminders',
 * so an overdue response target notifies under the same Do-not-disturb as alerts), and hands what it
 * decides to
 *
 * - the renderer, as 'notify.notification' events (browser mode shows them with the Web Notifications
 *   API; the Electron renderer ignores them because the host shows native ones),
 * - host sinks registered with {@link NotifyFeature.addSink} (Electron: native `Notification`),
 *
 * and publishes 'notify.status' (tray icon, tooltip, badge, page title) whenever it changes.
 *
 * Power: alert polling goes on while the window is hidden (it is the one poller kept), so nothing is
 * missed; on resume from sleep or the window coming back, {@link NotifyFeature.resync} makes the next
 * observation a baseline, so a refresh of everything at once gives no storm for alerts already known.
 * When every Alertmanager was down and one answers again, the same happens (what fired during the
 * outage and was never seen still notifies, as one summary).
 */
import type { AlertView, IncidentReminder, NotifyNotification, NotifyStatus, SourceHealth } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import type { AlertsFeature } from '../alerts/alerts-feature';
import type { ConsoleConfig } from '../config/schema';
import type { Clock } from './clock';
import { DEFAULT_NOTIFICATION_CONFIG, DOWN_STATES, createNotificationPolicy, type Notification, type NotificationPolicy } from './policy';

export type NotificationSink = (n: NotifyNotification) => void;

export interface NotifyFeatureOptions {
  clock?: Clock;
  /** How often the policy's timer runs (DND expiry); default 15 s. */
  tickMs?: number;
}

const DEFAULT_TICK_MS = 15_000;
/** "Until tomorrow" means until this local hour of the next day. */
export const TOMORROW_HOUR = 8;

/** 08:00 local time on the day after `nowMs`. */
export function tomorrowMorning(nowMs: number, hour = TOMORROW_HOUR): number {
  const d = new Date(nowMs);
  d.setDate(d.getDate() + 1);
  d.setHours(hour, 0, 0, 0);
  return d.getTime();
}

function isAcked(alert: AlertView): boolean {
  return alert.ack !== undefined && alert.ack !== null;
}

export class NotifyFeature implements Feature {
  private readonly clock: Clock;
  private policy: NotificationPolicy;
  private policyKey: string;
  private readonly sinks = new Set<NotificationSink>();
  private runtime: EnvironmentRuntime | null = null;
  private observedEnv: string | null = null;
  private lastStatusKey = '';
  private lastStatus: NotifyStatus;
  private amAllDown = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];
  private delivered = 0;
  private reminders: readonly IncidentReminder[] = [];

  constructor(
    private readonly core: ConsoleCore,
    alerts: Pick<AlertsFeature, 'onAlerts'>,
    opts: NotifyFeatureOptions = {},
  ) {
    this.clock = opts.clock ?? { now: () => core.now() };
    const cfg = core.settings?.notifications ?? DEFAULT_NOTIFICATION_CONFIG;
    this.policy = createNotificationPolicy({ ...cfg, severities: [...cfg.severities] }, this.clock);
    this.policyKey = JSON.stringify(cfg);
    this.lastStatus = this.computeStatus();
    core.provideSnapshot('notify.status', () => this.lastStatus);
    core.handle('notify.setDoNotDisturb', (args) => {
      const until = 'preset' in args ? (args.preset === '1h' ? this.clock.now() + 3_600_000 : tomorrowMorning(this.clock.now())) : args.until;
      this.setDoNotDisturb(until);
      return this.lastStatus;
    });
    core.handle('notify.test', () => {
      const n: NotifyNotification = {
        id: `test-${this.clock.now()}`,
        title: 'Ops Console test notification',
        body: 'Notifications reach you. Critical alerts will look like this.',
        severity: 'critical',
        fingerprints: [],
        kind: 'test',
        sound: core.settings?.notifications.sound ?? false,
        environment: this.runtime?.name ?? null,
        at: this.clock.now(),
      };
      this.deliver(n);
      return n;
    });
    this.unsubscribe.push(alerts.onAlerts((map) => this.onAlerts(map)));
    this.unsubscribe.push(
      core.subscribe((event) => {
        if (event.name === 'core.health') this.onHealth(event.payload);
        else if (event.name === 'incidents.reminders') this.onReminders(event.payload);
      }),
    );
    this.timer = setInterval(() => this.tick(), opts.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
  }

  /** Host hook: the Electron layer shows native notifications from here. Returns an unsubscribe. */
  addSink(sink: NotificationSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  status(): NotifyStatus {
    return this.lastStatus;
  }

  /** Notifications handed out so far (tests, diagnostics). */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** After resume from sleep or a reconnect: known alerts stay quiet at the next observation. */
  resync(): void {
    this.policy.markResync();
  }

  /** Power hook (resume, network back): resync, then refresh every source at once. */
  async resume(): Promise<void> {
    this.resync();
    await this.core.refreshNow();
  }

  setDoNotDisturb(until: number | null): void {
    this.deliverAll(this.policy.setDoNotDisturb(until));
    this.publishStatus();
  }

  tick(): void {
    this.deliverAll(this.policy.tick());
    this.publishStatus();
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtime = runtime;
    const cfg: ConsoleConfig['notifications'] = runtime.settings.notifications;
    const key = JSON.stringify(cfg);
    if (key !== this.policyKey) {
      // New policy settings: a fresh policy (its start-up baseline keeps what already fires quiet), same DND.
      const dndUntil = this.policy.status().dndUntil;
      this.policy = createNotificationPolicy({ ...cfg, severities: [...cfg.severities] }, this.clock);
      this.policyKey = key;
      if (dndUntil !== null) this.policy.setDoNotDisturb(dndUntil);
      this.policy.observeReminders(this.reminders); // what is already overdue was notified by the old policy
    }
    this.amAllDown = false;
    this.publishStatus();
  }

  onVisibility(visible: boolean): void {
    // Alert polling never stopped, but the window coming back is also what follows a wake-up.
    if (visible) this.resync();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    this.sinks.clear();
  }

  private onAlerts(map: Map<string, AlertView>): void {
    const env = this.runtime?.name;
    if (!env) return;
    this.observedEnv = env;
    this.deliverAll(this.policy.observeAlerts(env, [...map.values()], isAcked));
    this.publishStatus();
  }

  private onReminders(reminders: IncidentReminder[]): void {
    this.reminders = reminders;
    this.deliverAll(this.policy.observeReminders(reminders));
    this.publishStatus();
  }

  private onHealth(health: SourceHealth[]): void {
    const am = health.filter((h) => h.kind === 'alertmanager');
    const allDown = am.length > 0 && am.every((h) => DOWN_STATES.has(h.state));
    if (allDown) this.amAllDown = true;
    else if (this.amAllDown && am.some((h) => h.state === 'ok' || h.state === 'degraded')) {
      // Reconnected: alerts fed after this are compared with what we knew, not announced again.
      this.amAllDown = false;
      this.policy.markResync();
    }
    this.deliverAll(this.policy.observeHealth(health));
    this.publishStatus();
  }

  private computeStatus(): NotifyStatus {
    const s = this.policy.status();
    const env = this.runtime?.name ?? null;
    const same = env !== null && env === this.observedEnv;
    return {
      criticalCount: same ? s.criticalCount : 0,
      worstState: same || s.worstState === 'disconnected' ? s.worstState : 'ok',
      dnd: s.dndUntil,
      dndSuppressedCount: s.dndSuppressedCount,
      criticalAlerts: same ? s.criticalAlerts.slice(0, 50) : [],
      environment: env,
    };
  }

  private publishStatus(): void {
    const next = this.computeStatus();
    const key = JSON.stringify(next);
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    this.lastStatus = next;
    this.core.emit('notify.status', next);
  }

  private deliverAll(list: Notification[]): void {
    const env = this.runtime?.name ?? null;
    for (const n of list) this.deliver({ ...n, environment: env, at: this.clock.now() });
  }

  private deliver(n: NotifyNotification): void {
    this.delivered += 1;
    this.core.emit('notify.notification', n);
    for (const sink of this.sinks) {
      try {
        sink(n);
      } catch {
        // A host that cannot show one notification must not stop the others.
      }
    }
  }
}
