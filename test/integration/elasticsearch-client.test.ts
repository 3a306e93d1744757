import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient } from '../../main/clients/http';
import { ElasticsearchClient, esErrorText, parseClusterHealth, parseSearchResponse, type SearchHit } from '../../main/clients/elasticsearch';
import { SourceError } from '../../main/clients/source-error';
import { buildLogSearch, HIGHLIGHT_POST_TAG, HIGHLIGHT_PRE_TAG, readLogAggregations, splitHighlight, type LogSearchParams } from '../../main/logs/log-query';
import { DeepPager } from '../../main/logs/deep-pager';
import { startEsTestServer, type EsTestServer, type LogDoc } from '../support/es-test-server/index';

const H = 3_600_000;
const PRE = HIGHLIGHT_PRE_TAG;
const POST = HIGHLIGHT_POST_TAG;

interface Setup {
  label: string;
  flavor: 'elasticsearch' | 'opensearch';
  version: string;
  docs: number;
  pit: boolean;
  shardDoc: boolean;
  deep: boolean;
}
const SETUPS: Setup[] = [
  { label: 'Elasticsearch 8.15', flavor: 'elasticsearch', version: '8.15.0', docs: 120_000, pit: true, shardDoc: true, deep: true },
  { label: 'Elasticsearch 7.17', flavor: 'elasticsearch', version: '7.17.0', docs: 120_000, pit: true, shardDoc: true, deep: true },
  { label: 'OpenSearch 2.11', flavor: 'opensearch', version: '2.11.0', docs: 120_000, pit: true, shardDoc: false, deep: true },
  { label: 'OpenSearch 1.3', flavor: 'opensearch', version: '1.3.0', docs: 30_000, pit: false, shardDoc: false, deep: false },
];

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu) ?? [];
const tsOf = (d: { '@timestamp'?: unknown }): number => Date.parse(String(d['@timestamp']));
const keyOf = (d: Record<string, unknown>): string => `${String(d['@timestamp'])}|${String(d.trace_id)}|${String(d.message)}`;

async function rejectsWith(p: Promise<unknown>, check: (e: SourceError) => void): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SourceError, `expected a SourceError, got ${String(e)}`);
    check(e);
    return;
  }
  assert.fail('expected a rejection');
}

for (const setup of SETUPS) {
  describe(`ElasticsearchClient against ${setup.label}`, () => {
    let srv: EsTestServer;
    let http: HttpClient;
    let client: ElasticsearchClient;
    let from: number;
    let to: number;
    const params = (over: Partial<LogSearchParams> = {}): LogSearchParams => ({
      query: '',
      from,
      to,
      size: 50,
      highlight: true,
      timestampField: '@timestamp',
      sortDesc: true,
      ...over,
    });

    before(async () => {
      const end = Date.now();
      srv = await startEsTestServer({ flavor: setup.flavor, version: setup.version, docs: setup.docs, seed: 11, endMs: end });
      from = end - 24 * H;
      to = end;
      http = createHttpClient({ name: 'logs', url: srv.url, timeoutMs: 30_000 });
      client = new ElasticsearchClient(http, { index: 'logs-*', flavor: 'auto', timestampField: '@timestamp' });
    });
    after(async () => {
      await http.close();
      await srv.stop();
    });

    it('detects flavour, version and point-in-time support from GET /', async () => {
      const info = await client.info();
      assert.equal(info.flavor, setup.flavor);
      assert.equal(info.version, setup.version);
      assert.equal(info.clusterName, 'ops-console-test');
      const caps = await client.capabilities();
      assert.deepEqual(caps, { flavor: setup.flavor, version: setup.version, pit: setup.pit, shardDocTiebreaker: setup.shardDoc });
      const health = await client.clusterHealth();
      assert.equal(health.status, 'green');
      assert.equal(health.numberOfNodes, 1);
    });

    it('runs the runbook query for authentication failures as typed, with highlights', async () => {
      const query = 'service:synapse AND level:ERROR AND message:"Authentication failed"';
      const res = await client.search(buildLogSearch(params({ query, size: 200 })));
      const want = srv.docs.filter((d) => d.service === 'synapse' && d.level === 'ERROR' && d.message.startsWith('Authentication failed'));
      assert.ok(want.length > 0);
      assert.deepEqual(res.total, { value: want.length, relation: 'eq' });
      assert.equal(res.hits.length, Math.min(200, want.length));
      for (const h of res.hits) {
        const d = h.source as unknown as LogDoc;
        assert.equal(d.service, 'synapse');
        assert.equal(d.level, 'ERROR');
        assert.match(d.message, /^Authentication failed for user @\w+:[\w.]+$/);
        assert.equal(h.highlight?.message?.[0], d.message.replace('Authentication failed', `${PRE}Authentication${POST} ${PRE}failed${POST}`));
        assert.deepEqual(h.highlight?.service, [`${PRE}synapse${POST}`]);
        assert.deepEqual(h.highlight?.level, [`${PRE}ERROR${POST}`]);
        const segs = splitHighlight(h.highlight?.message?.[0] ?? '');
        assert.equal(segs.map((s) => s.text).join(''), d.message);
        assert.deepEqual(segs.filter((s) => s.hit).map((s) => s.text), ['Authentication', 'failed']);
      }
      const times = res.hits.map((h) => tsOf(h.source));
      assert.ok(times.every((t, i) => i === 0 || t <= (times[i - 1] as number)), 'newest first');
    });

    it('runs the runbook query for slow bridge requests as typed', async () => {
      const res = await client.search(buildLogSearch(params({ query: 'service:bridge AND processing_time:>1000', size: 500 })));
      const want = srv.docs.filter((d) => d.service === 'bridge' && (d.processing_time ?? 0) > 1000);
      assert.ok(want.length > 0);
      assert.equal(res.total?.value, want.length);
      for (const h of res.hits) {
        assert.equal(h.source.service, 'bridge');
        assert.ok((h.source.processing_time as number) > 1000);
        assert.deepEqual(h.highlight?.service, [`${PRE}bridge${POST}`]);
      }
      const fed = await client.search(buildLogSearch(params({ query: 'service:bridge AND level:ERROR AND message:*federation*', size: 20 })));
      assert.ok(fed.hits.length > 0);
      for (const h of fed.hits) {
        assert.ok(words(String(h.source.message)).some((w) => w.includes('federation')));
        assert.match(h.highlight?.message?.[0] ?? '', new RegExp(`${PRE}Federation${POST}`));
      }
    });

    it('answers histogram buckets that sum to the total, and sidebar terms', async () => {
      const body = buildLogSearch(params({ query: 'level:ERROR OR level:WARN', size: 10, termsFields: ['service', 'host', 'level'], termsSize: 5 }));
      const res = await client.search(body);
      const aggs = readLogAggregations(res, ['service', 'host', 'level']);
      const total = res.total?.value ?? -1;
      assert.ok(total > 10_000 || setup.docs < 100_000, `total ${total}`);
      assert.equal(res.total?.relation, 'eq');
      assert.ok(aggs.histogram.length >= 60 && aggs.histogram.length <= 120, `${aggs.histogram.length} buckets`);
      assert.equal(aggs.histogram.reduce((s, b) => s + b.count, 0), total);
      assert.ok(aggs.histogram.some((b) => b.count === 0) || aggs.histogram.every((b) => b.count > 0));
      assert.ok((aggs.histogram[0]?.key ?? Infinity) <= from && (aggs.histogram[aggs.histogram.length - 1]?.key ?? 0) <= to);
      for (const f of ['service', 'host', 'level']) {
        const t = aggs.terms[f];
        assert.ok(t && t.buckets.length > 0, f);
        assert.equal(t.buckets.reduce((s, b) => s + b.count, 0) + t.otherCount, total, f);
      }
      assert.deepEqual(new Set(aggs.terms.level?.buckets.map((b) => b.key)), new Set(['ERROR', 'WARN']));
    });

    it('filters with pills and pages with search_after (no PIT)', async () => {
      const base = params({ size: 100, highlight: false, filters: [{ field: 'host', value: 'server-003', negate: false }, { field: 'level', value: 'DEBUG', negate: true }] });
      const first = await client.search(buildLogSearch(base));
      assert.ok(first.hits.every((h) => h.source.host === 'server-003' && h.source.level !== 'DEBUG'));
      const second = await client.search(buildLogSearch({ ...base, searchAfter: first.hits[first.hits.length - 1]?.sort ?? [] }));
      const ids = new Set(first.hits.map((h) => h.id));
      assert.ok(second.hits.length > 0 && second.hits.every((h) => !ids.has(h.id)));
      assert.ok(tsOf(second.hits[0]?.source ?? {}) <= tsOf(first.hits[first.hits.length - 1]?.source ?? {}));
    });

    it('passes the server\'s words through SourceError for syntax errors and missing indices', async () => {
      await rejectsWith(client.search(buildLogSearch(params({ query: 'service:(synapse' }))), (e) => {
        assert.equal(e.kind, 'http');
        assert.equal(e.status, 400);
        assert.match(e.message, /^HTTP 400: query_shard_exception: Failed to parse query \[service:\(synapse\]/);
        assert.match(e.message, /Cannot parse 'service:\(synapse': Encountered "<EOF>" at line 1, column 17/);
        assert.match(e.message, /search_phase_execution_exception: all shards failed/);
      });
      const missing = new ElasticsearchClient(http, { index: 'nope', flavor: 'auto', timestampField: '@timestamp' });
      await rejectsWith(missing.search(buildLogSearch(params())), (e) => {
        assert.equal(e.status, 404);
        assert.equal(e.message, 'HTTP 404: index_not_found_exception: no such index [nope]');
      });
      await rejectsWith(client.search({ ...buildLogSearch(params({ size: 10 })), from: 9_995 }), (e) => {
        assert.match(e.message, /^HTTP 400: illegal_argument_exception: Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10005\]/);
      });
      const none = new ElasticsearchClient(http, { index: 'metrics-*', flavor: 'auto', timestampField: '@timestamp' });
      const empty = await none.search(buildLogSearch(params()));
      assert.equal(empty.noIndicesMatched, true);
      assert.equal(empty.hits.length, 0);
    });

    if (setup.deep) {
      it('deep-pages on a point in time past 10,000 hits to 100,000 without duplicates or gaps', async () => {
        const snapshotDocs = srv.docs.filter((d) => tsOf(d) >= from && tsOf(d) <= to);
        const logStart = srv.requestLog.length;
        const pager = new DeepPager(client, {
          search: { query: '', from, to, highlight: false, timestampField: '@timestamp', sortDesc: true },
          pageSize: 10_000,
          maxHits: 100_000,
          keepAlive: '1m',
        });
        const seen = new Set<string>();
        const keys: string[] = [];
        let lastTs = Infinity;
        let pages = 0;
        for await (const page of pager) {
          assert.equal(page.mode, 'pit');
          assert.equal(page.consistent, true);
          assert.deepEqual(page.total, { value: snapshotDocs.length, relation: 'eq' });
          if (pages === 0) {
            // Logs keep arriving while the operator pages: newest, and in the middle of the range.
            const mid = new Date(from + 6 * H).toISOString();
            srv.append([
              { '@timestamp': new Date(to - 10).toISOString(), service: 'synapse', level: 'ERROR', message: 'arrived late (new)', host: 'server-001', trace_id: 'aaaaaaaaaaaaaaaa' },
              { '@timestamp': mid, service: 'synapse', level: 'ERROR', message: 'arrived late (backfill)', host: 'server-001', trace_id: 'bbbbbbbbbbbbbbbb' },
            ]);
          }
          pages++;
          for (const h of page.hits) {
            assert.ok(!seen.has(h.id), `duplicate ${h.id}`);
            seen.add(h.id);
            const t = tsOf(h.source);
            assert.ok(t <= lastTs, 'newest first across pages');
            lastTs = t;
            keys.push(keyOf(h.source));
          }
        }
        assert.equal(pages, 10);
        assert.equal(seen.size, 100_000);
        assert.equal(pager.fetched, 100_000);
        assert.ok(!keys.some((k) => k.includes('arrived late')), 'the PIT is a frozen snapshot');
        // No gaps: every document newer than the last one returned was returned.
        const newer = snapshotDocs.filter((d) => tsOf(d) > lastTs).map((d) => keyOf(d as unknown as Record<string, unknown>)).sort();
        const gotNewer = keys.filter((k) => Date.parse(k.split('|')[0] as string) > lastTs).sort();
        assert.deepEqual(gotNewer, newer);
        assert.equal(srv.livePits(), 0, 'PIT closed at the end');
        const reqs = srv.requestLog.slice(logStart);
        const openPath = setup.flavor === 'opensearch' ? '/logs-*/_search/point_in_time' : '/logs-*/_pit';
        const closePath = setup.flavor === 'opensearch' ? '/_search/point_in_time' : '/_pit';
        assert.deepEqual(reqs.filter((r) => r.method === 'POST' && r.path === openPath).length, 1);
        const searches = reqs.filter((r) => r.path === '/_search');
        assert.equal(searches.length, 10);
        for (const s of searches) {
          const b = s.body as { pit?: { id: string }; sort: Record<string, unknown>[]; track_total_hits: unknown };
          assert.ok(b.pit?.id);
          assert.deepEqual(Object.keys(b.sort[1] ?? {}), [setup.shardDoc ? '_shard_doc' : '_doc']);
        }
        assert.equal((searches[0]?.body as { track_total_hits: unknown }).track_total_hits, true);
        assert.equal((searches[1]?.body as { track_total_hits: unknown }).track_total_hits, false);
        assert.equal(reqs.filter((r) => r.method === 'DELETE' && r.path === closePath).length, 1);
      });

      it('opens and closes points in time directly', async () => {
        const pit = await client.openPit('30s');
        assert.equal(pit.flavor, setup.flavor);
        const res = await client.search(buildLogSearch(params({ size: 3, pit: { id: pit.id, keepAlive: '30s' }, tiebreaker: setup.shardDoc ? '_shard_doc' : '_doc' })));
        assert.equal(res.pitId, pit.id);
        assert.equal(res.hits[0]?.sort?.length, 2);
        assert.equal(await client.closePit(pit), true);
        assert.equal(await client.closePit(pit.id), false, 'already closed');
        await rejectsWith(client.search(buildLogSearch(params({ size: 1, pit: { id: pit.id, keepAlive: '30s' } }))), (e) => {
          assert.equal(e.status, 404);
          assert.match(e.message, /search_context_missing_exception: No search context found for id/);
        });
      });
    } else {
      it('falls back to plain search_after without a point in time, reporting the total honestly', async () => {
        const inRange = srv.docs.filter((d) => tsOf(d) >= from && tsOf(d) <= to);
        assert.ok(inRange.length > 10_000);
        await rejectsWith(client.openPit('1m'), (e) => assert.match(e.message, /point in time is not available on OpenSearch 1\.3\.0/));
        const logStart = srv.requestLog.length;
        const pager = new DeepPager(client, {
          search: { query: '', from, to, highlight: false, timestampField: '@timestamp', sortDesc: true },
          pageSize: 5_000,
        });
        const seen = new Set<string>();
        const hits: SearchHit[] = [];
        let appended = false;
        for await (const page of pager) {
          assert.equal(page.mode, 'search_after');
          assert.equal(page.consistent, false);
          if (!appended) {
            assert.deepEqual(page.total, { value: inRange.length, relation: 'eq' });
            // Older than the cursor: plain search_after will see these, the count grows past the total.
            srv.append([0, 1, 2].map((i) => ({ '@timestamp': new Date(from + H + i).toISOString(), service: 'bridge', level: 'WARN', message: `late ${i}`, host: 'server-004', trace_id: `c${i}cccccccccccccc` }) as LogDoc));
            appended = true;
          }
          for (const h of page.hits) {
            assert.ok(!seen.has(h.id), `duplicate ${h.id}`);
            seen.add(h.id);
            hits.push(h);
          }
        }
        assert.match(pager.fallbackReason ?? '', /OpenSearch 1\.3\.0 has no point in time/);
        assert.equal(hits.length, inRange.length + 3);
        assert.deepEqual(pager.total, { value: inRange.length + 3, relation: 'gte' });
        const reqs = srv.requestLog.slice(logStart);
        assert.ok(!reqs.some((r) => r.path.includes('point_in_time') || r.path.includes('_pit')), 'no PIT requests');
        assert.ok(reqs.every((r) => r.path === '/logs-*/_search'));
      });
    }
  });
}

describe('ElasticsearchClient details', () => {
  it('uses basic auth and reports refused credentials as auth errors', async () => {
    const srv = await startEsTestServer({ flavor: 'elasticsearch', docs: 50, requireAuth: { username: 'reader', password: 'pw' } });
    const good = createHttpClient({ name: 'es', url: srv.url, basicAuth: { username: 'reader', password: 'pw' } });
    const bad = createHttpClient({ name: 'es', url: srv.url, basicAuth: { username: 'reader', password: 'nope' } });
    try {
      const c = new ElasticsearchClient(good, { index: 'logs-*', flavor: 'auto', timestampField: '@timestamp' });
      assert.equal((await c.search({ size: 1 })).hits.length, 1);
      const b = new ElasticsearchClient(bad, { index: 'logs-*', flavor: 'auto', timestampField: '@timestamp' });
      await rejectsWith(b.info(), (e) => {
        assert.equal(e.kind, 'auth');
        assert.equal(e.message, 'HTTP 401: security_exception: unable to authenticate user [reader] for REST request [/]');
      });
      // Configured flavour: a refused GET / does not stop capability detection.
      const configured = new ElasticsearchClient(bad, { index: 'logs-*', flavor: 'elasticsearch', timestampField: '@timestamp' });
      assert.deepEqual(await configured.capabilities(), { flavor: 'elasticsearch', version: null, pit: true, shardDocTiebreaker: true });
    } finally {
      await good.close();
      await bad.close();
      await srv.stop();
    }
  });

  it('falls back when GET / is forbidden and the server then refuses to open a PIT', async () => {
    // Hosted clusters often deny cluster:monitor/main to log readers; the flavour comes from the config.
    const srv = await startEsTestServer({ flavor: 'opensearch', version: '1.3.0', docs: 300 });
    const inner = createHttpClient({ name: 'os', url: srv.url });
    const forbidden = '{"error":{"root_cause":[{"type":"security_exception","reason":"no permissions for [cluster:monitor/main]"}],"type":"security_exception","reason":"no permissions for [cluster:monitor/main]"},"status":403}';
    const http: HttpClient = {
      ...inner,
      send: (req) => (req.path === '/' ? Promise.resolve({ status: 403, text: forbidden, bytes: forbidden.length, latencyMs: 0 }) : inner.send(req)),
    };
    try {
      const c = new ElasticsearchClient(http, { index: 'logs-*', flavor: 'opensearch', timestampField: '@timestamp' });
      await rejectsWith(c.info(), (e) => assert.equal(e.message, 'HTTP 403: security_exception: no permissions for [cluster:monitor/main]'));
      assert.deepEqual(await c.capabilities(), { flavor: 'opensearch', version: null, pit: true, shardDocTiebreaker: false });
      const end = Date.now();
      const pager = new DeepPager(c, { search: { query: 'level:ERROR', from: end - 25 * H, to: end, highlight: false, timestampField: '@timestamp', sortDesc: false }, pageSize: 20 });
      let n = 0;
      let prev = -Infinity;
      for await (const page of pager) {
        n += page.hits.length;
        for (const h of page.hits) {
          assert.ok(tsOf(h.source) >= prev, 'oldest first');
          prev = tsOf(h.source);
        }
      }
      assert.equal(pager.mode, 'search_after');
      assert.match(pager.fallbackReason ?? '', /^point in time refused: HTTP 400: no handler found for uri/);
      assert.equal(n, srv.docs.filter((d) => d.level === 'ERROR').length);
    } finally {
      await inner.close();
      await srv.stop();
    }
  });

  it('validates answers with clear parse errors', () => {
    assert.throws(() => parseSearchResponse({ took: 1 }), (e: unknown) => e instanceof SourceError && e.kind === 'parse' && /^unexpected Elasticsearch search answer: /.test(e.message));
    assert.throws(
      () => parseSearchResponse({ took: 1, timed_out: false, _shards: { total: 1, successful: 1, failed: 0 }, hits: { hits: [{ _index: 'x' }] } }),
      (e: unknown) => e instanceof SourceError && /hits\.hits\[0\]\._id/.test(e.message),
    );
    assert.throws(() => parseClusterHealth({ cluster_name: 'c', status: 'purple' }), (e: unknown) => e instanceof SourceError && e.kind === 'parse' && /status/.test(e.message));
    const legacy = parseSearchResponse({ took: 1, timed_out: false, _shards: { total: 2, successful: 1, failed: 1, failures: [{ index: 'logs-1', shard: 1, reason: { type: 'node_not_connected_exception', reason: 'gone' } }] }, hits: { total: 7, max_score: 1, hits: [] } });
    assert.deepEqual(legacy.total, { value: 7, relation: 'eq' });
    assert.deepEqual(legacy.shardFailures, ['[logs-1][1] node_not_connected_exception: gone']);
  });

  it('extracts readable text from error bodies', () => {
    assert.equal(esErrorText('{"error":"no handler found for uri [/x] and method [GET]","status":400}'), 'no handler found for uri [/x] and method [GET]');
    assert.equal(esErrorText('Unauthorized'), 'Unauthorized');
    assert.equal(
      esErrorText(JSON.stringify({ error: { root_cause: [{ type: 'search_context_missing_exception', reason: 'No search context found for id [3]' }], type: 'search_phase_execution_exception', reason: 'all shards failed' }, status: 404 })),
      'search_context_missing_exception: No search context found for id [3] (search_phase_execution_exception: all shards failed)',
    );
    assert.equal(esErrorText('{"error":{"type":"index_not_found_exception","reason":"no such index [x]"},"status":404}'), 'index_not_found_exception: no such index [x]');
  });
});
