/** Native desktop notifications for what the core's notification policy decides. */
import { Notification, nativeImage, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { NotifyNotification } from '../../preload/contract';

export interface NativeNotifierDeps {
  assetsDir: string;
  /** Click: show the window on what the notification is about (its incident, or its first alert). */
  onClick(n: NotifyNotification): void;
}

export function createNativeNotifier(deps: NativeNotifierDeps): (n: NotifyNotification) => void {
  // Shown notifications are kept referenced until closed, or their click handler could be collected.
  const live = new Set<Notification>();
  const icons = new Map<string, NativeImage>();
  const iconFor = (severity: NotifyNotification['severity']): NativeImage => {
    const state = severity === 'critical' ? 'critical' : severity === 'warning' ? 'warning' : 'ok';
    let img = icons.get(state);
    if (!img) {
      img = nativeImage.createFromPath(join(deps.assetsDir, 'notify', `${state}.png`));
      icons.set(state, img);
    }
    return img;
  };
  return (n) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({
      title: n.title,
      body: n.body,
      silent: !n.sound,
      urgency: n.severity === 'critical' ? 'critical' : 'normal',
      icon: iconFor(n.severity),
      timeoutType: n.severity === 'critical' ? 'never' : 'default',
    });
    live.add(note);
    note.on('click', () => {
      live.delete(note);
      deps.onClick(n);
    });
    note.on('close', () => live.delete(note));
    note.show();
  };
}
