/**
 * The sparklines read a range answer series by series from its text (eachMatrixSeries) instead of parsing it
 * whole: whenever that reading succeeds it must give exactly the series of the whole-text path
 * (JSON.parse + matrixResult), and it must never succeed where that path fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eachMatrixSeries, matrixResult, PrometheusClient, type SamplePair } from './prometheus';
import type { HttpClient } from './http';

type Series = { metric: Record<string, string>; values: SamplePair[] };

function read(text: string): { outcome: string; series: Series[] } {
  const series: Series[] = [];
  const outcome = eachMatrixSeries(text, (metric, values) => series.push({ metric, values: [...values] }));
  return { outcome, series };
}

function whole(text: string): Series[] | undefined {
  try {
    return matrixResult(JSON.parse(text)).map((r) => ({ metric: r.metric, values: [...r.values] }));
  } catch {
    return undefined;
  }
}

const label = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'é', '😀', '\n', 'x') , maxLength: 8 });
const seriesArb = fc.record({
  metric: fc.dictionary(fc.constantFrom('instance', 'job', 'cpu', 'mode', '__name__', 'result', 'data'), label, { maxKeys: 4 }),
  values: fc.array(fc.tuple(fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('NaN', '+Inf', '-Inf', '1e-7'))), { maxLength: 5 }),
});
const answerArb = fc.record({
  series: fc.array(seriesArb, { maxLength: 6 }),
  indent: fc.constantFrom(0, 1, 2),
  before: fc.boolean(),
  after: fc.boolean(),
});

function render(a: { series: Series[]; indent: number; before: boolean; after: boolean }): string {
  const body: Record<string, unknown> = {};
  if (a.before) body.isPartial = false;
  body.status = 'success';
  body.data = { resultType: 'matrix', result: a.series };
  if (a.after) body.warnings = ['"result":[ is only text here'];
  return JSON.stringify(body, null, a.indent);
}

test('series read one at a time are the series of the whole answer', () => {
  fc.assert(
    fc.property(answerArb, (a) => {
      const text = render(a);
      const got = read(text);
      assert.equal(got.outcome, 'done');
      assert.deepEqual(got.series, whole(text));
    }),
    { numRuns: 300 },
  );
});

test('a damaged answer is never read as something the whole-text path would not give', () => {
  fc.assert(
    fc.property(answerArb, fc.nat(), fc.constantFrom('cut', 'drop', 'comma', 'brace', 'quote'), (a, at, how) => {
      const text = render(a);
      const i = at % (text.length + 1);
      const damaged =
        how === 'cut' ? text.slice(0, i) : how === 'drop' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + { comma: ',', brace: '}', quote: '"' }[how] + text.slice(i);
      const got = read(damaged);
      const expected = whole(damaged);
      if (got.outcome === 'done') assert.deepEqual(got.series, expected);
      else if (got.outcome === 'unread') assert.equal(got.series.length, 0);
    }),
    { numRuns: 1000 },
  );
});

test('answers that are not a successful matrix are left to the whole-text path', () => {
  for (const text of [
    '[]',
    '{"status":"error","errorType":"bad_data","error":"parse error"}',
    '{"status":"success","data":{"resultType":"vector","result":[]}}',
    '{"status":"success","data":{"resultType":"matrix","result":[1,2]}}',
    '{"status":"success","data":{"resultType":"matrix","result":[{},,{}]}}',
    '{"status":"success","data":{"resultType":"matrix","result":[{}{}]}}',
    '{"status":"success","data":{"resultType":"matrix","res\\u0075lt":[]}}',
  ]) {
    const got = read(text);
    assert.equal(got.outcome, 'unread', text);
    assert.equal(got.series.length, 0);
  }
  const bad = read('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"2"]]},{"metric":{"a":1},"values":[]}]}}');
  assert.equal(bad.outcome, 'malformed');
  assert.deepEqual(bad.series, [{ metric: {}, values: [[1, '2']] }]);
  assert.equal(read('{"status":"success","data":{"resultType":"matrix","result":[]}}').outcome, 'done');
});

test('queryRangeEach: an unusual answer is asked again and read whole; a malformed one fails with a parse error', async () => {
  const answers: string[] = [];
  let asked = 0;
  const http = {
    ok: async () => ({ status: 200, text: answers[asked++]!, bytes: 0, latencyMs: 0 }),
    json: async () => JSON.parse(answers[asked++]!) as unknown,
  } as unknown as HttpClient;
  const client = new PrometheusClient(http);
  const got: string[] = [];
  const collect = (metric: Record<string, string>, values: readonly SamplePair[]): void => void got.push(`${metric.instance}:${values.length}`);
  // Escaped key: not found by the scan, so read whole (a second request).
  const escaped = '{"status":"success","data":{"resultType":"matrix","res\\u0075lt":[{"metric":{"instance":"a"},"values":[[1,"2"]]}]}}';
  answers.push(escaped, escaped);
  await client.queryRangeEach('up', 0, 1, 1, collect);
  assert.deepEqual(got, ['a:1']);
  assert.equal(asked, 2);
  // The usual shape: one request.
  answers.push('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"b"},"values":[[1,"2"],[2,"3"]]}]}}');
  await client.queryRangeEach('up', 0, 1, 1, collect);
  assert.deepEqual(got, ['a:1', 'b:2']);
  assert.equal(asked, 3);
  // A malformed series: the schema's error naming the field.
  const malformed = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"c"},"values":[[1,2]]}]}}';
  answers.push(malformed, malformed);
  await assert.rejects(client.queryRangeEach('up', 0, 1, 1, collect), /unexpected Prometheus matrix answer/);
});
