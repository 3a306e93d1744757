/**
 * JsonNestedArraySplitter must agree with JSON.parse on every input, however the bytes are cut into chunks:
 * the streamed elements put back at the path give JSON.parse's value, nothing streams when there is no array
 * there, and it fails exactly when JSON.parse fails (or when a path key repeats after the streamed array).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonNestedArraySplitter, JsonSyntaxError, type NestedStreamEnd } from './json-array-stream';

const PATH = ['hits', 'hits'];

function stream(bytes: Buffer, cuts: number[], path = PATH): { items: unknown[]; end: NestedStreamEnd } | { error: Error } {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const items: unknown[] = [];
  const splitter = new JsonNestedArraySplitter(path, (batch) => items.push(...batch));
  try {
    let from = 0;
    for (const p of [...points, bytes.length]) {
      if (p > from) splitter.push(bytes.subarray(from, p));
      from = Math.max(from, p);
    }
    return { items, end: splitter.end() };
  } catch (err) {
    return { error: err as Error };
  }
}

/** What the whole-text path gave: undici's body.text() drops a leading byte-order mark, then JSON.parse. */
function expected(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\ufeff/, '')) as unknown };
  } catch {
    return { ok: false };
  }
}

type Outcome = 'streamed' | 'whole' | 'rejected' | 'duplicate';

function check(text: string, cuts: number[], bytes = Buffer.from(text, 'utf8')): Outcome {
  const want = expected(text);
  const got = stream(bytes, cuts);
  if (!want.ok) {
    assert.ok('error' in got, `accepted what JSON.parse rejects: ${JSON.stringify(text).slice(0, 300)}`);
    assert.ok(got.error instanceof JsonSyntaxError, `threw ${got.error.constructor.name}: ${got.error.message}`);
    return 'rejected';
  }
  if ('error' in got) {
    assert.ok(got.error instanceof JsonSyntaxError && got.error.message.startsWith('duplicate key'), `rejected valid JSON ${JSON.stringify(text).slice(0, 300)}: ${got.error.message}`);
    return 'duplicate';
  }
  if (got.end.found) {
    const outer = (got.end.value as Record<string, Record<string, unknown>>).hits!;
    assert.deepEqual(outer.hits, [], 'the array is left out of the envelope');
    assert.equal(got.end.count, got.items.length);
    outer.hits = got.items;
    assert.deepEqual(got.end.value, want.value);
    return 'streamed';
  }
  assert.equal(got.items.length, 0);
  assert.deepEqual(got.end.value, want.value);
  return 'whole';
}

const cuts = fc.array(fc.nat({ max: 2000 }), { maxLength: 12 });
const space = fc.constantFrom('', ' ', '\n  ', '\t', '\r\n');
const keyText = (k: string) => fc.constantFrom(JSON.stringify(k), k === 'hits' ? '"hit\\u0073"' : JSON.stringify(k), k === 'hits' ? '"\\u0068its"' : JSON.stringify(k));

/** An Elasticsearch-like answer with `hits.hits` somewhere among other keys, written with varied spacing and key spellings. */
const esLike = fc
  .record({
    before: fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    innerBefore: fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    items: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
    innerAfter: fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 2 }),
    after: fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    k1: keyText('hits'),
    k2: keyText('hits'),
    sp: space,
  })
  .map(({ before, innerBefore, items, innerAfter, after, k1, k2, sp }) => {
    const skip = (kv: [string, unknown][]) => kv.filter(([k]) => k !== 'hits' && !k.includes('\\'));
    const pairs = (kv: [string, unknown][]) => skip(kv).map(([k, v]) => `${JSON.stringify(k)}${sp}:${sp}${JSON.stringify(v)}`);
    const arr = `[${sp}${items.map((v) => JSON.stringify(v, null, sp.includes('\n') ? 1 : undefined)).join(`${sp},${sp}`)}${sp}]`;
    const inner = `{${[...pairs(innerBefore), `${k2}:${sp}${arr}`, ...pairs(innerAfter)].join(',' + sp)}}`;
    return `${sp}{${sp}${[...pairs(before), `${k1}${sp}:${inner}`, ...pairs(after)].join(`,${sp}`)}${sp}}${sp}`;
  });

test('JsonNestedArraySplitter: Elasticsearch-like answers, cut anywhere, give what JSON.parse gives', () => {
  const seen = new Set<Outcome>();
  fc.assert(
    fc.property(esLike, cuts, (text, c) => {
      seen.add(check(text, c));
    }),
    { numRuns: 1500 },
  );
  assert.ok(seen.has('streamed'));
});

test('JsonNestedArraySplitter: any JSON value (mostly no array at the path) gives what JSON.parse gives', () => {
  fc.assert(
    fc.property(fc.json({ maxDepth: 4 }), space, cuts, (json, sp, c) => {
      check(sp + json + sp, c);
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 3 }), cuts, (v, c) => {
      check(JSON.stringify({ hits: v }), c);
      check(JSON.stringify({ hits: { hits: v } }), c);
    }),
    { numRuns: 500 },
  );
});

test('JsonNestedArraySplitter: damaged answers fail exactly when JSON.parse fails', () => {
  const seen = new Set<Outcome>();
  fc.assert(
    fc.property(esLike, fc.nat(), fc.constantFrom('', '"', '\\', ',', ']', '}', '[', '{', ':', 'x', '\u00e9', ' ', '1'), cuts, (text, at, ins, c) => {
      const p = at % (text.length + 1);
      // Cut short, a character put in, a character taken out.
      seen.add(check(text.slice(0, p), c));
      seen.add(check(text.slice(0, p) + ins + text.slice(p), c));
      seen.add(check(text.slice(0, p) + text.slice(p + 1), c));
    }),
    { numRuns: 1500 },
  );
  assert.ok(seen.has('rejected') && seen.has('streamed'));
});

test('JsonNestedArraySplitter: hits whose text holds "},{" (the fast split must not be fooled), cut anywhere', () => {
  const tricky = fc.constantFrom('},{', '"},{"', '\\"},{\\"', '[{"a":1},{"b":2}]', '}', '{', ',', '\\', ']');
  const hit = fc.record({
    _index: fc.constantFrom('logs-1', 'logs-2'),
    _id: fc.string({ maxLength: 4 }),
    _source: fc.record({ message: fc.array(fc.oneof(tricky, fc.string({ maxLength: 5 })), { maxLength: 4 }).map((a) => a.join('')), nested: fc.array(fc.record({ x: fc.integer(), y: tricky }), { maxLength: 3 }) }),
    sort: fc.tuple(fc.integer(), fc.integer()),
  });
  const seen = new Set<Outcome>();
  fc.assert(
    fc.property(fc.array(hit, { maxLength: 12 }), fc.array(fc.nat({ max: 3000 }), { maxLength: 20 }), fc.boolean(), (hits, c, damage) => {
      let text = JSON.stringify({ took: 1, hits: { total: { value: hits.length }, hits }, aggregations: { a: [{ k: '},{' }, { k: 2 }] } });
      if (damage && text.length > 2) {
        const at = (c[0] ?? 7) % text.length;
        text = text.slice(0, at) + text.slice(at + 1);
      }
      seen.add(check(text, c));
    }),
    { numRuns: 2000 },
  );
  assert.ok(seen.has('streamed') && seen.has('rejected'));
});

test('JsonNestedArraySplitter: cases named', () => {
  const ok = (text: string) => check(text, [1, 5, 9, 17, 30]);
  assert.equal(ok('{"took":1,"hits":{"total":{"value":2},"hits":[{"a":"]"},{"b":"\\"}"}]},"aggregations":{"x":[1]}}'), 'streamed');
  assert.equal(ok('\ufeff{"hits":{"hits":[]}}'), 'streamed');
  assert.equal(ok('{"hits":{"hits":5}}'), 'whole');
  assert.equal(ok('[{"hits":{"hits":[1]}}]'), 'whole');
  assert.equal(ok('{"x":{"hits":{"hits":[1]}}}'), 'whole');
  // The first "hits" has no array; JSON.parse keeps the last, which streams.
  assert.equal(ok('{"hits":{"total":1},"hits":{"hits":[1,2]}}'), 'streamed');
  assert.equal(ok('{"hits":{"hits":[1],"hits":[2]}}'), 'duplicate');
  assert.equal(ok('{"hits":{"hits":[1]},"hits":{}}'), 'duplicate');
  for (const bad of ['{"hits":{"hits":[1,]}}', '{"hits":{"hits":[,1]}}', '{"hits":{"hits":[1}}}', '{"hits":{"hits":[1]}', '{"hits":{"hits":[1]}}}', '', '\u00ef{}']) {
    assert.equal(ok(bad), 'rejected', bad);
  }
  // A byte-order mark cut short is not one.
  const cut = Buffer.from([0xef, 0xbb, 0x7b, 0x7d]);
  assert.equal(check(cut.toString('utf8'), [1], cut), 'rejected');
});
