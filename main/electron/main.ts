/** Electron host: the thin layer around the same core the browser mode runs. */
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Store from 'electron-store';
import { loadConfigFile } from '../config/load';
import type { ConsoleConfig } from '../config/schema';
import { createConsole } from '../core/create-console';
import { tuneHeapForLongRunningCore } from '../core/heap';
import { installSessionPolicies, openExternalSafely } from './security';
import { wireIpc } from './ipc';
import { createSecretStore } from './secrets';
import { createMainWindow } from './window';
import { createTray } from './tray';
import { createNativeNotifier } from './notifications';
import { openNotificationTarget } from '../../preload/contract';
import { wirePower } from './power';
import { warmHttpStack } from '../clients/http-warmup';
import { deliverToWindow, installDeepLinks, withoutDeepLinks } from './deep-links';

const distDir = __dirname; // dist/electron
const indexPath = join(distDir, '..', 'renderer', 'index.html');
const indexUrl = pathToFileURL(indexPath).toString();
/** Icons: assets/ next to dist/ (in the package too, see electron-builder.yml). */
const assetsDir = join(distDir, '..', '..', 'assets');

function cliOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { config: { type: 'string' }, open: { type: 'string' } },
    strict: false,
  });
  return values as { config?: string; open?: string };
}

/** An exported incident given on the command line: `--open <file>` or a bare `*.opsincident` / `*.json` path (the file association, OS "open with"). */
function fileToOpen(argv: string[]): string | null {
  const i = argv.indexOf('--open');
  if (i >= 0 && argv[i + 1]) return argv[i + 1]!;
  const eq = argv.find((a) => a.startsWith('--open='));
  if (eq) return eq.slice('--open='.length);
  // A bare path (file association); not the value of --config.
  return argv.slice(1).find((a, j) => !a.startsWith('-') && /\.(opsincident|json)$/i.test(a) && argv[j] !== '--config') ?? null;
}

// macOS delivers "open with" as an event, possibly before the app is ready.
const earlyOpens: string[] = [];
let openIncidentFile: ((path: string) => void) | null = null;
app.on('open-file', (e, path) => {
  e.preventDefault();
  if (openIncidentFile) openIncidentFile(path);
  else earlyOpens.push(path);
});
// ops-console:// silence links: macOS' open-url may come before ready too; held until the window has loaded.
const deepLinks = installDeepLinks();

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  tuneHeapForLongRunningCore();
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
  const { core, features } = createConsole({
    config,
    configError,
    configPath,
    host: { kind: 'electron', dataDir: app.getPath('userData'), openExternal: openExternalSafely, resolveSecret: secrets.resolver },
    secrets,
  });
  let win: BrowserWindow | null = null;
  wireIpc(core, () => win, indexUrl);
  await core.start();
  void warmHttpStack();
  win = createMainWindow({ preloadPath: join(distDir, 'preload.cjs'), indexPath, indexUrl, iconPath: join(assetsDir, 'icons', '512x512.png') });
  let quitting = false;
  const showWindow = () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  // Opens the window on one alert: the renderer handles 'notify.focusAlert' with useUiStore.focusAlert.
  const focusAlert = (fingerprint: string) => {
    showWindow();
    core.emit('notify.focusAlert', { fingerprint });
  };
  // Once the page has loaded, its stores listen: a silence link shows the window and opens the editor, a
  // refused one shows why (the renderer's 'ui.openSilence').
  win.webContents.once('did-finish-load', () => deliverToWindow(deepLinks, showWindow, (name, payload) => core.emit(name, payload)));
  // Closing the window keeps the app in the tray; Quit (tray menu, Cmd+Q) really quits.
  win.on('close', (e) => {
    if (quitting) return;
    e.preventDefault();
    win?.hide();
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  const tray = createTray({
    assetsDir,
    getWindow: () => win,
    showWindow,
    focusAlert,
    setDoNotDisturb: (preset) => void core.invoke('notify.setDoNotDisturb', preset === null ? { until: null } : { preset }),
    quit: () => app.quit(),
  });
  tray.update(features.notify.status());
  core.subscribe((event) => {
    if (event.name === 'notify.status') tray.update(event.payload);
  });
  features.notify.addSink(
    createNativeNotifier({
      assetsDir,
      onClick: (n) =>
        openNotificationTarget(n, {
          openIncident: (incidentId) => {
            showWindow();
            core.emit('notify.focusIncident', { incidentId });
          },
          focusAlert,
          showWindow,
        }),
    }),
  );
  wirePower(core, features.notify, () => win);
  if (process.env.OPS_CONSOLE_E2E === '1') {
    // For e2e/electron.test.ts only: what the tray shows and which notifications were shown natively.
    const shown: string[] = [];
    features.notify.addSink((n) => shown.push(n.title));
    (globalThis as Record<string, unknown>).__opsConsoleE2E = { tooltip: () => tray.tooltip(), shown, isQuitting: () => quitting };
  }
  win.on('show', () => core.setVisibility(true));
  win.on('hide', () => core.setVisibility(false));
  win.on('minimize', () => core.setVisibility(false));
  win.on('restore', () => core.setVisibility(true));
  // Offline review of an exported incident: read-only in the Incidents pane, even with no config.
  openIncidentFile = (path: string) => {
    showWindow();
    void features.incidents.openFile(path);
  };
  deepLinks.handleArgv(process.argv);
  const firstOpen = opts.open ?? fileToOpen(withoutDeepLinks(process.argv).slice(app.isPackaged ? 0 : 1));
  for (const path of [...(firstOpen ? [firstOpen] : []), ...earlyOpens.splice(0)]) openIncidentFile(path);
  app.on('second-instance', (_e, argv) => {
    // Launching the app again shows it (a link, valid or refused, is shown by its delivery too).
    showWindow();
    deepLinks.handleArgv(argv);
    const path = fileToOpen(withoutDeepLinks(argv).slice(app.isPackaged ? 0 : 1));
    if (path) openIncidentFile?.(path);
  });
  app.on('activate', () => showWindow());
  app.on('before-quit', () => {
    tray.destroy();
    void core.shutdown();
  });
  // The window only hides; the app lives in the tray until Quit.
  app.on('window-all-closed', () => undefined);
}

void start();
