/** Electron host: the thin layer around the same core the browser mode runs. */
import { app, BrowserWindow, powerMonitor } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Store from 'electron-store';
import { loadConfigFile } from '../config/load';
import type { ConsoleConfig } from '../config/schema';
import { createConsole } from '../core/create-console';
import { installSessionPolicies, openExternalSafely } from './security';
import { wireIpc } from './ipc';
import { createSecretStore } from './secrets';
import { createMainWindow } from './window';

const distDir = __dirname; // dist/electron
const indexPath = join(distDir, '..', 'renderer', 'index.html');
const indexUrl = pathToFileURL(indexPath).toString();

function cliOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { config: { type: 'string' }, open: { type: 'string' } },
    strict: false,
  });
  return values as { config?: string; open?: string };
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  installSessionPolicies();
  const store = new Store<{ secrets: Record<string, string> }>({ name: 'settings', defaults: { secrets: {} } });
  const secrets = createSecretStore({
    get: (ref) => store.get('secrets')[ref],
    set: (ref, enc) => store.set('secrets', { ...store.get('secrets'), [ref]: enc }),
  });
  const opts = cliOptions();
  const configPath = opts.config ?? process.env.OPS_CONSOLE_CONFIG ?? join(app.getPath('userData'), 'config.json');
  let config: ConsoleConfig | null = null;
  let configError: string | null = null;
  try {
    config = await loadConfigFile(configPath);
  } catch (err) {
    // A bad config file is reported, never overwritten; the app runs without it.
    configError = (err as Error).message;
  }
  const { core } = createConsole({
    config,
    configError,
    configPath,
    host: { kind: 'electron', dataDir: app.getPath('userData'), openExternal: openExternalSafely, resolveSecret: secrets.resolver },
  });
  let win: BrowserWindow | null = null;
  wireIpc(core, () => win, indexUrl);
  await core.start();
  win = createMainWindow({ preloadPath: join(distDir, 'preload.cjs'), indexPath, indexUrl });
  win.on('show', () => core.setVisibility(true));
  win.on('hide', () => core.setVisibility(false));
  win.on('minimize', () => core.setVisibility(false));
  win.on('restore', () => core.setVisibility(true));
  powerMonitor.on('suspend', () => core.setVisibility(false));
  powerMonitor.on('resume', () => void core.refreshNow());
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
  });
  app.on('before-quit', () => void core.shutdown());
  app.on('window-all-closed', () => app.quit());
}

void start();
