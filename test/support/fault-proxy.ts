/**
 * A small TCP proxy on 127.0.0.1 in front of a real server, for fault tests. Modes:
 *
 *   pass            bytes flow both ways untouched
 *   delay           the request is held `delayMs` before it goes upstream (slower than a client's timeout)
 *   drop            the connection is accepted and never answered (held until the client gives up)
 *   cut             the request goes upstream; the answer is cut off after its first `cutAfterBytes` bytes
 *   http500 / http502 / html / truncated-json / http401
 *                   a canned bad answer, without asking the real server (see CANNED)
 *
 * Switching mode closes every open connection, so pooled keep-alive sockets cannot carry the old mode on.
 * Bounded: held sockets are destroyed after `holdLimitMs`, and the proxy closes itself after `lifetimeMs`.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'delay' | 'drop' | 'cut' | 'http500' | 'http502' | 'html' | 'truncated-json' | 'http401';

export const CANNED_MODES = ['http500', 'http502', 'html', 'truncated-json', 'http401'] as const;
export type CannedMode = (typeof CANNED_MODES)[number];

/** The canned bad answers, with the body exactly as sent (tests compare the console's error text with them). */
export const CANNED: Record<CannedMode, { status: number; reason: string; contentType: string; body: string }> = {
  http500: {
    status: 500,
    reason: 'Internal Server Error',
    contentType: 'application/json',
    body: JSON.stringify({ status: 'error', errorType: 'internal', error: 'fault-proxy: simulated internal error' }),
  },
  http502: { status: 502, reason: 'Bad Gateway', contentType: 'text/plain; charset=utf-8', body: 'fault-proxy: upstream connect error or disconnect/reset before headers' },
  html: {
    status: 503,
    reason: 'Service Unavailable',
    contentType: 'text/html; charset=utf-8',
    body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>',
  },
  'truncated-json': { status: 200, reason: 'OK', contentType: 'application/json', body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","inst' },
  http401: { status: 401, reason: 'Unauthorized', contentType: 'text/plain; charset=utf-8', body: 'Unauthorized' },
};

export interface FaultProxyOptions {
  /** The real server, e.g. http://127.0.0.1:9090. */
  target: string;
  mode?: FaultMode;
  delayMs?: number;
  cutAfterBytes?: number;
  /** drop/delay sockets are destroyed after this long at the latest; default 30 s. */
  holdLimitMs?: number;
  /** The proxy closes itself after this long; default 10 minutes. */
  lifetimeMs?: number;
}

export interface FaultProxyStats {
  /** Connections accepted, per mode in force when they arrived. */
  connections: Record<FaultMode, number>;
  /** Requests answered with a canned answer. */
  canned: number;
  /** Connections open right now. */
  open: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  readonly mode: FaultMode;
  setMode(mode: FaultMode, opts?: { delayMs?: number; cutAfterBytes?: number }): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

function cannedResponse(mode: CannedMode): Buffer {
  const c = CANNED[mode];
  const body = Buffer.from(c.body, 'utf8');
  const head =
    `HTTP/1.1 ${c.status} ${c.reason}\r\n` +
    `Content-Type: ${c.contentType}\r\n` +
    `Content-Length: ${body.length}\r\n` +
    (c.status === 401 ? 'WWW-Authenticate: Basic realm="fault-proxy"\r\n' : '') +
    'Connection: close\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const targetPort = Number(target.port || 80);
  const targetHost = target.hostname;
  const holdLimitMs = opts.holdLimitMs ?? 30_000;
  let mode: FaultMode = opts.mode ?? 'pass';
  let delayMs = opts.delayMs ?? 2_000;
  let cutAfterBytes = opts.cutAfterBytes ?? 64;
  const sockets = new Set<net.Socket>();
  const stats: FaultProxyStats = {
    connections: { pass: 0, delay: 0, drop: 0, cut: 0, http500: 0, http502: 0, html: 0, 'truncated-json': 0, http401: 0 },
    canned: 0,
    open: 0,
  };

  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };

  function pipeUpstream(client: net.Socket, pending: Buffer[], cut: boolean): void {
    const upstream = net.connect({ host: targetHost, port: targetPort });
    track(upstream);
    let sent = 0;
    let connected = false;
    client.on('data', (d: Buffer) => {
      if (connected) upstream.write(d);
      else pending.push(d);
    });
    upstream.on('connect', () => {
      connected = true;
      for (const b of pending) upstream.write(b);
      pending.length = 0;
    });
    upstream.on('data', (d: Buffer) => {
      if (!cut) {
        client.write(d);
        return;
      }
      const room = cutAfterBytes - sent;
      if (room > 0) client.write(d.subarray(0, room));
      sent += Math.min(room, d.length);
      if (sent >= cutAfterBytes) {
        client.destroy();
        upstream.destroy();
      }
    });
    upstream.on('close', () => client.destroy());
    // The real server is gone (killed, restarting): reset the client's connection as a dead host would.
    upstream.on('error', () => (connected ? client.destroy() : client.resetAndDestroy()));
    client.on('close', () => upstream.destroy());
  }

  const server = net.createServer((client) => {
    const m = mode;
    stats.connections[m] += 1;
    track(client);
    stats.open = sockets.size;
    client.once('close', () => {
      stats.open = sockets.size;
    });
    const pending: Buffer[] = [];
    const collect = (d: Buffer): void => {
      pending.push(d);
    };
    if (m === 'pass') {
      pipeUpstream(client, pending, false);
      return;
    }
    if (m === 'cut') {
      pipeUpstream(client, pending, true);
      return;
    }
    const hold = setTimeout(() => client.destroy(), holdLimitMs);
    hold.unref();
    client.once('close', () => clearTimeout(hold));
    if (m === 'drop') {
      client.on('data', () => undefined); // read and ignore: accepted, never answered
      return;
    }
    if (m === 'delay') {
      client.on('data', collect);
      const t = setTimeout(() => {
        if (client.destroyed) return;
        client.removeListener('data', collect);
        pipeUpstream(client, pending, false);
      }, delayMs);
      t.unref();
      client.once('close', () => clearTimeout(t));
      return;
    }
    // Canned answers: wait for the end of the request head, answer, close.
    let head = '';
    client.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      client.removeAllListeners('data');
      client.on('data', () => undefined);
      stats.canned += 1;
      client.end(cannedResponse(m));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
    return closed;
  };
  const lifetime = setTimeout(() => void close(), opts.lifetimeMs ?? 10 * 60_000);
  lifetime.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return mode;
    },
    setMode(next, o = {}) {
      mode = next;
      if (o.delayMs !== undefined) delayMs = o.delayMs;
      if (o.cutAfterBytes !== undefined) cutAfterBytes = o.cutAfterBytes;
      for (const s of sockets) s.destroy();
    },
    stats: () => ({ ...stats, connections: { ...stats.connections }, open: sockets.size }),
    close,
  };
}
