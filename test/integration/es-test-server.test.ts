import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateLogs, startEsTestServer, type EsTestServer, type LogDoc } from '../support/es-test-server/index';

// ---------- loose answer types and a tiny HTTP helper ----------

interface EsHit {
  _index: string;
  _id: string;
  _type?: string;
  _score: number | null;
  _source: LogDoc;
  sort?: (number | string | null)[];
  highlight?: Record<string, string[]>;
}
interface EsCause {
  type: string;
  reason: string;
  caused_by?: EsCause;
  [k: string]: unknown;
}
interface EsError extends EsCause {
  root_cause: EsCause[];
  failed_shards?: { shard: number; index: string | null; reason: EsCause }[];
}
interface Bucket {
  key: number | string;
  key_as_string?: string;
  doc_count: number;
}
interface Answer {
  hits: { total?: { value: number; relation: string } | number; max_score: number | null; hits: EsHit[] };
  aggregations: Record<string, { buckets: Bucket[]; sum_other_doc_count?: number }>;
  _shards: { total: number; successful: number; failed: number };
  pit_id?: string;
  id?: string;
  creation_time?: number;
  succeeded?: boolean;
  num_freed?: number;
  pits?: { pit_id: string; successful: boolean }[];
  error: EsError | string;
  status: number;
  count: number;
  responses: (Answer & { status: number })[];
  name: string;
  cluster_name: string;
  tagline: string;
  version: { number: string; distribution?: string; build_flavor?: string; lucene_version: string };
}
interface Res {
  status: number;
  text: string;
  json: Answer;
  headers: Headers;
}

async function call(srv: EsTestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(srv.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Answer;
  try {
    json = JSON.parse(text) as Answer;
  } catch {
    json = {} as Answer;
  }
  return { status: res.status, text, json, headers: res.headers };
}

const search = (srv: EsTestServer, body: unknown, index = 'logs-*', query = ''): Promise<Res> => call(srv, 'POST', `/${index}/_search${query}`, body);
const total = (r: Res): number => {
  const t = r.json.hits.total;
  return typeof t === 'number' ? t : (t?.value ?? -1);
};
const qs = (query: string, extra: Record<string, unknown> = {}): unknown => ({ query: { query_string: { query } }, track_total_hits: true, size: 10_000, ...extra });
const err = (r: Res): EsError => r.json.error as EsError;

const words = (s: string): string[] => (s.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'][\p{L}\p{N}_]+)*/gu) ?? []);
const hasWord = (s: string, w: string): boolean => words(s).includes(w);
const hasPhrase = (s: string, phrase: string): boolean => {
  const ws = words(s);
  const ps = words(phrase);
  return ws.some((_, i) => ps.every((p, j) => ws[i + j] === p));
};
const count = (docs: LogDoc[], pred: (d: LogDoc) => boolean): number => docs.filter(pred).length;

// ---------- tests ----------

describe('generateLogs', () => {
  it('is deterministic by seed, sorted by time, and shaped like the runbook services', () => {
    const end = Date.UTC(2026, 10, 21, 12);
    const a = generateLogs(3000, 42, end);
    assert.deepEqual(a, generateLogs(3000, 42, end));
    assert.notDeepEqual(a, generateLogs(3000, 43, end));
    const ts = a.map((d) => Date.parse(d['@timestamp']));
    assert.ok(ts.every((t, i) => i === 0 || t >= (ts[i - 1] as number)), 'sorted');
    assert.ok((ts[0] as number) >= end - 24 * 3_600_000 && (ts[ts.length - 1] as number) < end);
    const services = new Set(a.map((d) => d.service));
    for (const s of ['synapse', 'bridge', 'discovery', 'nginx', 'postgres']) assert.ok(services.has(s), s);
    assert.deepEqual(new Set(a.map((d) => d.level)), new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']));
    assert.ok(a.every((d) => /^server-0(0[1-9]|1\d|20)$/.test(d.host)));
    assert.ok(a.some((d) => d.message === 'Authentication failed for user @alice:example.org'));
    assert.ok(a.some((d) => d.message === 'Federation request to matrix.org failed'));
    assert.ok(a.some((d) => d.message === 'Database connection pool exhausted'));
    assert.ok(a.some((d) => (d.processing_time ?? 0) > 1000));
    assert.ok(a.some((d) => d.processing_time === undefined));
    assert.ok(a.every((d) => /^[0-9a-f]{16}$/.test(d.trace_id)));
  });
});

describe('es-test-server (Elasticsearch 8.15)', () => {
  let srv: EsTestServer;
  before(async () => {
    srv = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 20_000, seed: 7 });
  });
  after(() => srv.stop());

  it('answers GET / and cluster health like Elasticsearch', async () => {
    const r = await call(srv, 'GET', '/');
    assert.equal(r.status, 200);
    assert.equal(r.json.version.number, '8.15.0');
    assert.equal(r.json.version.distribution, undefined);
    assert.equal(r.json.version.build_flavor, 'default');
    assert.equal(r.json.tagline, 'You Know, for Search');
    assert.equal(r.headers.get('x-elastic-product'), 'Elasticsearch');
    const h = await call(srv, 'GET', '/_cluster/health');
    assert.equal(h.status, 200);
    assert.equal((h.json as unknown as { status: string }).status, 'green');
    srv.setHealth('yellow');
    assert.equal(((await call(srv, 'GET', '/_cluster/health')).json as unknown as { status: string; unassigned_shards: number }).status, 'yellow');
    srv.setHealth('green');
  });

  it('defaults to 10 hits and counts totals exactly only up to 10,000', async () => {
    const r = await search(srv, {});
    assert.equal(r.status, 200);
    assert.equal(r.json.hits.hits.length, 10);
    assert.deepEqual(r.json.hits.total, { value: 10_000, relation: 'gte' });
    assert.equal(r.json.hits.hits[0]?._index, srv.index);
    assert.equal(r.json.hits.hits[0]?._type, undefined);
    assert.deepEqual((await search(srv, { size: 0, track_total_hits: true })).json.hits.total, { value: 20_000, relation: 'eq' });
    assert.deepEqual((await search(srv, { size: 0, track_total_hits: 123 })).json.hits.total, { value: 123, relation: 'gte' });
    assert.equal((await search(srv, { size: 0, track_total_hits: false })).json.hits.total, undefined);
    assert.equal((await search(srv, { size: 0 }, 'logs-*', '?rest_total_hits_as_int=true')).json.hits.total, 20_000);
    const few = await search(srv, { query: { term: { service: 'postgres' } }, size: 0 });
    assert.equal(few.json.hits.total && typeof few.json.hits.total === 'object' ? few.json.hits.total.relation : '', 'eq');
  });

  it('refuses from + size beyond the 10,000 result window like Elasticsearch', async () => {
    assert.equal((await search(srv, { from: 9990, size: 10 })).status, 200);
    const r = await search(srv, { from: 9995, size: 10 });
    assert.equal(r.status, 400);
    assert.equal(r.json.status, 400);
    const e = err(r);
    assert.equal(e.type, 'search_phase_execution_exception');
    assert.equal(e.root_cause[0]?.type, 'illegal_argument_exception');
    assert.match(e.root_cause[0]?.reason ?? '', /^Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10005\]\./);
    assert.equal(e.caused_by?.type, 'illegal_argument_exception');
    assert.equal((await search(srv, { size: 10_001 })).status, 400);
  });

  it('answers index_not_found_exception for a missing index, and an empty answer for a pattern matching nothing', async () => {
    const r = await search(srv, {}, 'nope');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, {
      error: {
        root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]', 'resource.type': 'index_or_alias', 'resource.id': 'nope', index_uuid: '_na_', index: 'nope' }],
        type: 'index_not_found_exception',
        reason: 'no such index [nope]',
        'resource.type': 'index_or_alias',
        'resource.id': 'nope',
        index_uuid: '_na_',
        index: 'nope',
      },
      status: 404,
    });
    const empty = await search(srv, {}, 'metrics-*');
    assert.equal(empty.status, 200);
    assert.equal(empty.json._shards.total, 0);
    assert.deepEqual(empty.json.hits.hits, []);
    assert.deepEqual(empty.json.hits.total, { value: 0, relation: 'eq' });
    const strict = await search(srv, {}, 'metrics-*', '?allow_no_indices=false');
    assert.equal(strict.status, 404);
    assert.equal(err(strict).reason, 'no such index [metrics-*]');
    assert.equal((await search(srv, { size: 0, track_total_hits: true }, srv.index)).status, 200);
    assert.equal(total(await search(srv, { size: 0, track_total_hits: true }, '_all')), 20_000);
    assert.equal((await search(srv, {}, 'logs-*,-logs-*')).json._shards.total, 0);
    assert.equal(total(await search(srv, { size: 0, track_total_hits: true }, 'nope,logs-*', '?ignore_unavailable=true')), 20_000);
    assert.equal((await call(srv, 'POST', '/_search', { size: 1 })).json.hits.hits.length, 1);
  });

  it('reports query_string syntax errors like Elasticsearch, keeping "Failed to parse query [...]"', async () => {
    const r = await search(srv, qs('service:(synapse'));
    assert.equal(r.status, 400);
    const e = err(r);
    assert.equal(e.type, 'search_phase_execution_exception');
    assert.equal(e.reason, 'all shards failed');
    assert.equal(e.root_cause[0]?.type, 'query_shard_exception');
    assert.equal(e.root_cause[0]?.reason, 'Failed to parse query [service:(synapse]');
    assert.equal(e.failed_shards?.[0]?.reason.caused_by?.type, 'parse_exception');
    assert.match(e.failed_shards?.[0]?.reason.caused_by?.reason ?? '', /^Cannot parse 'service:\(synapse': Encountered "<EOF>" at line 1, column 17\./);
    for (const bad of ['level:ERROR AND', 'AND level:ERROR', '"unterminated', 'a)', 'processing_time:[1 TO', 'x^']) {
      const b = await search(srv, qs(bad));
      assert.equal(b.status, 400, bad);
      assert.equal(err(b).root_cause[0]?.reason, `Failed to parse query [${bad}]`);
    }
    const typed = await search(srv, qs('processing_time:abc'));
    assert.equal(typed.status, 400);
    assert.match(err(typed).root_cause[0]?.reason ?? '', /For input string: "abc"/);
  });

  it('evaluates the runbook Kibana queries exactly', async () => {
    const docs = srv.docs;
    const cases: [string, (d: LogDoc) => boolean][] = [
      ['service:synapse AND level:ERROR AND message:"Authentication failed"', (d) => d.service === 'synapse' && d.level === 'ERROR' && hasPhrase(d.message, 'Authentication failed')],
      ['service:bridge AND level:ERROR AND message:*federation*', (d) => d.service === 'bridge' && d.level === 'ERROR' && words(d.message).some((w) => w.includes('federation'))],
      ['service:bridge AND processing_time:>1000', (d) => d.service === 'bridge' && (d.processing_time ?? -1) > 1000],
      ['service:synapse AND message:*database* AND level:ERROR', (d) => d.service === 'synapse' && d.level === 'ERROR' && words(d.message).some((w) => w.includes('database'))],
      ['service:discovery AND level:ERROR', (d) => d.service === 'discovery' && d.level === 'ERROR'],
    ];
    for (const [q, pred] of cases) {
      const want = count(docs, pred);
      assert.ok(want > 0, `${q} has matches`);
      const r = await search(srv, qs(q, { size: 0 }));
      assert.equal(r.status, 200, q);
      assert.equal(total(r), want, q);
    }
  });

  it('follows Lucene query syntax and classic boolean semantics', async () => {
    const docs = srv.docs;
    const pt = (d: LogDoc): number => d.processing_time ?? NaN;
    const cases: [string, (d: LogDoc) => boolean][] = [
      ['level:ERROR OR level:WARN', (d) => d.level === 'ERROR' || d.level === 'WARN'],
      ['level:ERROR level:WARN', (d) => d.level === 'ERROR' || d.level === 'WARN'],
      ['NOT level:INFO', (d) => d.level !== 'INFO'],
      ['-level:INFO', (d) => d.level !== 'INFO'],
      ['!level:INFO AND !level:DEBUG', (d) => d.level !== 'INFO' && d.level !== 'DEBUG'],
      ['level:ERROR AND NOT service:synapse', (d) => d.level === 'ERROR' && d.service !== 'synapse'],
      ['level:ERROR && !(service:synapse || service:bridge)', (d) => d.level === 'ERROR' && d.service !== 'synapse' && d.service !== 'bridge'],
      ['+level:WARN -service:nginx', (d) => d.level === 'WARN' && d.service !== 'nginx'],
      ['service:(synapse OR bridge) AND level:WARN', (d) => (d.service === 'synapse' || d.service === 'bridge') && d.level === 'WARN'],
      // Lucene, not boolean algebra: "a AND b OR c" is "+a +b c", so c is optional.
      ['service:nginx AND level:ERROR OR level:WARN', (d) => d.service === 'nginx' && d.level === 'ERROR'],
      ['host:server-00?', (d) => /^server-00\d$/.test(d.host)],
      ['host:server-01*', (d) => d.host.startsWith('server-01')],
      ['host:"server-001"', (d) => d.host === 'server-001'],
      ['processing_time:[500 TO 1000]', (d) => pt(d) >= 500 && pt(d) <= 1000],
      ['processing_time:{500 TO 1000}', (d) => pt(d) > 500 && pt(d) < 1000],
      ['processing_time:[2000 TO *]', (d) => pt(d) >= 2000],
      ['processing_time:>=1000', (d) => pt(d) >= 1000],
      ['processing_time:<10', (d) => pt(d) < 10],
      ['_exists_:user', (d) => d.user !== undefined],
      ['NOT _exists_:processing_time', (d) => d.processing_time === undefined],
      ['processing_time:*', (d) => d.processing_time !== undefined],
      ['level:error', () => false],
      ['message:ERROR', (d) => hasWord(d.message, 'error')],
      ['message:DATABASE', (d) => hasWord(d.message, 'database')],
      ['ERROR', (d) => d.level === 'ERROR' || hasWord(d.message, 'error')],
      ['"connection refused"', (d) => hasPhrase(d.message, 'connection refused')],
      ['message:"pool exhausted"~1', (d) => /pool (\S+ )?exhausted/i.test(d.message)],
      ['message:matrix.org', (d) => hasWord(d.message, 'matrix.org')],
      ['message:federaton~1', (d) => hasWord(d.message, 'federation')],
      ['message:/fed.*tion/', (d) => words(d.message).some((w) => /^fed.*tion$/.test(w))],
      ['logger:synapse.handlers.auth', (d) => d.logger === 'synapse.handlers.auth'],
      ['user:@alice\\:example.org', (d) => d.user === '@alice:example.org'],
      ['*', () => true],
      ['*:*', () => true],
      ['service:synapse^2 AND level:ERROR', (d) => d.service === 'synapse' && d.level === 'ERROR'],
    ];
    for (const [q, pred] of cases) {
      const r = await search(srv, qs(q, { size: 0 }));
      assert.equal(r.status, 200, `${q}: ${r.text.slice(0, 300)}`);
      assert.equal(total(r), count(docs, pred), q);
    }
    assert.equal(total(await search(srv, qs('', { size: 0 }))), 0, 'an empty query_string matches nothing');
    const op = await search(srv, { query: { query_string: { query: 'level:ERROR service:synapse', default_operator: 'AND' } }, size: 0, track_total_hits: true });
    assert.equal(total(op), count(docs, (d) => d.level === 'ERROR' && d.service === 'synapse'));
  });

  it('evaluates date math relative to now', async () => {
    const before = Date.now();
    const r = await search(srv, qs('@timestamp:>now-1h', { size: 0 }));
    const afterT = Date.now();
    const at = (now: number): number => count(srv.docs, (d) => Date.parse(d['@timestamp']) > now - 3_600_000);
    assert.ok(total(r) <= at(before) && total(r) >= at(afterT), `${total(r)} in [${at(afterT)}, ${at(before)}]`);
    assert.ok(total(r) > 0);
  });

  it('evaluates bool, range, term, terms, match, match_phrase, exists and prefix', async () => {
    const docs = srv.docs;
    const ts = docs.map((d) => Date.parse(d['@timestamp']));
    const mid = ts[Math.floor(ts.length / 2)] as number;
    const q3 = ts[Math.floor((ts.length * 3) / 4)] as number;
    const inRange = (d: LogDoc): boolean => Date.parse(d['@timestamp']) >= mid && Date.parse(d['@timestamp']) <= q3;
    const cases: [unknown, (d: LogDoc) => boolean][] = [
      [{ match_all: {} }, () => true],
      [{ range: { '@timestamp': { gte: mid, lte: q3, format: 'epoch_millis' } } }, inRange],
      [{ range: { '@timestamp': { gte: String(mid), lte: String(q3), format: 'epoch_millis' } } }, inRange],
      [{ range: { '@timestamp': { gte: new Date(mid).toISOString(), lte: new Date(q3).toISOString() } } }, inRange],
      [{ range: { '@timestamp': { gt: mid, lt: q3 } } }, (d) => Date.parse(d['@timestamp']) > mid && Date.parse(d['@timestamp']) < q3],
      [{ range: { processing_time: { gte: 100, lt: 200 } } }, (d) => (d.processing_time ?? -1) >= 100 && (d.processing_time ?? -1) < 200],
      [{ term: { level: 'WARN' } }, (d) => d.level === 'WARN'],
      [{ term: { level: { value: 'warn', case_insensitive: true } } }, (d) => d.level === 'WARN'],
      [{ term: { message: 'Authentication' } }, () => false],
      [{ term: { message: 'authentication' } }, (d) => hasWord(d.message, 'authentication')],
      [{ terms: { service: ['nginx', 'postgres'] } }, (d) => d.service === 'nginx' || d.service === 'postgres'],
      [{ match: { message: 'pool exhausted' } }, (d) => hasWord(d.message, 'pool') || hasWord(d.message, 'exhausted')],
      [{ match: { message: { query: 'pool exhausted', operator: 'and' } } }, (d) => hasWord(d.message, 'pool') && hasWord(d.message, 'exhausted')],
      [{ match_phrase: { message: 'Database connection pool exhausted' } }, (d) => hasPhrase(d.message, 'Database connection pool exhausted')],
      [{ match_phrase: { host: 'server-002' } }, (d) => d.host === 'server-002'],
      [{ exists: { field: 'logger' } }, (d) => d.logger !== undefined],
      [{ prefix: { host: 'server-01' } }, (d) => d.host.startsWith('server-01')],
      [{ wildcard: { host: { value: 'server-0?5' } } }, (d) => /^server-0.5$/.test(d.host)],
      [
        { bool: { must: [{ term: { service: 'synapse' } }], filter: [{ range: { '@timestamp': { gte: mid } } }], must_not: [{ term: { level: 'DEBUG' } }], should: [{ term: { level: 'ERROR' } }] } },
        (d) => d.service === 'synapse' && Date.parse(d['@timestamp']) >= mid && d.level !== 'DEBUG',
      ],
      [{ bool: { should: [{ term: { level: 'ERROR' } }, { term: { service: 'nginx' } }] } }, (d) => d.level === 'ERROR' || d.service === 'nginx'],
      [
        { bool: { should: [{ term: { level: 'ERROR' } }, { term: { service: 'nginx' } }, { term: { host: 'server-001' } }], minimum_should_match: 2 } },
        (d) => [d.level === 'ERROR', d.service === 'nginx', d.host === 'server-001'].filter(Boolean).length >= 2,
      ],
      [{ bool: { filter: { term: { service: 'bridge' } }, should: [{ term: { level: 'ERROR' } }], minimum_should_match: 1 } }, (d) => d.service === 'bridge' && d.level === 'ERROR'],
      [{ bool: { must_not: { exists: { field: 'processing_time' } } } }, (d) => d.processing_time === undefined],
    ];
    for (const [query, pred] of cases) {
      const r = await search(srv, { query, size: 0, track_total_hits: true });
      assert.equal(r.status, 200, `${JSON.stringify(query)}: ${r.text.slice(0, 300)}`);
      assert.equal(total(r), count(docs, pred), JSON.stringify(query));
    }
    const unknown = await search(srv, { query: { fuzzy_thing: {} } });
    assert.equal(unknown.status, 400);
    assert.equal(err(unknown).type, 'parsing_exception');
    assert.equal(err(unknown).reason, 'unknown query [fuzzy_thing]');
    const badKey = await search(srv, { querry: {} });
    assert.equal(badKey.status, 400);
    assert.equal(err(badKey).type, 'parsing_exception');
  });

  it('sorts, pages with search_after and filters _source', async () => {
    const q = { query: { term: { level: 'ERROR' } } };
    const want = srv.docs.filter((d) => d.level === 'ERROR');
    const seen = new Set<string>();
    let afterKey: unknown[] | undefined;
    let prev = Infinity;
    for (;;) {
      const r = await search(srv, { ...q, size: 500, sort: [{ '@timestamp': 'desc' }, { _doc: 'desc' }], ...(afterKey ? { search_after: afterKey } : {}) });
      assert.equal(r.status, 200);
      const hits = r.json.hits.hits;
      for (const h of hits) {
        assert.equal(h._source.level, 'ERROR');
        assert.equal(h._score, null);
        const t = Date.parse(h._source['@timestamp']);
        assert.ok(t <= prev, 'descending');
        prev = t;
        assert.equal(h.sort?.[0], t);
        assert.ok(!seen.has(h._id), 'no duplicates');
        seen.add(h._id);
      }
      if (hits.length < 500) break;
      afterKey = hits[hits.length - 1]?.sort;
    }
    assert.equal(seen.size, want.length);
    const asc = await search(srv, { size: 3, sort: ['@timestamp'], _source: ['service', 'lev*'] });
    assert.deepEqual(Object.keys(asc.json.hits.hits[0]?._source ?? {}).sort(), ['level', 'service']);
    assert.equal(asc.json.hits.hits[0]?.sort?.[0], Date.parse(srv.docs[0]?.['@timestamp'] ?? ''));
    const noSource = await search(srv, { size: 1, _source: false });
    assert.equal(noSource.json.hits.hits[0]?._source, undefined);
    const mismatch = await search(srv, { size: 1, sort: [{ '@timestamp': 'desc' }], search_after: [1, 2] });
    assert.equal(mismatch.status, 400);
    const withFrom = await search(srv, { size: 1, from: 5, sort: [{ '@timestamp': 'desc' }], search_after: [1] });
    assert.equal(withFrom.status, 400);
    assert.equal(err(withFrom).type, 'action_request_validation_exception');
    const textSort = await search(srv, { size: 1, sort: ['message'] });
    assert.equal(textSort.status, 400);
    assert.match(err(textSort).root_cause[0]?.reason ?? '', /^Text fields are not optimised/);
    const shardDoc = await search(srv, { size: 1, sort: ['_shard_doc'] });
    assert.equal(shardDoc.status, 400);
    assert.match(err(shardDoc).reason, /\[_shard_doc\] sort field cannot be used without \[point in time\]/);
  });

  it('highlights matched words with <em> by default, or the given tags', async () => {
    const r = await search(srv, qs('service:synapse AND level:ERROR AND message:"Authentication failed"', { size: 20, highlight: { fields: { message: {} } } }));
    assert.ok(r.json.hits.hits.length > 0);
    for (const h of r.json.hits.hits) {
      assert.deepEqual(Object.keys(h.highlight ?? {}), ['message']);
      assert.equal(h.highlight?.message?.[0], h._source.message.replace('Authentication failed', '<em>Authentication</em> <em>failed</em>'));
    }
    const all = await search(srv, qs('service:bridge AND processing_time:>1000 AND message:matrix.org', { size: 5, highlight: { pre_tags: ['['], post_tags: [']'], fields: { '*': {} } } }));
    for (const h of all.json.hits.hits) {
      assert.deepEqual(h.highlight?.service, ['[bridge]']);
      assert.ok(h.highlight?.message?.[0]?.includes('[matrix.org]'));
      assert.equal(h.highlight?.processing_time, undefined);
    }
    const wild = await search(srv, qs('message:*federation*', { size: 5, highlight: { fields: { message: {} } } }));
    for (const h of wild.json.hits.hits) assert.match(h.highlight?.message?.[0] ?? '', /<em>federation<\/em>/i);
    const negated = await search(srv, qs('level:ERROR AND NOT message:database', { size: 5, highlight: { fields: { message: {} } } }));
    for (const h of negated.json.hits.hits) assert.equal(h.highlight, undefined);
  });

  it('aggregates date histograms and terms that add up to the total', async () => {
    const end = Date.now();
    const start = end - 24 * 3_600_000;
    const r = await search(srv, {
      size: 0,
      track_total_hits: true,
      query: { bool: { filter: [{ range: { '@timestamp': { gte: start, lte: end, format: 'epoch_millis' } } }] } },
      aggs: {
        h: { date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 0, extended_bounds: { min: start, max: end } } },
        s: { terms: { field: 'service', size: 3 } },
        l: { terms: { field: 'level' }, aggs: { per: { date_histogram: { field: '@timestamp', fixed_interval: '6h' } } } },
        p: { max: { field: 'processing_time' } },
      },
    });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const t = total(r);
    const h = r.json.aggregations.h?.buckets ?? [];
    assert.ok(h.length === 24 || h.length === 25, `${h.length} buckets`);
    assert.equal(h.reduce((s, b) => s + b.doc_count, 0), t);
    assert.equal(h[0]?.key, Math.floor(start / 3_600_000) * 3_600_000);
    assert.equal(h[0]?.key_as_string, new Date(h[0]?.key as number).toISOString());
    const s = r.json.aggregations.s;
    assert.equal(s?.buckets.length, 3);
    assert.equal(s?.buckets[0]?.key, 'synapse');
    assert.equal((s?.buckets.reduce((x, b) => x + b.doc_count, 0) ?? 0) + (s?.sum_other_doc_count ?? 0), t);
    const l = r.json.aggregations.l as unknown as { buckets: (Bucket & { per: { buckets: Bucket[] } })[] };
    for (const b of l.buckets) assert.equal(b.per.buckets.reduce((x, y) => x + y.doc_count, 0), b.doc_count);
    const max = (r.json.aggregations.p as unknown as { value: number }).value;
    assert.equal(max, Math.max(...srv.docs.map((d) => d.processing_time ?? 0)));

    const sparse = await search(srv, { size: 0, query: { term: { service: 'discovery' } }, aggs: { h: { date_histogram: { field: '@timestamp', fixed_interval: '5m', min_doc_count: 1 } } } });
    assert.ok((sparse.json.aggregations.h?.buckets ?? []).every((b) => b.doc_count >= 1));
    const textTerms = await search(srv, { size: 0, aggs: { m: { terms: { field: 'message' } } } });
    assert.equal(textTerms.status, 400);
    assert.match(err(textTerms).root_cause[0]?.reason ?? '', /Text fields are not optimised/);
    const badInterval = await search(srv, { size: 0, aggs: { h: { date_histogram: { field: '@timestamp', fixed_interval: '1M' } } } });
    assert.equal(badInterval.status, 400);
    const legacy = await search(srv, { size: 0, aggs: { h: { date_histogram: { field: '@timestamp', interval: '1h' } } } });
    assert.equal(legacy.status, 400, 'ES 8 removed date_histogram.interval');
    const tooMany = await search(srv, { size: 0, aggs: { h: { date_histogram: { field: '@timestamp', fixed_interval: '1s', extended_bounds: { min: 0, max: end } } } } });
    assert.equal(tooMany.status, 400);
    assert.match(err(tooMany).root_cause[0]?.reason ?? '', /Trying to create too many buckets/);
  });

  it('serves _count and _msearch (which must end with a newline)', async () => {
    const c = await call(srv, 'POST', '/logs-*/_count', { query: { term: { level: 'ERROR' } } });
    assert.equal(c.json.count, count(srv.docs, (d) => d.level === 'ERROR'));
    const nd = `{"index":"logs-*"}\n{"size":1}\n{}\n{"query":{"query_string":{"query":"a:("}}}\n{"index":"nope"}\n{}\n`;
    const m = await call(srv, 'POST', '/_msearch', nd, { 'content-type': 'application/x-ndjson' });
    assert.equal(m.status, 200);
    assert.deepEqual(m.json.responses.map((x) => x.status), [200, 400, 404]);
    assert.equal(m.json.responses[0]?.hits.hits.length, 1);
    const noNewline = await call(srv, 'POST', '/_msearch', nd.trimEnd(), { 'content-type': 'application/x-ndjson' });
    assert.equal(noNewline.status, 400);
    assert.match(err(noNewline).reason, /must be terminated by a newline/);
  });

  it('opens an Elasticsearch point in time that is a frozen snapshot', async () => {
    const open = await call(srv, 'POST', '/logs-*/_pit?keep_alive=1m');
    assert.equal(open.status, 200);
    const id = open.json.id as string;
    assert.ok(id.length > 20);
    assert.equal((await call(srv, 'POST', '/logs-*/_pit')).status, 400, 'keep_alive is required');
    const before = total(await search(srv, { size: 0, track_total_hits: true }));
    const now = Date.now();
    srv.append([{ '@timestamp': new Date(now).toISOString(), service: 'synapse', level: 'ERROR', message: 'Appended after the PIT', host: 'server-001', trace_id: 'ffffffffffffffff' }]);
    assert.equal(total(await search(srv, { size: 0, track_total_hits: true })), before + 1, 'plain searches see appended docs');
    const p = await call(srv, 'POST', '/_search', { pit: { id, keep_alive: '1m' }, size: 5, sort: [{ '@timestamp': 'desc' }], track_total_hits: true });
    assert.equal(p.status, 200, p.text.slice(0, 300));
    assert.equal(p.json.pit_id, id);
    assert.equal(total(p), before, 'the PIT does not');
    const first = p.json.hits.hits[0];
    assert.equal(first?.sort?.length, 2, 'implicit _shard_doc tiebreaker');
    assert.equal(typeof first?.sort?.[1], 'number');
    const page2 = await call(srv, 'POST', '/_search', { pit: { id }, size: 5, sort: [{ '@timestamp': 'desc' }], search_after: p.json.hits.hits[4]?.sort });
    assert.equal(page2.status, 200);
    assert.ok(!page2.json.hits.hits.some((h) => p.json.hits.hits.some((x) => x._id === h._id)));
    const withIndex = await call(srv, 'POST', '/logs-*/_search', { pit: { id }, size: 1 });
    assert.equal(withIndex.status, 400);
    assert.equal(err(withIndex).type, 'action_request_validation_exception');
    assert.match(err(withIndex).reason, /\[indices\] cannot be used with point in time/);
    assert.equal(srv.livePits(), 1);
    const close = await call(srv, 'DELETE', '/_pit', { id });
    assert.equal(close.status, 200);
    assert.deepEqual(close.json, { succeeded: true, num_freed: 1 });
    const again = await call(srv, 'DELETE', '/_pit', { id });
    assert.equal(again.status, 404);
    assert.equal(again.json.num_freed, 0);
    const gone = await call(srv, 'POST', '/_search', { pit: { id }, size: 1 });
    assert.equal(gone.status, 404);
    assert.equal(err(gone).root_cause[0]?.type, 'search_context_missing_exception');
    assert.match(err(gone).root_cause[0]?.reason ?? '', /^No search context found for id \[/);
    const short = await call(srv, 'POST', '/logs-*/_pit?keep_alive=1ms');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await call(srv, 'POST', '/_search', { pit: { id: short.json.id } })).status, 404, 'expired');
    assert.equal((await call(srv, 'POST', '/nope/_pit?keep_alive=1m')).status, 404);
    assert.equal((await call(srv, 'POST', '/logs-*/_search/point_in_time?keep_alive=1m')).status, 400, 'OpenSearch path is not Elasticsearch');
  });

  it('holds 200,000 documents and answers deep searches quickly', async () => {
    const t0 = performance.now();
    const big = await startEsTestServer({ flavor: 'elasticsearch', docs: 200_000, seed: 3 });
    try {
      const started = performance.now() - t0;
      assert.equal(big.docs.length, 200_000);
      const t1 = performance.now();
      const r = await search(big, { size: 100, sort: [{ '@timestamp': 'desc' }, { _doc: 'desc' }], query: { bool: { filter: [{ range: { '@timestamp': { gte: 'now-6h' } } }] } } });
      assert.equal(r.status, 200);
      const mid = r.json.hits.hits[99]?.sort;
      const r2 = await search(big, { size: 100, sort: [{ '@timestamp': 'desc' }, { _doc: 'desc' }], search_after: mid, track_total_hits: false });
      assert.equal(r2.json.hits.hits.length, 100);
      const q = await search(big, qs('service:bridge AND processing_time:>1000', { size: 10 }));
      assert.ok(total(q) > 0);
      const took = performance.now() - t1;
      assert.ok(started < 15_000, `start took ${started} ms`);
      assert.ok(took < 5_000, `queries took ${took} ms`);
    } finally {
      await big.stop();
    }
  });
});

describe('es-test-server versions and flavours', () => {
  it('Elasticsearch 7.17: typed hits, PIT, legacy date_histogram interval', async () => {
    const srv = await startEsTestServer({ flavor: 'elasticsearch', version: '7.17.0', docs: 2000 });
    try {
      const info = await call(srv, 'GET', '/');
      assert.equal(info.json.version.number, '7.17.0');
      assert.equal(info.json.version.lucene_version, '8.11.1');
      const r = await search(srv, { size: 1 });
      assert.equal(r.json.hits.hits[0]?._type, '_doc');
      assert.equal((await call(srv, 'POST', '/logs-*/_pit?keep_alive=1m')).status, 200);
      const legacy = await search(srv, { size: 0, aggs: { h: { date_histogram: { field: '@timestamp', interval: '1h' } } } });
      assert.equal(legacy.status, 200);
    } finally {
      await srv.stop();
    }
  });

  it('Elasticsearch 7.9 has no point in time', async () => {
    const srv = await startEsTestServer({ flavor: 'elasticsearch', version: '7.9.3', docs: 100 });
    try {
      const r = await call(srv, 'POST', '/logs-*/_pit?keep_alive=1m');
      assert.equal(r.status, 400);
      assert.match(r.json.error as string, /^no handler found for uri \[\/logs-\*\/_pit\?keep_alive=1m\] and method \[POST\]$/);
      const s = await call(srv, 'POST', '/_search', { pit: { id: 'x' } });
      assert.equal(s.status, 400);
      assert.equal(err(s).type, 'parsing_exception');
    } finally {
      await srv.stop();
    }
  });

  it('OpenSearch 2.11: distribution, point_in_time API, no _shard_doc', async () => {
    const srv = await startEsTestServer({ flavor: 'opensearch', version: '2.11.0', docs: 5000 });
    try {
      const info = await call(srv, 'GET', '/');
      assert.equal(info.json.version.distribution, 'opensearch');
      assert.equal(info.json.version.number, '2.11.0');
      assert.match(info.json.tagline, /OpenSearch/);
      assert.equal(info.headers.get('x-elastic-product'), null);
      assert.equal((await call(srv, 'POST', '/logs-*/_pit?keep_alive=1m')).status, 400, 'Elasticsearch path is not OpenSearch');
      const open = await call(srv, 'POST', '/logs-*/_search/point_in_time?keep_alive=1h');
      assert.equal(open.status, 200);
      const id = open.json.pit_id as string;
      assert.ok(id);
      assert.deepEqual(open.json._shards, { total: 1, successful: 1, skipped: 0, failed: 0 });
      assert.equal(typeof open.json.creation_time, 'number');
      srv.append([{ '@timestamp': new Date().toISOString(), service: 'bridge', level: 'INFO', message: 'late', host: 'server-002', trace_id: '0000000000000000' }]);
      const p = await call(srv, 'POST', '/_search', { pit: { id, keep_alive: '1h' }, size: 3, sort: [{ '@timestamp': 'asc' }], track_total_hits: true });
      assert.equal(p.status, 200);
      assert.equal(p.json.pit_id, id);
      assert.equal(total(p), 5000);
      assert.equal(p.json.hits.hits[0]?.sort?.length, 1, 'no implicit tiebreaker');
      assert.equal(p.json.hits.hits[0]?._type, undefined);
      const sd = await call(srv, 'POST', '/_search', { pit: { id }, size: 3, sort: [{ '@timestamp': 'asc' }, { _shard_doc: 'asc' }] });
      assert.equal(sd.status, 400);
      assert.equal(err(sd).root_cause[0]?.reason, 'No mapping found for [_shard_doc] in order to sort on');
      const del = await call(srv, 'DELETE', '/_search/point_in_time', { pit_id: [id] });
      assert.equal(del.status, 200);
      assert.deepEqual(del.json.pits, [{ successful: true, pit_id: id }]);
      assert.equal((await call(srv, 'DELETE', '/_search/point_in_time', { pit_id: [id] })).status, 404);
      const gone = await call(srv, 'POST', '/_search', { pit: { id }, size: 1 });
      assert.equal(gone.status, 404);
      assert.equal(err(gone).root_cause[0]?.type, 'search_context_missing_exception');
      await call(srv, 'POST', '/logs-*/_search/point_in_time?keep_alive=1m');
      assert.equal(((await call(srv, 'GET', '/_search/point_in_time/_all')).json.pits ?? []).length, 1);
      assert.equal(((await call(srv, 'DELETE', '/_search/point_in_time/_all')).json.pits ?? []).length, 1);
      assert.equal(srv.livePits(), 0);
    } finally {
      await srv.stop();
    }
  });

  it('OpenSearch 1.3: no point in time, typed hits', async () => {
    const srv = await startEsTestServer({ flavor: 'opensearch', version: '1.3.0', docs: 1000 });
    try {
      assert.equal((await call(srv, 'GET', '/')).json.version.number, '1.3.0');
      const r = await call(srv, 'POST', '/logs-*/_search/point_in_time?keep_alive=1m');
      assert.equal(r.status, 400);
      assert.match(r.json.error as string, /^no handler found for uri/);
      const s = await call(srv, 'POST', '/_search', { pit: { id: 'x' } });
      assert.equal(s.status, 400);
      assert.equal((await search(srv, { size: 1 })).json.hits.hits[0]?._type, '_doc');
    } finally {
      await srv.stop();
    }
  });

  it('requires basic auth when asked, answering like each flavour', async () => {
    const es = await startEsTestServer({ flavor: 'elasticsearch', docs: 10, requireAuth: { username: 'elastic', password: 's3cret' } });
    const os = await startEsTestServer({ flavor: 'opensearch', docs: 10, requireAuth: { username: 'admin', password: 'admin' } });
    try {
      const none = await call(es, 'GET', '/_cluster/health');
      assert.equal(none.status, 401);
      assert.equal(err(none).type, 'security_exception');
      assert.equal(err(none).reason, 'missing authentication credentials for REST request [/_cluster/health]');
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm="security"/);
      const wrong = await call(es, 'GET', '/', undefined, { authorization: `Basic ${Buffer.from('elastic:nope').toString('base64')}` });
      assert.equal(wrong.status, 401);
      assert.equal(err(wrong).reason, 'unable to authenticate user [elastic] for REST request [/]');
      assert.equal((await call(es, 'GET', '/', undefined, { authorization: `Basic ${Buffer.from('elastic:s3cret').toString('base64')}` })).status, 200);
      const osNone = await call(os, 'GET', '/');
      assert.equal(osNone.status, 401);
      assert.equal(osNone.text, 'Unauthorized');
      assert.equal((await call(os, 'GET', '/', undefined, { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` })).status, 200);
      assert.deepEqual(es.requestLog.map((r) => r.path), ['/_cluster/health', '/', '/']);
    } finally {
      await es.stop();
      await os.stop();
    }
  });
});
