/**
 * main/electron/notifications.ts bundled with 'electron' replaced by a recording stub: what a native
 * notification shows and where its click leads (a reminder opens its incident, an alert its first alert).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { withElectronStub } from '../support/electron-stub';
import { openNotificationTarget, type NotifyNotification } from '../../preload/contract';

interface ShownNote extends EventEmitter {
  options: Record<string, unknown>;
}
const shown: ShownNote[] = [];
(globalThis as { __notifyStub?: unknown }).__notifyStub = {
  Notification: class extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    constructor(readonly options: Record<string, unknown>) {
      super();
    }
    show(): void {
      shown.push(this as unknown as ShownNote);
    }
  },
};
const STUB_SOURCE = `
const s = globalThis.__notifyStub;
export const Notification = s.Notification;
export const nativeImage = { createFromPath: (p) => ({ path: p }) };
`;

let notifications: typeof import('../../main/electron/notifications');
withElectronStub<typeof notifications>('main/electron/notifications.ts', STUB_SOURCE, (m) => (notifications = m));

const base: NotifyNotification = {
  id: 'n1',
  title: 'HighCPU on server-001',
  body: 'cpu 97%',
  severity: 'critical',
  fingerprints: ['fp-1', 'fp-2'],
  kind: 'alert',
  sound: false,
  environment: 'prod',
  at: 0,
};

function routeOf(n: NotifyNotification): string[] {
  const calls: string[] = [];
  openNotificationTarget(n, {
    openIncident: (id) => calls.push(`incident:${id}`),
    focusAlert: (fp) => calls.push(`alert:${fp}`),
    showWindow: () => calls.push('window'),
  });
  return calls;
}

test('a click on an alert notification opens its first alert; on a reminder, its incident; else just the window', () => {
  assert.deepEqual(routeOf(base), ['alert:fp-1']);
  assert.deepEqual(routeOf({ ...base, kind: 'reminder', fingerprints: [], incidentId: 'inc-7' }), ['incident:inc-7']);
  assert.deepEqual(routeOf({ ...base, kind: 'source-down', fingerprints: [] }), ['window']);
});

test('the native notifier shows the text as given, critical ones stay, and a click hands the whole notification over', () => {
  const clicked: NotifyNotification[] = [];
  const notify = notifications.createNativeNotifier({ assetsDir: '/assets', onClick: (n) => clicked.push(n) });
  const reminder: NotifyNotification = { ...base, id: 'r1', kind: 'reminder', severity: 'warning', fingerprints: [], incidentId: 'inc-7', title: '<b>Update due</b>' };
  notify(base);
  notify(reminder);
  assert.equal(shown.length, 2);
  assert.equal(shown[0]!.options.title, 'HighCPU on server-001');
  assert.equal(shown[0]!.options.timeoutType, 'never');
  assert.equal(shown[0]!.options.silent, true);
  assert.equal(shown[1]!.options.title, '<b>Update due</b>');
  assert.equal(shown[1]!.options.timeoutType, 'default');
  shown[1]!.emit('click');
  assert.deepEqual(clicked, [reminder]);
});
