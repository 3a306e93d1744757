import type { ConsoleBridge, ConsoleEvent, RequestArgs, RequestName, RequestResult, WireResult } from '../../../preload/contract';
import { BridgeError } from './bridge-error';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * Browser mode: the contract over a WebSocket to the core on 127.0.0.1. Reconnects with backoff;
 * `onConnection` tells the app so it can resync (say hello again) and show the link state.
 */
export function createWebSocketBridge(url: string, onConnection: (connected: boolean) => void): ConsoleBridge {
  const listeners = new Set<(e: ConsoleEvent) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let ws: WebSocket | null = null;
  let retryMs = 250;

  function connect(): void {
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      retryMs = 250;
      for (const m of queue.splice(0)) socket.send(m);
      onConnection(true);
    };
    socket.onmessage = (msg) => {
      const data = JSON.parse(String(msg.data)) as { t: string; id?: number; name?: string; payload?: unknown; ok?: boolean; result?: unknown; error?: Extract<WireResult<unknown>, { ok: false }>['error'] };
      if (data.t === 'evt') {
        const event = { name: data.name, payload: data.payload } as ConsoleEvent;
        for (const l of listeners) l(event);
      } else if (data.t === 'res' && typeof data.id === 'number') {
        const p = pending.get(data.id);
        pending.delete(data.id);
        if (!p) return;
        if (data.ok) p.resolve(data.result);
        else p.reject(new BridgeError(data.error?.code ?? 'internal', data.error?.message ?? 'unknown error'));
      }
    };
    socket.onclose = () => {
      ws = null;
      onConnection(false);
      for (const [, p] of pending) p.reject(new BridgeError('unavailable', 'connection to the console core was lost'));
      pending.clear();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }
  connect();

  return {
    invoke<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
      const id = nextId++;
      const text = JSON.stringify({ t: 'req', id, name, args });
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
        else queue.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
