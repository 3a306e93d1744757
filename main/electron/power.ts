/**
 * Power and network hooks. While the OS sleeps the core is told nobody is looking (only alert polling
 * runs, if anything runs at all); on resume, unlock or the network coming back, every source refreshes
 * at once and the notification policy is told to resync, so alerts already known raise no storm.
 */
import { net, powerMonitor, type BrowserWindow } from 'electron';
import type { ConsoleCore } from '../core/console-core';
import type { NotifyFeature } from '../notify/notify-feature';

const ONLINE_CHECK_MS = 5_000;

export function wirePower(core: ConsoleCore, notify: NotifyFeature, getWindow: () => BrowserWindow | null): () => void {
  let asleep = false;
  const windowVisible = () => {
    const w = getWindow();
    return !!w && !w.isDestroyed() && w.isVisible() && !w.isMinimized();
  };
  const onSuspend = () => {
    asleep = true;
    core.setVisibility(false);
  };
  const onResume = () => {
    asleep = false;
    notify.resync();
    if (windowVisible()) core.setVisibility(true);
    void notify.resume();
  };
  const onUnlock = () => {
    if (!asleep) void notify.resume();
  };
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  powerMonitor.on('unlock-screen', onUnlock);
  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) void notify.resume();
    online = now;
  }, ONLINE_CHECK_MS);
  return () => {
    clearInterval(timer);
    powerMonitor.removeListener('suspend', onSuspend);
    powerMonitor.removeListener('resume', onResume);
    powerMonitor.removeListener('unlock-screen', onUnlock);
  };
}
