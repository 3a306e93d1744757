import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsoleCore } from '../core/console-core';
import { isLoopbackHost } from './loopback';
import { isWhileHiddenEvent } from '../../preload/contract/channels';

export interface BrowserHostOptions {
  core: ConsoleCore;
  rendererDir: string;
  port?: number;
  host?: string;
  /** Binding anything but loopback exposes the console to the network: only on explicit request. */
  allowNonLoopback?: boolean;
  token?: string;
}

export interface BrowserHost {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  const m = /(?:^|;\s*)ops_console_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
  return m?.[1] ?? null;
}

export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Serves the built renderer and bridges the contract over a WebSocket, on loopback, behind a per-run token. */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowNonLoopback) {
    throw new Error(`refusing to listen on ${host}: not a loopback address (pass --allow-non-loopback to insist)`);
  }
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let origin = '';

  const server = createServer((req, res) => {
    void serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token') ?? cookieToken(req);
    if (!sameToken(given, token)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('ops-console: missing or wrong access token; open the URL printed at start-up');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(opts.rendererDir, rel));
    if (!file.startsWith(normalize(opts.rendererDir) + sep)) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': contentSecurityPolicy(origin),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'set-cookie': `ops_console_token=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const okOrigin = req.headers.origin === origin;
    const okToken = sameToken(url.searchParams.get('token') ?? cookieToken(req), token);
    if (url.pathname !== '/bridge' || !okOrigin || !okToken) {
      socket.write(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${!okOrigin ? 'origin not allowed' : 'missing or wrong token'}`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws));
  });

  // Each page says whether it is seen; the core polls at full rate while any one is.
  const visibleSockets = new Set<WebSocket>();
  const syncVisibility = () => opts.core.setVisibility(visibleSockets.size > 0 || wss.clients.size === 0);

  function bridge(ws: WebSocket): void {
    visibleSockets.add(ws);
    syncVisibility();
    const unsubscribe = opts.core.subscribe((event) => {
      // A hidden page gets only notifications; it resyncs with a hello when it is shown again.
      if (!visibleSockets.has(ws) && !isWhileHiddenEvent(event.name)) return;
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'evt', name: event.name, payload: event.payload }));
    });
    ws.on('message', (data) => {
      let msg: { t?: unknown; id?: unknown; name?: unknown; args?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ t: 'res', id: null, ok: false, error: { code: 'invalid-argument', message: 'message is not JSON' } }));
        return;
      }
      if (msg.t !== 'req' || typeof msg.id !== 'number') return;
      const id = msg.id;
      const reply = (result: unknown) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'res', id, ...(result as object) }));
      };
      if (msg.name === 'core.setVisibility') {
        const visible = (msg.args as { visible?: unknown } | null)?.visible;
        if (typeof visible !== 'boolean') {
          reply({ ok: false, error: { code: 'invalid-argument', message: 'core.setVisibility: visible: expected boolean' } });
          return;
        }
        if (visible) visibleSockets.add(ws);
        else visibleSockets.delete(ws);
        syncVisibility();
        reply({ ok: true, result: null });
        return;
      }
      void opts.core.invoke(msg.name, msg.args).then(reply);
    });
    const closed = () => {
      unsubscribe();
      visibleSockets.delete(ws);
      syncVisibility();
    };
    ws.on('close', closed);
    ws.on('error', closed);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  origin = `http://${hostPart}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
