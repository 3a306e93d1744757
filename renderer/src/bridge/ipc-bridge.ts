import type { ConsoleBridge, ConsoleEvent, PreloadApi, WireResult } from '../../../preload/contract';
import { BridgeError } from './bridge-error';

/** Electron: the preload's raw IPC, unwrapped into the same ConsoleBridge the browser mode uses. */
export function createIpcBridge(ipc: PreloadApi): ConsoleBridge {
  return {
    async invoke(name, args) {
      const res = (await ipc.invoke(name, args)) as WireResult<never>;
      if (res.ok) return res.result;
      throw new BridgeError(res.error.code, res.error.message);
    },
    subscribe(listener) {
      return ipc.onEvent((e) => listener(e as ConsoleEvent));
    },
  };
}
