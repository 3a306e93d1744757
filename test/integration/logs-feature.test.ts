/**
 * The Logs feature through the console core (request validation included) against the
 * Elasticsearch-protocol stand-in, as Elasticsearch 8.15 and 7.17 and OpenSearch 2.11 and 1.3:
 * the runbooks' queries, histogram, top values, filters, paging past 10,000 to 100,000, surrounding
 * documents, live tail, NDJSON/CSV export, errors in the server's words, cluster health, saved searches.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import type { ConsoleCore } from '../../main/core/console-core';
import type { LogHit, LogTailEvent, RequestArgs, RequestName, RequestResult, SourceHealth } from '../../preload/contract';
import { decodeLogHits } from '../../preload/contract';
import { csvCell } from '../../main/logs/log-hits';
import { startEsTestServer, type EsTestServer, type LogDoc } from '../support/es-test-server/index';
import { waitFor as waitForShared } from '../support/wait';

const AUTH_QUERY = 'service:synapse AND level:ERROR AND message:"Authentication failed"';
const SLOW_QUERY = 'service:bridge AND processing_time:>1000';

interface Setup {
  label: string;
  flavor: 'elasticsearch' | 'opensearch';
  version: string;
  docs: number;
  pit: boolean;
}
const SETUPS: Setup[] = [
  { label: 'Elasticsearch 8.15', flavor: 'elasticsearch', version: '8.15.0', docs: 120_000, pit: true },
  { label: 'Elasticsearch 7.17', flavor: 'elasticsearch', version: '7.17.0', docs: 120_000, pit: true },
  { label: 'OpenSearch 2.11', flavor: 'opensearch', version: '2.11.0', docs: 120_000, pit: true },
  { label: 'OpenSearch 1.3', flavor: 'opensearch', version: '1.3.0', docs: 30_000, pit: false },
];

class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<N extends RequestName>(core: ConsoleCore, name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
  const r = await core.invoke(name, args);
  if (!r.ok) throw new CallError(r.error.code, r.error.message);
  return r.result as RequestResult<N>;
}

/** 'logs.search' / 'logs.page' with the page table decoded, as the renderer's store does. */
async function search(core: ConsoleCore, args: RequestArgs<'logs.search'>) {
  const r = await call(core, 'logs.search', args);
  return { ...r, hits: decodeLogHits(r.hits) };
}
async function page(core: ConsoleCore, args: RequestArgs<'logs.page'>) {
  const r = await call(core, 'logs.page', args);
  return { ...r, hits: decodeLogHits(r.hits) };
}

async function callError(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CallError, String(e));
    return e;
  }
  assert.fail('expected the request to fail');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20000) => waitForShared(what, fn, timeoutMs, { intervalMs: 50 });

const tsOf = (d: LogDoc) => Date.parse(d['@timestamp']);
const text = (h: LogHit) => h.message.map((s) => s.text).join('');

for (const setup of SETUPS) {
  describe(`Logs feature on ${setup.label}`, () => {
    let srv: EsTestServer;
    let core: ConsoleCore;
    let dataDir: string;
    let from: number;
    let to: number;
    const tailEvents: (Omit<LogTailEvent, 'hits'> & { hits: LogHit[] })[] = [];

    before(async () => {
      srv = await startEsTestServer({ flavor: setup.flavor, version: setup.version, docs: setup.docs, seed: 11 });
      const docs = srv.docs;
      from = tsOf(docs[0]!);
      to = tsOf(docs[docs.length - 1]!);
      dataDir = mkdtempSync(join(tmpdir(), 'logs-feature-'));
      const config = parseConfig(
        JSON.stringify({
          environments: [
            {
              name: 'test',
              elasticsearch: [
                { name: 'logs', url: srv.url, index: 'logs-*' },
                { name: 'missing', url: srv.url, index: 'nope-missing' },
              ],
            },
          ],
          polling: { elasticsearchMs: 500 },
        }),
      );
      ({ core } = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false } }));
      core.subscribe((e) => {
        if (e.name === 'logs.tail') tailEvents.push({ ...e.payload, hits: decodeLogHits(e.payload.hits) });
      });
      await core.start();
    });

    after(async () => {
      await core.shutdown();
      await srv.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs the runbook query as typed: hits newest first, matches marked, histogram and top values agree with the total', async () => {
      const expected = srv.docs.filter((d) => d.service === 'synapse' && d.level === 'ERROR' && /authentication failed/i.test(d.message));
      assert.ok(expected.length > 0, 'the generated logs have authentication failures');
      const r = await search(core, { query: AUTH_QUERY, from, to, filters: [], size: 500 });
      assert.deepEqual(r.total, { value: expected.length, relation: 'eq' });
      assert.equal(r.hits.length, Math.min(500, expected.length));
      assert.equal(r.pagingMode, setup.pit ? 'pit' : 'search_after');
      for (let i = 1; i < r.hits.length; i++) assert.ok(r.hits[i - 1]!.timestamp! >= r.hits[i]!.timestamp!, 'newest first');
      for (const h of r.hits) {
        assert.equal(h.fields.service, 'synapse');
        assert.equal(h.level, 'ERROR');
        const marked = h.message.filter((s) => s.hit).map((s) => s.text.toLowerCase());
        assert.ok(marked.includes('authentication') && marked.includes('failed'), `marks in ${JSON.stringify(h.message)}`);
        assert.match(text(h), /Authentication failed/);
      }
      assert.equal(r.histogram.buckets.reduce((s, b) => s + b.count, 0), expected.length);
      assert.ok(r.histogram.buckets.length >= 60 && r.histogram.buckets.length <= 120, `${r.histogram.buckets.length} buckets`);
      const svc = r.topValues.find((t) => t.field === 'service');
      assert.deepEqual(svc?.values, [{ value: 'synapse', count: expected.length }]);
      const hosts = r.topValues.find((t) => t.field === 'host');
      assert.ok(hosts && hosts.values.length > 0 && hosts.values.length <= 10);
      assert.equal(hosts.values.reduce((s, v) => s + v.count, 0) + hosts.otherCount, expected.length);
      assert.deepEqual(r.warnings, setup.pit ? [] : [r.warnings[0]]);
      if (r.cursor) await call(core, 'logs.closeCursor', { cursor: r.cursor });
    });

    it('runs the slow-bridge query (numeric range) as typed', async () => {
      const expected = srv.docs.filter((d) => d.service === 'bridge' && (d.processing_time ?? 0) > 1000);
      const r = await search(core, { query: SLOW_QUERY, from, to, filters: [], size: 100 });
      assert.deepEqual(r.total, { value: expected.length, relation: 'eq' });
      assert.ok(r.hits.length > 0);
      for (const h of r.hits) {
        assert.equal(h.fields.service, 'bridge');
        assert.ok((h.fields.processing_time as number) > 1000);
      }
      // The newest hit is the newest matching document.
      assert.equal(r.hits[0]!.timestamp, Math.max(...expected.map(tsOf)));
      if (r.cursor) await call(core, 'logs.closeCursor', { cursor: r.cursor });
    });

    it('filter for and filter out a field value', async () => {
      const host = srv.docs.find((d) => d.level === 'ERROR')!.host;
      const r = await search(core, { query: 'level:ERROR', from, to, size: 50, filters: [{ field: 'host', value: host, negate: true }, { field: 'service', value: 'synapse', negate: false }] });
      const expected = srv.docs.filter((d) => d.level === 'ERROR' && d.host !== host && d.service === 'synapse');
      assert.equal(r.total.value, expected.length);
      for (const h of r.hits) {
        assert.notEqual(h.fields.host, host);
        assert.equal(h.fields.service, 'synapse');
      }
      if (r.cursor) await call(core, 'logs.closeCursor', { cursor: r.cursor });
    });

    it(setup.pit ? 'pages past 10,000 on a point in time up to the 100,000 limit' : 'pages past 10,000 with plain search_after (no point in time)', async () => {
      const first = await search(core, { query: '', from, to, filters: [], size: 10_000 });
      assert.deepEqual(first.total, { value: setup.docs, relation: 'eq' });
      const ids = new Set(first.hits.map((h) => h.id));
      let last = first.hits[first.hits.length - 1]!.timestamp!;
      let cursor = first.cursor;
      let limitNote: string | null = null;
      let pages = 1;
      while (cursor) {
        const p = await page(core, { cursor });
        pages++;
        for (const h of p.hits) {
          assert.ok(h.timestamp! <= last, 'still newest first across pages');
          last = h.timestamp!;
          ids.add(h.id);
        }
        assert.equal(p.fetched, ids.size, 'no duplicates');
        cursor = p.cursor;
        limitNote = p.limitNote;
      }
      const expectedCount = Math.min(setup.docs, 100_000);
      assert.equal(ids.size, expectedCount);
      // One more (empty) page when the last full page ends exactly at the end.
      assert.ok(pages === expectedCount / 10_000 || pages === expectedCount / 10_000 + 1, `${pages} pages`);
      if (setup.docs > 100_000) assert.match(limitNote ?? '', /first 100,000 hits/);
      if (setup.pit) assert.equal(srv.livePits(), 0, 'the point in time is closed at the end');
    });

    it('shows the documents around a hit from the same host', async () => {
      const r = await search(core, { query: AUTH_QUERY, from, to: Math.round((from + to) / 2), filters: [], size: 5 });
      if (r.cursor) await call(core, 'logs.closeCursor', { cursor: r.cursor });
      const anchor = r.hits[2]!;
      const host = String(anchor.fields.host);
      const s = await call(core, 'logs.surrounding', { id: anchor.id, index: anchor.index, timestamp: anchor.timestamp!, by: 'host', value: host, n: 5 });
      assert.equal(s.anchor.id, anchor.id);
      assert.equal(s.older.length, 5);
      assert.equal(s.newer.length, 5);
      const sameHost = srv.docs.filter((d) => d.host === host).map(tsOf);
      const olderTs = sameHost.filter((t) => t <= anchor.timestamp!).sort((a, b) => b - a);
      const newerTs = sameHost.filter((t) => t >= anchor.timestamp!).sort((a, b) => a - b);
      // The anchor itself is one of the documents at its timestamp.
      assert.deepEqual(s.older.map((h) => h.timestamp), olderTs.slice(1, 6));
      assert.deepEqual([...s.newer].reverse().map((h) => h.timestamp), newerTs.slice(1, 6));
      for (const h of [...s.older, ...s.newer]) assert.equal(h.fields.host, host);
      assert.ok(![...s.older, ...s.newer].some((h) => h.id === anchor.id));
    });

    it('live tail sends only new documents', async () => {
      const since = tsOf(srv.docs[srv.docs.length - 1]!);
      const { tailId } = await call(core, 'logs.tail.start', { query: 'service:synapse', filters: [], since, intervalMs: 250 });
      const mine = () => tailEvents.filter((e) => e.tailId === tailId);
      const doc = (i: number, service: string, at: number): LogDoc => ({ '@timestamp': new Date(at).toISOString(), service, level: 'INFO', message: `tail line ${i}`, host: 'server-001', trace_id: `t${i}` });
      const base = Math.max(Date.now(), since + 1);
      srv.append([doc(1, 'synapse', base + 10), doc(2, 'bridge', base + 20), doc(3, 'synapse', base + 30), doc(4, 'synapse', base + 30)]);
      const firstHits = await waitFor('first tail event', () => mine().find((e) => e.hits.length > 0));
      assert.deepEqual(firstHits.hits.map(text).sort(), ['tail line 1', 'tail line 3', 'tail line 4']);
      assert.ok(firstHits.hits[0]!.timestamp! >= firstHits.hits[2]!.timestamp!, 'newest first');
      srv.append([doc(5, 'synapse', base + 30), doc(6, 'synapse', base + 40)]);
      await waitFor('second tail event', () => mine().filter((e) => e.hits.length > 0).length >= 2);
      await sleep(800);
      const all = mine().flatMap((e) => e.hits.map(text));
      assert.deepEqual(all.sort(), ['tail line 1', 'tail line 3', 'tail line 4', 'tail line 5', 'tail line 6']);
      await call(core, 'logs.tail.stop', { tailId });
      const count = mine().length;
      srv.append([doc(7, 'synapse', base + 50)]);
      await sleep(700);
      assert.equal(mine().length, count, 'no events after stop');
    });

    it('exports NDJSON and CSV of the current results', async () => {
      const expected = srv.docs.filter((d) => d.service === 'synapse' && d.level === 'ERROR' && /authentication failed/i.test(d.message));
      const nd = await call(core, 'logs.export', { query: AUTH_QUERY, from, to, filters: [], format: 'ndjson' });
      const lines = nd.content.trimEnd().split('\n');
      assert.equal(lines.length, expected.length);
      assert.equal(nd.count, expected.length);
      assert.equal(nd.truncated, false);
      assert.match(nd.fileName, /^logs-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.ndjson$/);
      const firstDoc = JSON.parse(lines[0]!) as { _id: string; _source: LogDoc };
      assert.equal(firstDoc._source.service, 'synapse');
      assert.equal(Date.parse(firstDoc._source['@timestamp']), Math.max(...expected.map(tsOf)));

      const at = Math.max(Date.now(), to) + 5000;
      const tricky = 'Authentication failed for user "@eve:matrix.org", from 10.0.0.1\nsecond line';
      srv.append([{ '@timestamp': new Date(at).toISOString(), service: 'synapse', level: 'ERROR', message: tricky, host: 'server-0,07', trace_id: 'csv' }]);
      const csv = await call(core, 'logs.export', { query: AUTH_QUERY, from: at - 1, to: at + 1, filters: [], format: 'csv', maxHits: 10 });
      assert.equal(csv.count, 1);
      // The header is text too: '@timestamp' starts with '@', so it gets the formula protection's leading quote.
      assert.equal(csv.content, `'@timestamp,service,level,host,message\r\n${new Date(at).toISOString()},synapse,ERROR,"server-0,07","Authentication failed for user ""@eve:matrix.org"", from 10.0.0.1\nsecond line"\r\n`);
      assert.equal(csvCell('plain'), 'plain');

      const capped = await call(core, 'logs.export', { query: AUTH_QUERY, from, to, filters: [], format: 'csv', maxHits: 3, columns: ['host'] });
      assert.equal(capped.count, 3);
      assert.equal(capped.truncated, true);
      assert.equal(capped.content.split('\r\n')[0], "'@timestamp,host,message");
    });

    it('shows the server\'s own error text for a parse error and a missing index', async () => {
      const parse = await callError(call(core, 'logs.search', { query: 'service:(synapse AND', from, to, filters: [], size: 10 }));
      assert.equal(parse.code, 'backend');
      assert.match(parse.message, /^HTTP 400: /);
      assert.match(parse.message, /Failed to parse query \[service:\(synapse AND\]/);
      const missing = await callError(call(core, 'logs.search', { source: 'missing', query: 'x', from, to, filters: [], size: 10 }));
      assert.equal(missing.code, 'backend');
      assert.match(missing.message, /^HTTP 404: index_not_found_exception: no such index \[nope-missing\]/);
      const tooLong = await callError(call(core, 'logs.search', { query: 'a'.repeat(5000), from, to, filters: [], size: 10 }));
      assert.equal(tooLong.code, 'invalid-argument');
      assert.match(tooLong.message, /longer than 4096 characters/);
      if (setup.pit) assert.equal(srv.livePits(), 0, 'failed searches leave no point in time open');
    });

    it('puts cluster health into the source health', async () => {
      const mine = () => (core.activeRuntime?.health() ?? []).find((h) => h.id === 'elasticsearch:logs');
      const ok = await waitFor('cluster health green', () => mine()?.state === 'ok' && mine());
      assert.match(ok.detail ?? '', / green$/);
      srv.setHealth('red');
      const red = await waitFor<SourceHealth>('cluster health red', () => mine()?.state === 'degraded' && mine());
      assert.match(red.detail ?? '', / red$/);
      assert.match(red.lastError ?? '', /^cluster health red/);
      srv.setHealth('yellow');
      const yellow = await waitFor<SourceHealth>('cluster health yellow', () => mine()?.detail?.endsWith('yellow') && mine());
      assert.equal(yellow.state, 'ok');
    });
  });
}

describe('Logs saved searches and recent queries', () => {
  let srv: EsTestServer;
  let dataDir: string;
  const config = () =>
    parseConfig(JSON.stringify({ environments: [{ name: 'test', elasticsearch: [{ name: 'logs', url: srv.url }] }] }));

  before(async () => {
    srv = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 2000, seed: 3 });
    dataDir = mkdtempSync(join(tmpdir(), 'logs-saved-'));
  });
  after(async () => {
    await srv.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('persist in the data directory across restarts', async () => {
    const a = createConsole({ config: config(), host: { kind: 'browser', dataDir, openExternal: async () => false } });
    await a.core.start();
    const now = Date.now();
    await call(a.core, 'logs.search', { query: AUTH_QUERY, from: now - 86_400_000, to: now, filters: [], size: 10 });
    await call(a.core, 'logs.search', { query: SLOW_QUERY, from: now - 86_400_000, to: now, filters: [], size: 10 });
    await call(a.core, 'logs.search', { query: AUTH_QUERY, from: now - 86_400_000, to: now, filters: [], size: 10 });
    const saved = await call(a.core, 'logs.savedSearches.save', { name: 'Auth failures', query: AUTH_QUERY, filters: [{ field: 'host', value: 'server-001', negate: true }], columns: ['host'], range: { kind: 'relative', ms: 3_600_000 } });
    assert.deepEqual(saved.saved.map((s) => s.name), ['Auth failures']);
    await call(a.core, 'logs.savedSearches.save', { name: 'Slow bridge', query: SLOW_QUERY, range: { kind: 'absolute', from: now - 1000, to: now } });
    const bad = await callError(call(a.core, 'logs.savedSearches.save', { name: ' ', query: 'x', range: { kind: 'relative', ms: 1000 } }));
    assert.match(bad.message, /give the search a name/);
    await a.features.logs.store.idle();
    await a.core.shutdown();

    const file = JSON.parse(readFileSync(join(dataDir, 'logs-searches.json'), 'utf8')) as { version: number };
    assert.equal(file.version, 1);

    const b = createConsole({ config: config(), host: { kind: 'browser', dataDir, openExternal: async () => false } });
    await b.core.start();
    const list = await call(b.core, 'logs.savedSearches.list', {});
    assert.deepEqual(list.saved.map((s) => s.name), ['Auth failures', 'Slow bridge']);
    assert.deepEqual(list.saved[0]!.filters, [{ field: 'host', value: 'server-001', negate: true }]);
    assert.deepEqual(list.recent.map((r) => r.query), [AUTH_QUERY, SLOW_QUERY], 'most recent first, no duplicates');
    const afterDelete = await call(b.core, 'logs.savedSearches.delete', { name: 'Slow bridge' });
    assert.deepEqual(afterDelete.saved.map((s) => s.name), ['Auth failures']);
    const missing = await callError(call(b.core, 'logs.savedSearches.delete', { name: 'nope' }));
    assert.equal(missing.code, 'not-found');
    const cleared = await call(b.core, 'logs.recent.clear', {});
    assert.deepEqual(cleared.recent, []);
    await b.core.shutdown();
  });
});
