/**
 * Figure 5 — logs. The logs pane is not in the renderer yet (renderer/src/panes/logs is a placeholder), so
 * this measures everything up to the renderer: the real core in its own process (the logs feature, through
 * a counting proxy to the Elasticsearch test server) answering 'logs.search' over the bridge's WebSocket.
 * (a) a 10,000-hit page plus histogram and top values, from the request to the answer parsed on the client,
 *     ÷ the test server's own time for the same requests (replayed: the point in time opened, then the
 *     page, histogram and terms searches at once, as the feature sends them);
 * (b) 'logs.page' on to hit 100,000.
 */
import { startEsTestServer } from '../test/support/es-test-server/index';
import { le, type Figure } from './report';
import { startCountingProxy, type ProxyEntry } from './proxy';
import { connectBridge } from './ws-client';
import { median, spawnCore } from './util';

interface SearchAnswer {
  hits: unknown[];
  cursor: string | null;
  histogram: { buckets: unknown[] };
}

async function serverTime(esUrl: string, entries: ProxyEntry[]): Promise<number> {
  const searches = entries.filter((e) => e.method === 'POST' && e.path.includes('_search'));
  const t0 = performance.now();
  const pit = await fetch(`${esUrl}/logs-*/_pit?keep_alive=1m`, { method: 'POST' });
  const { id } = (await pit.json()) as { id: string };
  await Promise.all(
    searches.map(async (e) => {
      const res = await fetch(esUrl + e.path, { method: 'POST', body: e.body.replace(/"pit":\{"id":"[^"]*"/, `"pit":{"id":${JSON.stringify(id)}`), headers: { 'content-type': 'application/json' } });
      await res.text();
    }),
  );
  const ms = performance.now() - t0;
  await fetch(`${esUrl}/_pit`, { method: 'DELETE', body: JSON.stringify({ id }), headers: { 'content-type': 'application/json' } });
  return ms;
}

export async function logs(docs: number, log: (s: string) => void): Promise<Figure[]> {
  const endMs = Date.now();
  const spanMs = 24 * 3600_000;
  const es = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs, seed: 1, endMs, spanMs });
  const proxy = await startCountingProxy(es.url);
  const core = await spawnCore({ environments: [{ name: 'logs', elasticsearch: [{ name: 'es', url: proxy.url, index: 'logs-*', flavor: 'elasticsearch', timeoutMs: 120_000 }] }] });
  const bridge = await connectBridge(core.url);
  try {
    const args = { query: '', from: endMs - spanMs, to: endMs, size: 10_000 };
    const consoleRuns: number[] = [];
    const serverRuns: number[] = [];
    let bytes = 0;
    let hits = 0;
    let buckets = 0;
    for (let i = 0; i < 4; i++) {
      const from = proxy.log.length;
      const t0 = performance.now();
      const r = await bridge.invoke('logs.search', args);
      const ms = performance.now() - t0;
      const ans = r.result as SearchAnswer;
      bytes = r.bytes;
      hits = ans.hits.length;
      buckets = ans.histogram.buckets.length;
      if (ans.cursor) await bridge.invoke('logs.closeCursor', { cursor: ans.cursor });
      const server = await serverTime(es.url, proxy.log.slice(from));
      if (i > 0) {
        // The first round warms both sides up.
        consoleRuns.push(ms);
        serverRuns.push(server);
      }
    }
    const ratio = median(consoleRuns) / median(serverRuns);
    log(`logs: 10,000-hit search ${Math.round(median(consoleRuns))} ms vs server ${Math.round(median(serverRuns))} ms`);

    const t0 = performance.now();
    const first = (await bridge.invoke('logs.search', args)).result as SearchAnswer;
    let fetched = first.hits.length;
    let cursor = first.cursor;
    let pages = 1;
    while (cursor && fetched < 100_000 && pages < 20) {
      const p = (await bridge.invoke('logs.page', { cursor })).result as { hits: unknown[]; cursor: string | null; fetched: number };
      fetched = p.fetched;
      cursor = p.cursor;
      pages += 1;
    }
    const deepMs = performance.now() - t0;
    if (cursor) await bridge.invoke('logs.closeCursor', { cursor });
    const note = 'up to the bridge: the logs pane is not in the renderer yet, so nothing is rendered';
    return [
      {
        id: '5a',
        name: "logs: 10,000-hit page + histogram over the bridge ÷ test server's time",
        value: ratio,
        unit: '×',
        target: '≤ 1.3',
        pass: le(ratio, 1.3),
        detail: { consoleMs: consoleRuns.map(Math.round), serverMs: serverRuns.map(Math.round), hits, histogramBuckets: buckets, bridgeBytes: bytes, docs },
        note,
      },
      {
        id: '5b',
        name: 'logs: paging on (logs.page) to hit 100,000',
        value: deepMs / 1000,
        unit: 's',
        target: 'reaches 100,000',
        pass: fetched >= 100_000,
        detail: { fetched, pages, hitsPerSecond: Math.round(fetched / (deepMs / 1000)) },
        note,
      },
    ];
  } finally {
    bridge.close();
    await core.stop();
    await proxy.stop();
    await es.stop();
  }
}
