/**
 * Figure 5 — logs, measured on the core side: the logs pane is not in the renderer yet (renderer/src/panes/logs
 * is a placeholder and no logs feature is wired into the core), so "rendered" stops at the page the core would
 * send (hits converted for display, histogram and top values read, serialised for the bridge).
 * (a) a 10,000-hit page plus histogram ÷ the test server's own response time (raw fetch of the same body);
 * (b) DeepPager on to hit 100,000.
 */
import { startEsTestServer } from '../test/support/es-test-server/index';
import { ElasticsearchClient } from '../main/clients/elasticsearch';
import { createHttpClient } from '../main/clients/http';
import { buildLogSearch, readLogAggregations } from '../main/logs/log-query';
import { toLogHit } from '../main/logs/log-hits';
import { DeepPager } from '../main/logs/deep-pager';
import { le, type Figure } from './report';
import { median } from './util';

export async function logs(docs: number, log: (s: string) => void): Promise<Figure[]> {
  const endMs = Date.now();
  const spanMs = 24 * 3600_000;
  const es = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs, seed: 1, endMs, spanMs });
  try {
    const client = new ElasticsearchClient(createHttpClient({ name: 'es', url: es.url, timeoutMs: 120_000 }), { index: 'logs-*', flavor: 'elasticsearch', timestampField: '@timestamp' });
    const termsFields = ['service', 'level', 'host'];
    const body = buildLogSearch({ query: '', from: endMs - spanMs, to: endMs, size: 10_000, highlight: false, timestampField: '@timestamp', sortDesc: true, termsFields });
    const raw = async (): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${es.url}/logs-*/_search`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      await res.text();
      return performance.now() - t0;
    };
    let wireBytes = 0;
    let hitCount = 0;
    let buckets = 0;
    const consoleSide = async (): Promise<number> => {
      const t0 = performance.now();
      const result = await client.search(body);
      const hits = result.hits.map((h) => toLogHit(h, '@timestamp'));
      const aggs = readLogAggregations(result, termsFields);
      wireBytes = Buffer.byteLength(JSON.stringify({ t: 'res', id: 1, ok: true, result: { hits, total: result.total, histogram: aggs.histogram, terms: aggs.terms } }));
      hitCount = hits.length;
      buckets = aggs.histogram.length;
      return performance.now() - t0;
    };
    await raw();
    await consoleSide();
    const rawRuns: number[] = [];
    const consoleRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      rawRuns.push(await raw());
      consoleRuns.push(await consoleSide());
    }
    const ratio = median(consoleRuns) / median(rawRuns);
    log(`logs: 10,000-hit page ${Math.round(median(consoleRuns))} ms vs server ${Math.round(median(rawRuns))} ms`);

    const pager = new DeepPager(client, { search: { query: '', from: endMs - spanMs, to: endMs, highlight: false, timestampField: '@timestamp', sortDesc: true }, pageSize: 10_000, maxHits: 100_000 });
    const t0 = performance.now();
    let fetched = 0;
    let pages = 0;
    let mode = '';
    try {
      for await (const p of pager) {
        fetched = p.fetched;
        pages += 1;
        mode = p.mode;
        if (pages > 20) break;
      }
    } finally {
      await pager.close();
    }
    const deepMs = performance.now() - t0;
    const note = 'core side only: the logs pane is not in the renderer yet';
    return [
      {
        id: '5a',
        name: 'logs: 10,000-hit page + histogram (core side) ÷ test server response',
        value: ratio,
        unit: '×',
        target: '≤ 1.3',
        pass: le(ratio, 1.3),
        detail: { consoleMs: Math.round(median(consoleRuns)), serverMs: Math.round(median(rawRuns)), hits: hitCount, histogramBuckets: buckets, bridgeBytes: wireBytes, docs },
        note,
      },
      {
        id: '5b',
        name: 'logs: DeepPager to hit 100,000 (10 pages of 10,000)',
        value: deepMs / 1000,
        unit: 's',
        target: 'reaches 100,000',
        pass: fetched >= 100_000,
        detail: { fetched, pages, mode, hitsPerSecond: Math.round(fetched / (deepMs / 1000)) },
        note,
      },
    ];
  } finally {
    await es.stop();
  }
}
