import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from './http';

/** Concurrent requests per round: a fleet poll sends seven at once, the alerts feature two more. */
const WARM_CONCURRENCY = 8;
const WARM_ROUNDS = 2;

/**
 * Readies the HTTP client stack off the critical path. A process' first requests pay for undici compiling its
 * HTTP parser (WebAssembly), loading parts of itself and running its request, pool and socket code for the first
 * time: 13–50 ms for the first request alone, and ~20 ms from a switch to the first of a poll's seven queries
 * leaving, measured in the core. That landed on the first poll after the user switched to an environment (the
 * app may start on one without sources). So, right after start, the app's own HTTP client sends two rounds of
 * poll-like requests (concurrent form POSTs answered with JSON) to a throwaway server on 127.0.0.1, then both are
 * closed. Never throws; resolves with how many requests were answered and what it cost.
 */
export async function warmHttpStack(): Promise<{ answered: number; ms: number }> {
  const t0 = performance.now();
  let answered = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[]}}'));
  });
  let close = async (): Promise<void> => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const client = createHttpClient({ name: 'warm-up', url: `http://127.0.0.1:${port}` }, undefined, 5_000);
    close = () => client.close();
    for (let round = 0; round < WARM_ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: WARM_CONCURRENCY }, async () => {
          await client.json({ method: 'POST', path: '/api/v1/query', rawBody: 'query=up', contentType: 'application/x-www-form-urlencoded' });
          answered++;
        }),
      );
    }
  } catch {
    // Only a head start: the first real requests do the same work if this could not.
  } finally {
    await close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { answered, ms: performance.now() - t0 };
}
