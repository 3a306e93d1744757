/**
 * Property-based fuzzing (fast-check) of every parser of backend answers: Prometheus (parseVector,
 * parseMatrix), Alertmanager (parseAlerts, parseSilences), Elasticsearch (parseInfo, parseClusterHealth,
 * parseSearchResponse, aggregations, error bodies) and the HTTP layer's JSON / error handling (through a
 * real local HTTP server). Inputs: arbitrary JSON, hostile values, and valid answers with random edits.
 * Property: the parser returns a well-formed value or throws the module's documented error
 * (SourceError kind 'parse' / 'http' / 'auth') with a clear, bounded message — never anything else.
 *
 * FUZZ_RUNS (default 1000) cases per property; FUZZ_RUNS=10000 for the full run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { parseMatrix, parseVector } from '../../main/clients/prometheus';
import { parseAlerts, parseSilences } from '../../main/clients/alertmanager';
import { SourceError, errorTextFromBody } from '../../main/clients/source-error';
import { createHttpClient, type HttpClient } from '../../main/clients/http';
import * as es from '../../main/clients/elasticsearch';
import { FUZZ_RUNS, anyJson, deepJson, fuzzParams, hostileLeaf, mutated } from './fuzz-support';
import type { Json } from './fuzz-support';


const counts: Record<string, number> = {};

/** Runs `parse` and checks the outcome: a value passing `check`, or a parse SourceError with a clear message. */
function expectParseOutcome<T>(name: string, parse: () => T, check: (v: T) => void): void {
  counts[name] = (counts[name] ?? 0) + 1;
  let value: T;
  try {
    value = parse();
  } catch (err) {
    assert.ok(err instanceof SourceError, `${name} threw ${(err as Error)?.constructor?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
    assert.equal(err.kind, 'parse');
    assert.match(err.message, /^unexpected .+: .+/);
    assert.ok(err.message.length < 4000, `${name}: message of ${err.message.length} chars`);
    return;
  }
  check(value);
}

const labels = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), hostileLeaf.filter((v): v is string => typeof v === 'string')), { maxKeys: 4 });
const sampleValue = fc.tuple(fc.double({ noNaN: true }), fc.oneof(fc.constantFrom('NaN', '+Inf', '-Inf', '1', '0.5', '1e400', ''), fc.string({ maxLength: 6 })));
const validVector = fc.record({
  status: fc.constant('success'),
  data: fc.record({ resultType: fc.constant('vector'), result: fc.array(fc.record({ metric: labels, value: sampleValue }), { maxLength: 5 }) }),
}) as fc.Arbitrary<Json>;
const validMatrix = fc.record({
  status: fc.constant('success'),
  data: fc.record({ resultType: fc.constant('matrix'), result: fc.array(fc.record({ metric: labels, values: fc.array(sampleValue, { maxLength: 5 }) }), { maxLength: 4 }) }),
}) as fc.Arbitrary<Json>;

const iso = fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true }).map((d) => d.toISOString());
const validAlert = fc.record({
  labels,
  annotations: labels,
  receivers: fc.array(fc.record({ name: fc.string({ maxLength: 8 }) }), { maxLength: 2 }),
  fingerprint: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 }),
  startsAt: iso,
  updatedAt: iso,
  endsAt: iso,
  generatorURL: fc.oneof(fc.webUrl(), fc.constant('javascript:window.__pwned=1')),
  status: fc.record({
    state: fc.constantFrom('unprocessed', 'active', 'suppressed'),
    silencedBy: fc.oneof(fc.constant(null), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
    inhibitedBy: fc.oneof(fc.constant(null), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
  }),
});
const validAlerts = fc.array(validAlert, { maxLength: 4 }) as fc.Arbitrary<Json>;
const validSilences = fc.array(
  fc.record({
    id: fc.uuid(),
    matchers: fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), value: fc.string({ maxLength: 8 }), isRegex: fc.boolean(), isEqual: fc.boolean() }), { maxLength: 3 }),
    startsAt: iso,
    endsAt: iso,
    updatedAt: iso,
    createdBy: fc.string({ maxLength: 10 }),
    comment: fc.string({ maxLength: 30 }),
    status: fc.record({ state: fc.constantFrom('expired', 'active', 'pending') }),
  }),
  { maxLength: 3 },
) as fc.Arbitrary<Json>;

const validSearch = fc.record({
  took: fc.nat(),
  timed_out: fc.boolean(),
  _shards: fc.record({ total: fc.nat(10), successful: fc.nat(10), skipped: fc.nat(10), failed: fc.nat(10) }),
  hits: fc.record({
    total: fc.record({ value: fc.nat(), relation: fc.constantFrom('eq', 'gte') }),
    max_score: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
    hits: fc.array(
      fc.record({
        _index: fc.string({ maxLength: 10 }),
        _id: fc.string({ maxLength: 10 }),
        _score: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
        _source: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
        sort: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), { maxLength: 2 }),
      }),
      { maxLength: 4 },
    ),
  }),
  aggregations: fc.record({
    histo: fc.record({ buckets: fc.array(fc.record({ key: fc.integer(), key_as_string: iso, doc_count: fc.nat() }), { maxLength: 4 }) }),
    terms: fc.record({ doc_count_error_upper_bound: fc.nat(), sum_other_doc_count: fc.nat(), buckets: fc.array(fc.record({ key: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), doc_count: fc.nat() }), { maxLength: 4 }) }),
  }),
}) as fc.Arbitrary<Json>;

const answer = (valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> => fc.oneof({ weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: valid }, { weight: 3, arbitrary: mutated(valid) });

test('Prometheus parseVector / parseMatrix: a value or a parse SourceError', () => {
  fc.assert(
    fc.property(answer(validVector), answer(validMatrix), (v, m) => {
      expectParseOutcome('parseVector', () => parseVector(v), (r) => {
        assert.ok(Array.isArray(r));
        for (const s of r) assert.equal(typeof s.value, 'number');
      });
      expectParseOutcome('parseMatrix', () => parseMatrix(m), (r) => {
        assert.ok(Array.isArray(r));
        for (const s of r) for (const [t, x] of s.points) assert.ok(typeof t === 'number' && typeof x === 'number');
      });
    }),
    fuzzParams(),
  );
});

test('Alertmanager parseAlerts / parseSilences: a value or a parse SourceError', () => {
  fc.assert(
    fc.property(answer(validAlerts), answer(validSilences), (a, s) => {
      expectParseOutcome('parseAlerts', () => parseAlerts(a), (r) => {
        for (const x of r) {
          assert.ok(x.fingerprint.length > 0);
          assert.ok(Array.isArray(x.status.silencedBy) && Array.isArray(x.status.inhibitedBy));
          for (const v of Object.values(x.labels)) assert.equal(typeof v, 'string');
        }
      });
      expectParseOutcome('parseSilences', () => parseSilences(s), (r) => {
        for (const x of r) assert.ok(Array.isArray(x.matchers));
      });
    }),
    fuzzParams(),
  );
});

test('Elasticsearch parseSearchResponse, aggregations, parseInfo, parseClusterHealth: a value or a parse SourceError', () => {
  fc.assert(
    fc.property(answer(validSearch), anyJson, anyJson, (s, info, health) => {
      expectParseOutcome('parseSearchResponse', () => es.parseSearchResponse(s), (r) => {
        assert.ok(Array.isArray(r.hits));
        expectParseOutcome('parseDateHistogramAgg', () => es.parseDateHistogramAgg(r, 'histo'), (b) => assert.ok(Array.isArray(b)));
        expectParseOutcome('parseTermsAgg', () => es.parseTermsAgg(r, 'terms'), (t) => assert.ok(Array.isArray(t.buckets)));
      });
      expectParseOutcome('parseInfo', () => es.parseInfo(info), (r) => assert.ok(r.flavor === 'elasticsearch' || r.flavor === 'opensearch'));
      expectParseOutcome('parseClusterHealth', () => es.parseClusterHealth(health), (r) => assert.ok(typeof r.status === 'string'));
    }),
    fuzzParams(),
  );
});

test('error bodies (Prometheus/Alertmanager/Elasticsearch): always a string, never a throw, bounded for non-JSON', () => {
  const body = fc.oneof(
    fc.string({ maxLength: 300 }),
    anyJson.map((j) => JSON.stringify(j)),
    mutated(fc.constant({ error: { type: 'search_phase_execution_exception', reason: 'all shards failed', root_cause: [{ type: 'query_shard_exception', reason: 'x' }], caused_by: { type: 'a', reason: 'b', caused_by: { type: 'c' } } }, status: 400 } as Json)).map((j) => JSON.stringify(j)),
    fc.nat(5).map((n) => '<html>'.repeat(10 ** n)),
  );
  fc.assert(
    fc.property(body, fc.integer({ min: 400, max: 599 }), (b, status) => {
      counts.errorTextFromBody = (counts.errorTextFromBody ?? 0) + 1;
      const t = errorTextFromBody(b);
      assert.equal(typeof t, 'string');
      const e = es.esErrorText(b);
      assert.equal(typeof e, 'string');
      assert.ok(e.length <= 2001 || JSON.parse(b.trim())?.error !== undefined || typeof JSON.parse(b.trim())?.message === 'string');
      const err = es.esSourceError(status, b);
      assert.ok(err instanceof SourceError && (err.kind === 'http' || err.kind === 'auth'));
      assert.ok(err.message.startsWith(`HTTP ${status}: `));
    }),
    fuzzParams(),
  );
  // Deeply nested and huge bodies.
  for (const b of [deepJson(100_000), `{"error":${deepJson(50_000)}}`, 'x'.repeat(5_000_000)]) {
    assert.equal(typeof errorTextFromBody(b), 'string');
    assert.ok(errorTextFromBody(b).length <= 2001);
  }
  for (const b of [deepJson(100_000), 'x'.repeat(5_000_000)]) assert.ok(es.esErrorText(b).length <= 2001);
});

test('Elasticsearch error body whose "error" is deeply nested JSON', () => {
  const text = es.esErrorText(`{"error":${deepJson(50_000)}}`);
  assert.equal(typeof text, 'string');
  assert.ok(text.length > 0 && text.length <= 2001);
});

// ---------------------------------------------------------------------------------------------
// The HTTP layer over a real socket: any status, any body, any content type

let server: Server;
let client: HttpClient;
let next: { status: number; body: string; contentType: string } = { status: 200, body: '{}', contentType: 'application/json' };

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': next.contentType });
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  client = createHttpClient({ name: 'fuzz', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, undefined, 5000);
});

after(async () => {
  await client?.close();
  await new Promise<void>((r) => server?.close(() => r()));
  console.log(`fuzz cases per parser (FUZZ_RUNS=${FUZZ_RUNS}): ${JSON.stringify(counts)}`);
});

test('HttpClient.json over HTTP: the parsed answer, or a SourceError with the status and the server text', async () => {
  const body = fc.oneof(
    anyJson.map((j) => JSON.stringify(j)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '<html><body><h1>502 Bad Gateway</h1></body></html>', '{"status":"success","data":{"resu', deepJson(1_000), '\u0000\u0001binary'),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(200, 200, 200, 204, 301, 400, 401, 403, 404, 422, 429, 500, 502, 503, 504), body, fc.constantFrom('application/json', 'text/html', 'text/plain'), async (status, b, ct) => {
      counts['http.json'] = (counts['http.json'] ?? 0) + 1;
      next = { status, body: status === 204 ? '' : b, contentType: ct };
      try {
        const v = await client.json({ path: '/api/v1/query' });
        assert.ok(status < 400, `status ${status} must not parse as success`);
        assert.deepEqual(v, JSON.parse(next.body));
      } catch (err) {
        assert.ok(err instanceof SourceError, `threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
        if (status === 401 || status === 403) assert.equal(err.kind, 'auth');
        else if (status >= 400) assert.equal(err.kind, 'http');
        else assert.equal(err.kind, 'parse');
        if (status >= 400) assert.ok(err.message.startsWith(`HTTP ${status}: `), err.message.slice(0, 80));
        else assert.match(err.message, /^invalid JSON from server \(/);
        assert.equal(err.status, status);
      }
    }),
    fuzzParams(),
  );
  // 100 000 levels of nesting: JSON.parse copes, so the client must too.
  next = { status: 200, body: deepJson(100_000), contentType: 'application/json' };
  assert.ok(Array.isArray(await client.json({ path: '/deep' })));
});

test('HttpClient.jsonArray over HTTP (streamed): the same elements or value as json(), or the same kind of SourceError', async () => {
  const body = fc.oneof(
    fc.array(anyJson, { maxLength: 6 }).map((a) => JSON.stringify(a)),
    anyJson.map((j) => JSON.stringify(j)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '[', '[1,', '[1,]', '[{"a":1}', '<html><body><h1>502 Bad Gateway</h1></body></html>', '\u0000\u0001binary'),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(200, 200, 200, 200, 204, 400, 401, 403, 500, 502), body, async (status, b) => {
      counts['http.jsonArray'] = (counts['http.jsonArray'] ?? 0) + 1;
      next = { status, body: status === 204 ? '' : b, contentType: 'application/json' };
      let whole: { ok: true; value: unknown } | { ok: false; err: SourceError };
      try {
        whole = { ok: true, value: await client.json({ path: '/api/v2/alerts' }) };
      } catch (err) {
        whole = { ok: false, err: err as SourceError };
      }
      const items: unknown[] = [];
      try {
        const end = await client.jsonArray({ path: '/api/v2/alerts' }, (batch) => items.push(...batch));
        assert.ok(whole.ok, `streamed accepted what json() rejected (${status}): ${next.body.slice(0, 80)}`);
        if (Array.isArray(whole.value)) {
          assert.deepEqual(end, { kind: 'array', count: whole.value.length });
          assert.deepEqual(items, whole.value);
        } else assert.deepEqual(end, { kind: 'other', value: whole.value });
      } catch (err) {
        assert.ok(err instanceof SourceError, `threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
        assert.ok(!whole.ok, `streamed rejected what json() accepted: ${err.message}`);
        assert.equal(err.kind, whole.err.kind);
        assert.equal(err.status, status);
        if (status >= 400) assert.equal(err.message, whole.err.message);
        else assert.match(err.message, /^invalid JSON from server \(/);
      }
    }),
    fuzzParams(),
  );
  // A big answer arrives in many chunks and every element is handed on once, in order.
  const big = Array.from({ length: 20_000 }, (_, i) => ({ fingerprint: `fp${i}`, labels: { alertname: 'A', instance: `h${i}` }, note: 'ü'.repeat(i % 7) }));
  next = { status: 200, body: JSON.stringify(big), contentType: 'application/json' };
  let batches = 0;
  const got: unknown[] = [];
  await client.jsonArray({ path: '/big' }, (batch) => {
    batches++;
    got.push(...batch);
  });
  assert.deepEqual(got, big);
  assert.ok(batches > 1, `handed on in ${batches} batches`);
});
