/**
 * Browser mode: the core's notifications shown with the Web Notifications API, once the user allowed
 * them. (In Electron the host shows native notifications; the renderer shows none.)
 */
import { openNotificationTarget, type NotificationClickTargets, type NotifyNotification } from '../../../preload/contract';

export type WebPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export function webPermission(): WebPermission {
  if (typeof window === 'undefined' || typeof window.Notification === 'undefined') return 'unsupported';
  return window.Notification.permission;
}

/** Asks the browser; must run from a click (browsers ignore requests without a user gesture). */
export async function requestWebPermission(): Promise<WebPermission> {
  if (webPermission() === 'unsupported') return 'unsupported';
  try {
    return await window.Notification.requestPermission();
  } catch {
    return webPermission();
  }
}

/** Shows one notification; clicking it focuses the page and opens what it is about (openNotificationTarget). */
export function showWebNotification(n: NotifyNotification, targets: NotificationClickTargets): boolean {
  if (webPermission() !== 'granted') return false;
  try {
    const note = new window.Notification(n.title, {
      body: n.body,
      tag: n.id,
      requireInteraction: n.severity === 'critical',
      silent: !n.sound,
    });
    note.onclick = () => {
      window.focus();
      openNotificationTarget(n, targets);
      note.close();
    };
    return true;
  } catch {
    // Some browsers only allow notifications from a service worker; the in-page state still shows the count.
    return false;
  }
}

/** "(3) Ops Console" while critical alerts fire, "Ops Console" otherwise. */
export function titleFor(criticalCount: number, base = 'Ops Console'): string {
  return criticalCount > 0 ? `(${criticalCount}) ${base}` : base;
}
