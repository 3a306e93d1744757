/**
 * The sparklines read a range answer series by series as it streams in (queryRangeEach) instead of parsing it
 * whole: however the bytes are cut into chunks it must hand on exactly the series of the whole-text path
 * (JSON.parse + matrixResult) and end the same way (done, invalid JSON or a schema error); on a failure it may
 * have handed on the series before the damage, never others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { matrixResult, PrometheusClient, type SamplePair } from './prometheus';
import { createHttpClient, type HttpClient, type HttpRequest } from './http';
import { JsonSyntaxError, type JsonStreamReader } from './json-array-stream';
import { SourceError } from './source-error';

type Series = { metric: Record<string, string>; values: SamplePair[] };
type Outcome = 'done' | 'invalid-json' | 'schema';
type Read = { outcome: Outcome; series: Series[] };

/** What the whole-text path gives: undici's body.text() (UTF-8, a leading byte-order mark dropped), JSON.parse, matrixResult. */
function whole(bytes: Uint8Array): Read {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return { outcome: 'invalid-json', series: [] };
  }
  try {
    return { outcome: 'done', series: matrixResult(raw).map((r) => ({ metric: r.metric, values: [...r.values] })) };
  } catch {
    return { outcome: 'schema', series: [] };
  }
}

/** An HttpClient whose answer is `bytes` cut at `cuts`; JsonSyntaxError is left as is (the real client wraps it). */
function chunkedHttp(bytes: Uint8Array, cuts: number[]): HttpClient {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return {
    jsonStream: async <T>(_req: HttpRequest, reader: JsonStreamReader<T>): Promise<T> => {
      let from = 0;
      for (const p of [...points, bytes.length]) {
        if (p > from) reader.push(bytes.subarray(from, p));
        from = Math.max(from, p);
      }
      return reader.end();
    },
  } as unknown as HttpClient;
}

async function streamed(bytes: Uint8Array, cuts: number[]): Promise<Read> {
  const series: Series[] = [];
  try {
    await new PrometheusClient(chunkedHttp(bytes, cuts)).queryRangeEach('up', 0, 1, 1, (metric, values) => void series.push({ metric, values: [...values] }));
    return { outcome: 'done', series };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { outcome: 'invalid-json', series };
    if (err instanceof SourceError && err.kind === 'parse' && err.message.startsWith('unexpected Prometheus matrix answer')) return { outcome: 'schema', series };
    throw err;
  }
}

const label = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é', '日', '😀', '\n', 'x'), maxLength: 8 });
const seriesArb = fc.record({
  metric: fc.dictionary(fc.constantFrom('instance', 'job', 'cpu', 'mode', '__name__', 'result', 'data'), label, { maxKeys: 4 }),
  values: fc.array(
    fc.tuple(fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('NaN', '+Inf', '-Inf', '1e-7'))),
    { maxLength: 5 },
  ),
});
const answerArb = fc.record({
  series: fc.array(seriesArb, { maxLength: 6 }),
  indent: fc.constantFrom(0, 1, 2),
  /** A key before "status": not the usual shape, read whole. */
  before: fc.boolean(),
  after: fc.boolean(),
});
type Answer = { series: unknown[]; indent: number; before: boolean; after: boolean };

function render(a: Answer): string {
  const body: Record<string, unknown> = {};
  if (a.before) body.isPartial = false;
  body.status = 'success';
  body.data = { resultType: 'matrix', result: a.series };
  if (a.after) body.warnings = ['"result":[ is only text here ]}'];
  return JSON.stringify(body, null, a.indent);
}

const cuts = fc.array(fc.nat({ max: 4000 }), { maxLength: 20 });

test('queryRangeEach: series streamed from chunks cut at any byte are those of the whole answer', async () => {
  await fc.assert(
    fc.asyncProperty(answerArb, cuts, async (a, c) => {
      const bytes = Buffer.from(render(a));
      const want = whole(bytes);
      assert.equal(want.outcome, 'done');
      assert.deepEqual(await streamed(bytes, c), want);
    }),
    { numRuns: 500 },
  );
});

/** Series that are valid JSON but not a series; each fails the schema. */
const brokenSeries = fc.constantFrom<unknown>(
  { metric: { instance: 1 }, values: [] },
  { metric: {}, values: [[1, 2]] },
  { metric: {}, values: [[1, '2', 3]] },
  { metric: {} },
  { values: [] },
  [],
  7,
  null,
);

test('queryRangeEach: a damaged answer ends as the whole-text path ends, having handed on only series before the damage', async () => {
  let failed = 0;
  await fc.assert(
    fc.asyncProperty(
      answerArb,
      fc.nat(),
      fc.constantFrom('cut', 'drop', 'comma', 'brace', 'bracket', 'quote', 'garbage', 'series'),
      brokenSeries,
      cuts,
      async (a, at, how, broken, c) => {
        const good = Buffer.from(render(a));
        const i = at % (good.length + 1);
        const insert = (s: string): Buffer => Buffer.concat([good.subarray(0, i), Buffer.from(s), good.subarray(i)]);
        let damaged: Buffer;
        if (how === 'cut') damaged = good.subarray(0, i);
        else if (how === 'drop') damaged = Buffer.concat([good.subarray(0, i), good.subarray(i + 1)]);
        else if (how === 'garbage') damaged = Buffer.concat([good, Buffer.from(at % 2 ? 'x' : ']')]);
        else if (how === 'series') {
          const series = [...a.series] as unknown[];
          series.splice(at % (series.length + 1), 0, broken);
          damaged = Buffer.from(render({ ...a, series }));
        } else damaged = insert({ comma: ',', brace: '}', bracket: ']', quote: '"' }[how]);
        const want = whole(damaged);
        const got = await streamed(damaged, c);
        if (want.outcome === 'done') {
          assert.deepEqual(got, want);
          return;
        }
        failed++;
        assert.equal(got.outcome, want.outcome);
        // Whatever was handed on before the failure is the start of the undamaged answer's series.
        assert.deepEqual(got.series, whole(good).series.slice(0, got.series.length));
      },
    ),
    { numRuns: 2000 },
  );
  assert.ok(failed > 500, `${failed} damaged answers failed`);
});

test('queryRangeEach: answers not of the usual shape are read whole, with the errors every answer gets', async () => {
  const errorOf = async (text: string): Promise<Read> => streamed(Buffer.from(text), [3, 17, 40]);
  // Other key order, escaped key, byte-order mark: valid answers, their series.
  for (const text of [
    '{"data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},"values":[[1,"2"]]}]},"status":"success"}',
    '{"status":"success","data":{"resultType":"matrix","res\\u0075lt":[{"metric":{"instance":"a"},"values":[[1,"2"]]}]}}',
    '\ufeff{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},"values":[[1,"2"]]}]}}',
    ' {\n "status" : "success" ,"data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},"values":[[1,"2"]]}]}}\n',
  ]) {
    assert.deepEqual(await errorOf(text), { outcome: 'done', series: [{ metric: { instance: 'a' }, values: [[1, '2']] }] }, text);
  }
  for (const [text, outcome] of [
    ['[]', 'schema'],
    ['{"status":"error","errorType":"bad_data","error":"parse error"}', 'schema'],
    ['{"status":"success","data":{"resultType":"vector","result":[]}}', 'schema'],
    ['{"status":"success","data":{"resultType":"matrix","result":[1,2]}}', 'schema'],
    ['{"status":"success","data":{"resultType":"matrix","result":[{},,{}]}}', 'invalid-json'],
    ['{"status":"success","data":{"resultType":"matrix","result":[{}{}]}}', 'invalid-json'],
    ['{"status":"success","data":{"resultType":"matrix","result":[]}},"status":"error"}', 'invalid-json'],
    ['{"status":"success","data":{"resultType":"matrix","result":[]},"status":"error"}', 'schema'],
    ['{"status":"success","data":{"resultType":"matrix","result":[]}} x', 'invalid-json'],
    ['{"status":"succ', 'invalid-json'],
    ['<html>bad gateway</html>', 'invalid-json'],
    ['', 'invalid-json'],
  ] as const) {
    assert.deepEqual(await errorOf(text), { outcome, series: [] }, text);
  }
  assert.deepEqual(await errorOf('{"status":"success","data":{"resultType":"matrix","result":[]}}'), { outcome: 'done', series: [] });
});

test('queryRangeEach: a malformed series after others were handed on fails with the parse error', async () => {
  const got: string[] = [];
  const text = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},"values":[[1,"2"]]},{"metric":{"instance":"c"},"values":[[1,2]]}]}}';
  const client = new PrometheusClient(chunkedHttp(Buffer.from(text), [80]));
  await assert.rejects(
    client.queryRangeEach('up', 0, 1, 1, (metric) => void got.push(metric.instance!)),
    (err: unknown) => err instanceof SourceError && err.kind === 'parse' && err.message === 'unexpected Prometheus matrix answer: a series is malformed',
  );
  assert.deepEqual(got, ['a']);
});

/** A Prometheus stand-in on 127.0.0.1 whose range answer is written by `answer`. */
async function withServer(answer: (res: ServerResponse) => unknown, run: (client: PrometheusClient) => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const http = createHttpClient({ name: 'prom', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs });
  try {
    await run(new PrometheusClient(http));
  } finally {
    await http.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seriesText = (i: number): string => JSON.stringify({ metric: { instance: `server-${i}`, note: 'ünï "q" \\ 😀' }, values: [[1_700_000_000 + i, String(i / 7)]] });
const PREFIX = '{"status":"success","data":{"resultType":"matrix","result":[';

test('queryRangeEach over HTTP: series are handed on while the answer is still arriving', async () => {
  const count = 40;
  let firstSeen!: () => void;
  const seen = new Promise<void>((resolve) => (firstSeen = resolve));
  let restSent = false;
  const got: string[] = [];
  let restSentAtFirst: boolean | undefined;
  await withServer(
    async (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(PREFIX + seriesText(0) + ',');
      // The rest only once the client has the first series (or after 4 s, so that a reader that waits for
      // the whole answer fails the assertion below instead of hanging).
      await Promise.race([seen, pause(4_000)]);
      const rest = Buffer.from(Array.from({ length: count - 1 }, (_, i) => seriesText(i + 1)).join(',') + '],"warnings":["w"]}}');
      // Small chunks with pauses, cut anywhere (inside multi-byte characters and escapes too).
      for (let at = 0; at < rest.length; at += 97) {
        res.write(rest.subarray(at, at + 97));
        if (at % 5 === 0) await pause(1);
      }
      restSent = true;
      res.end();
    },
    async (client) => {
      await client.queryRangeEach('up', 0, 1, 1, (metric) => {
        if (got.length === 0) {
          restSentAtFirst = restSent;
          firstSeen();
        }
        got.push(metric.instance!);
      });
    },
  );
  assert.equal(restSentAtFirst, false, 'the first series was handed on before the server sent the rest');
  assert.deepEqual(
    got,
    Array.from({ length: count }, (_, i) => `server-${i}`),
  );
});

test('queryRangeEach over HTTP: refusals, bad answers, cancellation and timeouts', async () => {
  const kindOf = async (answer: (res: ServerResponse) => unknown, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<SourceError> => {
    let caught: unknown;
    await withServer(
      answer,
      async (client) => {
        await client.queryRangeEach('up', 0, 1, 1, () => {}, { signal: opts.signal }).catch((err: unknown) => (caught = err));
      },
      opts.timeoutMs,
    );
    assert.ok(caught instanceof SourceError, `expected a SourceError, got ${String(caught)}`);
    return caught;
  };
  const refused = await kindOf((res) => res.writeHead(422, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"bad_data","error":"1:5: parse error"}'));
  assert.equal(refused.kind, 'http');
  assert.equal(refused.status, 422);
  assert.match(refused.message, /bad_data: 1:5: parse error/);

  const notJson = await kindOf((res) => res.writeHead(200).end('<html>oops</html>'));
  assert.equal(notJson.kind, 'parse');
  assert.match(notJson.message, /^invalid JSON from server \(.+\): <html>oops<\/html>/);

  const vector = await kindOf((res) => res.writeHead(200).end('{"status":"success","data":{"resultType":"vector","result":[]}}'));
  assert.equal(vector.kind, 'parse');
  assert.match(vector.message, /^unexpected Prometheus matrix answer: .*resultType/);

  const truncated = await kindOf((res) => res.writeHead(200).end(PREFIX + seriesText(0) + ',' + seriesText(1).slice(0, 20)));
  assert.equal(truncated.kind, 'parse');
  assert.match(truncated.message, /^invalid JSON from server \(Unexpected end of JSON input/);

  // The server sends one series and then nothing: cancelled by the caller, or timed out.
  const stall = (res: ServerResponse): void => void res.writeHead(200).write(PREFIX + seriesText(0) + ',');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  assert.equal((await kindOf(stall, { signal: controller.signal })).kind, 'aborted');
  assert.equal((await kindOf(stall, { timeoutMs: 300 })).kind, 'timeout');
});
