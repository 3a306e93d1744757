/**
 * The tray icon: state ok / warning / critical / disconnected (assets/tray, light and dark variants),
 * the critical count in the tooltip and the badge, and a menu with Open, the current critical alerts
 * (each opens the window on it), Do not disturb for 1 hour / until tomorrow, and Quit.
 */
import { Menu, Tray, app, nativeImage, nativeTheme, type BrowserWindow, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { NotifyStatus, TrayStateName } from '../../preload/contract';

export interface TrayDeps {
  assetsDir: string;
  getWindow(): BrowserWindow | null;
  showWindow(): void;
  focusAlert(fingerprint: string): void;
  setDoNotDisturb(preset: '1h' | 'tomorrow' | null): void;
  quit(): void;
}

const MENU_ALERTS = 10;

export function trayIconPath(assetsDir: string, state: TrayStateName, dark: boolean): string {
  return join(assetsDir, 'tray', `tray-${state}-${dark ? 'dark' : 'light'}.png`);
}

export function tooltipFor(s: NotifyStatus): string {
  const env = s.environment ? ` · ${s.environment}` : '';
  const dnd = s.dnd !== null ? ` · Do not disturb until ${new Date(s.dnd).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
  if (s.worstState === 'disconnected') return `Ops Console${env}: Alertmanager unreachable${s.criticalCount ? ` · ${s.criticalCount} critical (last known)` : ''}${dnd}`;
  if (s.criticalCount > 0) return `Ops Console${env}: ${s.criticalCount} critical alert${s.criticalCount === 1 ? '' : 's'}${dnd}`;
  return `Ops Console${env}: ${s.worstState === 'warning' ? 'warnings only' : 'no critical alerts'}${dnd}`;
}

export function createTray(deps: TrayDeps): { update(status: NotifyStatus): void; tooltip(): string; destroy(): void } {
  const images = new Map<string, NativeImage>();
  const image = (state: TrayStateName): NativeImage => {
    // The dark variant (light glyph) for dark menu bars / task bars.
    const dark = nativeTheme.shouldUseDarkColorsForSystemIntegratedUI || nativeTheme.shouldUseDarkColors;
    const key = `${state}-${dark}`;
    let img = images.get(key);
    if (!img) {
      img = nativeImage.createFromPath(trayIconPath(deps.assetsDir, state, dark)); // picks up the @2x file on HiDPI
      images.set(key, img);
    }
    return img;
  };
  let last: NotifyStatus = { criticalCount: 0, worstState: 'ok', dnd: null, dndSuppressedCount: 0, criticalAlerts: [], environment: null };
  const tray = new Tray(image('ok'));
  tray.setToolTip('Ops Console');
  tray.on('click', () => deps.showWindow());

  const menu = (s: NotifyStatus): Menu => {
    const items: MenuItemConstructorOptions[] = [{ label: 'Open Ops Console', click: () => deps.showWindow() }, { type: 'separator' }];
    if (s.criticalAlerts.length === 0) items.push({ label: s.worstState === 'disconnected' ? 'Alertmanager unreachable' : 'No critical alerts', enabled: false });
    else {
      items.push({ label: `Critical alerts (${s.criticalCount})`, enabled: false });
      for (const a of s.criticalAlerts.slice(0, MENU_ALERTS)) items.push({ label: a.title.slice(0, 80), click: () => deps.focusAlert(a.fingerprint) });
      if (s.criticalAlerts.length > MENU_ALERTS) items.push({ label: `…and ${s.criticalAlerts.length - MENU_ALERTS} more`, click: () => deps.showWindow() });
    }
    items.push({ type: 'separator' });
    if (s.dnd !== null) {
      items.push({ label: `Do not disturb until ${new Date(s.dnd).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}`, enabled: false });
      items.push({ label: 'Turn notifications back on', click: () => deps.setDoNotDisturb(null) });
    }
    items.push({ label: 'Do not disturb for 1 hour', click: () => deps.setDoNotDisturb('1h') });
    items.push({ label: 'Do not disturb until tomorrow', click: () => deps.setDoNotDisturb('tomorrow') });
    items.push({ type: 'separator' }, { label: 'Quit', click: () => deps.quit() });
    return Menu.buildFromTemplate(items);
  };

  const update = (s: NotifyStatus) => {
    last = s;
    tray.setImage(image(s.worstState));
    tray.setToolTip(tooltipFor(s));
    tray.setContextMenu(menu(s));
    // Dock / launcher badge where the OS has one (macOS, Unity); Windows gets an overlay on the task bar button.
    app.setBadgeCount(s.criticalCount);
    const win = deps.getWindow();
    if (process.platform === 'win32' && win && !win.isDestroyed()) {
      win.setOverlayIcon(s.criticalCount > 0 ? image('critical') : null, s.criticalCount > 0 ? `${s.criticalCount} critical alerts` : '');
    }
  };
  nativeTheme.on('updated', () => {
    images.clear();
    update(last);
  });
  update(last);
  return { update, tooltip: () => tooltipFor(last), destroy: () => tray.destroy() };
}
