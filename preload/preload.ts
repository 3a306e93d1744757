/**
 * Electron preload (sandboxed, context-isolated): exposes exactly two functions to the renderer.
 * Arguments are validated in the main process against the contract's schemas, not here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type PreloadApi } from './contract/channels';

const api: PreloadApi = {
  invoke: (name, args) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, args),
  onEvent: (listener) => {
    const wrapped = (_e: IpcRendererEvent, event: { name: string; payload: unknown }) => listener(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('opsConsoleIpc', api);
