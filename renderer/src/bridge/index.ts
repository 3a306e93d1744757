import type { ConsoleBridge, PreloadApi } from '../../../preload/contract';
import { createWebSocketBridge } from './websocket-bridge';
import { createIpcBridge } from './ipc-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge. */
    opsConsoleIpc?: PreloadApi;
  }
}

let bridge: ConsoleBridge | null = null;
const connectionListeners = new Set<(connected: boolean) => void>();

export function onBridgeConnection(listener: (connected: boolean) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** Electron's preload bridge when present, otherwise the browser-mode WebSocket. */
export function getBridge(): ConsoleBridge {
  if (bridge) return bridge;
  if (window.opsConsoleIpc) {
    bridge = createIpcBridge(window.opsConsoleIpc);
    queueMicrotask(() => connectionListeners.forEach((l) => l(true)));
    return bridge;
  }
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? '';
  // Keep the token out of the address bar; the HttpOnly cookie set with the page carries it from now on.
  if (token) {
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
  }
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  bridge = createWebSocketBridge(wsUrl, (c) => connectionListeners.forEach((l) => l(c)));
  return bridge;
}
