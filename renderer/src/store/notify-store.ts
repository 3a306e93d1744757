import { create } from 'zustand';
import type { NotificationClickTargets, NotifyNotification, NotifyStatus } from '../../../preload/contract';
import { onTopic } from './event-router';
import { useCoreStore } from './core-store';
import { useUiStore } from './ui-store';
import { openIncident } from './incidents-store';
import { requestWebPermission, showWebNotification, titleFor, webPermission, type WebPermission } from '../notify/web-notifications';

interface NotifyState {
  status: NotifyStatus;
  permission: WebPermission;
  /** The latest notifications, newest first (shown in Settings › Notifications). */
  recent: NotifyNotification[];
  enableWebNotifications(): Promise<WebPermission>;
}

const EMPTY: NotifyStatus = { criticalCount: 0, worstState: 'ok', dnd: null, dndSuppressedCount: 0, criticalAlerts: [], environment: null };

export const useNotifyStore = create<NotifyState>((set) => ({
  status: EMPTY,
  permission: webPermission(),
  recent: [],
  enableWebNotifications: async () => {
    const permission = await requestWebPermission();
    set({ permission });
    return permission;
  },
}));

// What a Web Notification's click opens (the page itself was already focused by the click).
const clickTargets: NotificationClickTargets = {
  openIncident,
  focusAlert: (fingerprint) => useUiStore.getState().focusAlert(fingerprint),
  showWindow: () => undefined,
};

onTopic('notify.status', (status) => {
  useNotifyStore.setState({ status });
  if (typeof document !== 'undefined') document.title = titleFor(status.criticalCount);
});

onTopic('notify.notification', (n) => {
  useNotifyStore.setState((s) => ({ recent: [n, ...s.recent].slice(0, 20) }));
  // Electron shows native notifications itself; only the browser host needs the Web Notifications API.
  if (useCoreStore.getState().host === 'browser') showWebNotification(n, clickTargets);
});

onTopic('notify.focusAlert', ({ fingerprint }) => useUiStore.getState().focusAlert(fingerprint));
onTopic('notify.focusIncident', ({ incidentId }) => openIncident(incidentId));
