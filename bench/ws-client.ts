/** A Node client of the browser host's bridge (the same WebSocket protocol the renderer speaks). */
import WebSocket from 'ws';

export interface BridgeClient {
  invoke(name: string, args: unknown): Promise<{ result: unknown; bytes: number }>;
  close(): void;
}

export async function connectBridge(consoleUrl: string): Promise<BridgeClient> {
  const u = new URL(consoleUrl);
  const token = u.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${u.host}/bridge?token=${encodeURIComponent(token)}`, { origin: u.origin, maxPayload: 512 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: { result: unknown; bytes: number }) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    const msg = JSON.parse(text) as { t: string; id?: number; ok?: boolean; result?: unknown; error?: { message: string } };
    if (msg.t !== 'res' || typeof msg.id !== 'number') return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (!p) return;
    if (msg.ok) p.resolve({ result: msg.result, bytes: data.length });
    else p.reject(new Error(msg.error?.message ?? 'request failed'));
  });
  return {
    invoke(name, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ t: 'req', id, name, args }));
      });
    },
    close: () => ws.close(),
  };
}
