import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, isWhileHiddenEvent } from '../../preload/contract';
import type { ConsoleCore } from '../core/console-core';
import { isTrustedSender } from './security';

/** Bridges the contract over IPC: sender checked here, arguments validated by the core's schemas. */
export function wireIpc(core: ConsoleCore, getWindow: () => BrowserWindow | null, appIndexUrl: string): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, name: unknown, args: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, appIndexUrl)) {
      return { ok: false, error: { code: 'invalid-argument', message: 'request from an untrusted frame refused' } };
    }
    return core.invoke(name, args);
  });
  const unsubscribe = core.subscribe((event) => {
    const win = getWindow();
    if (!win || win.isDestroyed()) return;
    // A hidden window does no work: it gets only notifications and says hello again when shown.
    if ((!win.isVisible() || win.isMinimized()) && !isWhileHiddenEvent(event.name)) return;
    win.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
