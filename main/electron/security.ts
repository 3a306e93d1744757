import { session, shell, type BrowserWindow, type WebContents, type WebPreferences } from 'electron';
import { safeExternalUrl } from '../core/safe-url';

/** Electron's security checklist, applied to every window the app opens. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

export const ELECTRON_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

/** Only our own page may talk to the core: the sender frame must be the app's index.html. */
export function isTrustedSender(frameUrl: string | undefined, appIndexUrl: string): boolean {
  if (!frameUrl) return false;
  try {
    const a = new URL(frameUrl);
    const b = new URL(appIndexUrl);
    return a.protocol === 'file:' && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function installSessionPolicies(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });
  // Notifications only; camera, microphone, geolocation and the rest are refused.
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'notifications'));
  ses.setPermissionCheckHandler((_wc, permission) => permission === 'notifications');
}

/** No navigation away from the app and no new windows; http(s) links go to the system browser. */
export function lockDownContents(contents: WebContents, appIndexUrl: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    const safe = safeExternalUrl(url);
    if (safe) void shell.openExternal(safe);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (url !== appIndexUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function openExternalSafely(url: string): Promise<boolean> {
  const safe = safeExternalUrl(url);
  if (!safe) return Promise.resolve(false);
  return shell.openExternal(safe).then(() => true);
}

export type { BrowserWindow };
