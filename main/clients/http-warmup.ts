import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

/**
 * Readies the HTTP client stack once, off the critical path: undici compiles its HTTP parser (WebAssembly) and
 * loads parts of itself on the process' first connection, 13–50 ms measured here, which otherwise lands on the
 * first poll after the user switches to an environment (the app may start on one without sources). One request
 * to a throwaway server on 127.0.0.1, then both are closed. Never throws; resolves with what it cost, in ms.
 */
export async function warmHttpStack(): Promise<number> {
  const t0 = performance.now();
  const server = createServer((_req, res) => res.end());
  const agent = new Agent({ connections: 1 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const res = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent, headersTimeout: 5_000, bodyTimeout: 5_000 });
    await res.body.dump();
  } catch {
    // Only a head start: the first real request does the same work if this could not.
  } finally {
    await agent.close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return performance.now() - t0;
}
