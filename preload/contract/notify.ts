import { z } from 'zod';
import { request } from './define';

export type NotifySeverity = 'critical' | 'warning' | 'info';
/** `reminder`: an incident's response target went overdue (held like alerts while Do-not-disturb is on). */
export type NotifyKind = 'alert' | 'summary' | 'source-down' | 'source-up' | 'dnd-summary' | 'reminder' | 'test';
export type TrayStateName = 'ok' | 'warning' | 'critical' | 'disconnected';

/** One notification decided by the core's policy; hosts show it (native or Web Notifications). */
export interface NotifyNotification {
  id: string;
  title: string;
  body: string;
  severity: NotifySeverity;
  /** Alerts to open when clicked (empty for source notifications). */
  fingerprints: string[];
  /** Incident reminders: the incident to open when clicked. */
  incidentId?: string;
  kind: NotifyKind;
  sound: boolean;
  /** Environment the notification is about. */
  environment: string | null;
  /** When the core decided it (ms). */
  at: number;
}

/** What a click on a notification can open (the Electron host and the browser mode each provide these). */
export interface NotificationClickTargets {
  openIncident(incidentId: string): void;
  focusAlert(fingerprint: string): void;
  showWindow(): void;
}

/** Where a click on a notification leads: a reminder to its incident, an alert notification to its first alert. */
export function openNotificationTarget(n: NotifyNotification, to: NotificationClickTargets): void {
  if (n.incidentId) to.openIncident(n.incidentId);
  else if (n.fingerprints[0]) to.focusAlert(n.fingerprints[0]);
  else to.showWindow();
}

/** What the tray, the badge and the page title show. */
export interface NotifyStatus {
  criticalCount: number;
  worstState: TrayStateName;
  /** End of Do-not-disturb (ms) while it is on, else null. */
  dnd: number | null;
  /** Alerts counted while Do-not-disturb is on. */
  dndSuppressedCount: number;
  criticalAlerts: { fingerprint: string; title: string }[];
  environment: string | null;
}

export const notifyRequests = {
  /** `until`: an instant (ms) or null to switch off; `preset`: '1h' or 'tomorrow' (08:00 local next day). */
  'notify.setDoNotDisturb': request<NotifyStatus>()(
    z.union([
      z.object({ until: z.number().int().nonnegative().nullable() }).strict(),
      z.object({ preset: z.enum(['1h', 'tomorrow']) }).strict(),
    ]),
  ),
  /** Sends a test notification through the same path real ones take. */
  'notify.test': request<NotifyNotification>()(z.object({}).strict()),
};

export interface NotifyEvents {
  'notify.notification': NotifyNotification;
  'notify.status': NotifyStatus;
  /** The host (tray menu, native notification click) asks the renderer to show one alert. */
  'notify.focusAlert': { fingerprint: string };
  /** The host (a reminder's native notification click) asks the renderer to open one incident. */
  'notify.focusIncident': { incidentId: string };
}
