/** IPC channel names, kept apart so the sandboxed preload bundles nothing else. */
export const IPC_INVOKE_CHANNEL = 'ops-console:invoke';
export const IPC_EVENT_CHANNEL = 'ops-console:event';

/** What the preload exposes on `window.opsConsoleIpc`: raw wire results, unwrapped by the renderer. */
export interface PreloadApi {
  invoke(name: string, args: unknown): Promise<unknown>;
  onEvent(listener: (event: { name: string; payload: unknown }) => void): () => void;
}

/** Events a hidden window still receives: notifications must reach the user while the console is in the tray. */
export function isWhileHiddenEvent(name: string): boolean {
  return name.startsWith('notify.');
}
