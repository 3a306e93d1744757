import { BrowserWindow } from 'electron';
import { lockDownContents, secureWebPreferences } from './security';

export function createMainWindow(opts: { preloadPath: string; indexPath: string; indexUrl: string; iconPath?: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Ops Console',
    icon: opts.iconPath,
    webPreferences: secureWebPreferences(opts.preloadPath),
  });
  lockDownContents(win.webContents, opts.indexUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(opts.indexPath);
  return win;
}
