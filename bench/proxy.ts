/** A counting HTTP proxy on 127.0.0.1: what the console asks Prometheus, and how long Prometheus takes to answer. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface ProxyEntry {
  path: string;
  method: string;
  /** The request body (form-encoded PromQL for POST queries). */
  body: string;
  start: number;
  /** When Prometheus' answer was complete (performance.now()). */
  end: number;
}

export interface CountingProxy {
  url: string;
  log: ProxyEntry[];
  stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  const log: ProxyEntry[] = [];
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const reqChunks: Buffer[] = [];
    req.on('data', (c: Buffer) => reqChunks.push(c));
    // The answer is passed on as it arrives (not held until complete), so the proxy adds as little as it can to
    // the console's side of a ratio whose baseline goes straight to the server.
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.on('end', () => {
        if (log.length < 100_000) log.push({ path: req.url ?? '', method: req.method ?? 'GET', body: Buffer.concat(reqChunks).toString('utf8').slice(0, 65_536), start, end: performance.now() });
      });
      ur.pipe(res);
    });
    up.on('error', (e) => {
      if (res.headersSent) res.destroy(e);
      else res.writeHead(502).end(String(e));
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const isInstant = (e: ProxyEntry): boolean => e.path === '/api/v1/query' || e.path.startsWith('/api/v1/query?');

/** Sends the same requests straight to Prometheus, all at once as the console does; wall time to the last complete answer, in ms. */
export async function replay(target: string, entries: ProxyEntry[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    entries.map(async (e) => {
      const res = await fetch(target + e.path, { method: e.method, body: e.method === 'POST' ? e.body : undefined, headers: e.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
      await res.text();
    }),
  );
  return performance.now() - t0;
}

/**
 * `replay` on its own thread: the bench's main loop also serves the synthetic exporter's 2,000 scrape targets
 * (and Playwright), and a replay waiting on that loop would add the bench's own delays to Prometheus' time.
 */
export async function replayOffLoop(target: string, entries: ProxyEntry[]): Promise<number> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
(${replay.toString()})(workerData.target, workerData.entries).then((ms) => parentPort.postMessage(ms), (e) => parentPort.postMessage({ error: String(e) }));`,
    { eval: true, workerData: { target, entries } },
  );
  try {
    const answer = (await once(worker, 'message'))[0] as number | { error: string };
    if (typeof answer !== 'number') throw new Error(`replay failed: ${answer.error}`);
    return answer;
  } finally {
    await worker.terminate();
  }
}
export const isRange = (e: ProxyEntry): boolean => e.path.startsWith('/api/v1/query_range');

/** Requests grouped into cycles: a request starting more than `gapMs` after the previous one opens a new cycle. */
export function cycles(entries: ProxyEntry[], gapMs = 400): ProxyEntry[][] {
  const out: ProxyEntry[][] = [];
  const sorted = [...entries].sort((a, b) => a.start - b.start);
  for (const e of sorted) {
    const cur = out.at(-1);
    if (cur && e.start - cur.at(-1)!.start <= gapMs) cur.push(e);
    else out.push([e]);
  }
  return out;
}
