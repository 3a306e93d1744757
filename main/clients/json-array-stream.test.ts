/**
 * The streaming splitter must agree with JSON.parse on every input, however the bytes are cut into chunks:
 * the same elements for an array, the same value for anything else, and an error exactly when JSON.parse fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EnvelopedArrayReader, JsonArraySplitter, JsonSyntaxError, type JsonStreamReader } from './json-array-stream';

/** Feeds `text` to the reader `make` builds, cut at `cuts` (byte offsets); returns the items and the end, or the error. */
function feed<T>(text: string, cuts: number[], make: (onItems: (items: unknown[]) => void) => JsonStreamReader<T>): { items: unknown[]; end: T } | { error: Error } {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const items: unknown[] = [];
  const reader = make((batch) => items.push(...batch));
  try {
    let from = 0;
    for (const p of [...points, bytes.length]) {
      if (p > from) reader.push(bytes.subarray(from, p));
      from = Math.max(from, p);
    }
    return { items, end: reader.end() };
  } catch (err) {
    return { error: err as Error };
  }
}

const stream = (text: string, cuts: number[]) => feed(text, cuts, (onItems) => new JsonArraySplitter(onItems));

/** What the whole-text path gave: undici's body.text() drops a leading byte-order mark, then JSON.parse. */
function expected(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\ufeff/, '')) as unknown };
  } catch {
    return { ok: false };
  }
}

function check(text: string, cuts: number[]): 'accepted' | 'rejected' {
  const want = expected(text);
  const got = stream(text, cuts);
  if (!want.ok) {
    assert.ok('error' in got, `accepted what JSON.parse rejects: ${JSON.stringify(text)}`);
    assert.ok(got.error instanceof JsonSyntaxError, `threw ${got.error.constructor.name}: ${got.error.message}`);
    return 'rejected';
  }
  assert.ok(!('error' in got), `rejected valid JSON ${JSON.stringify(text)}: ${'error' in got ? got.error.message : ''}`);
  if (Array.isArray(want.value)) {
    assert.deepEqual(got.end, { kind: 'array', count: want.value.length });
    assert.deepEqual(got.items, want.value);
  } else {
    assert.deepEqual(got.end, { kind: 'other', value: want.value });
    assert.equal(got.items.length, 0);
  }
  return 'accepted';
}

const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 12 });

test('JsonArraySplitter: any JSON value, cut anywhere, gives what JSON.parse gives', () => {
  const spaced = fc.tuple(fc.json({ maxDepth: 4 }), fc.constantFrom('', ' ', '\n  ', '\t'));
  fc.assert(
    fc.property(fc.oneof(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }).map((a) => JSON.stringify(a, null, a.length % 2 ? 1 : 0)), spaced.map(([j, ws]) => ws + j + ws)), cuts, (text, c) => {
      assert.equal(check(text, c), 'accepted');
    }),
    { numRuns: 2000 },
  );
});

test('JsonArraySplitter: near-JSON garbage is rejected exactly when JSON.parse rejects it', () => {
  const alphabet = fc.constantFrom('[', ']', '{', '}', ',', ':', '"', '\\', ' ', '1', 'a', 'é', 'null', '"k"', '[1', '{"a":', '\u0001');
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 14 }).map((parts) => parts.join('')), cuts, (text, c) => {
      if (check(text, c) === 'accepted') accepted++;
      else rejected++;
    }),
    { numRuns: 5000 },
  );
  // Mutations of valid arrays: one byte dropped or doubled.
  fc.assert(
    fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 5 }), fc.nat(), fc.boolean(), cuts, (arr, at, dup, c) => {
      const text = JSON.stringify(arr);
      const i = at % text.length;
      const mutated = dup ? text.slice(0, i + 1) + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
      if (check(mutated, c) === 'accepted') accepted++;
      else rejected++;
    }),
    { numRuns: 3000 },
  );
  assert.ok(accepted > 50 && rejected > 1000, `both sides exercised: ${accepted} accepted, ${rejected} rejected`);
});

test('JsonArraySplitter: the edge cases by name', () => {
  for (const text of ['[]', ' [ ] ', '\ufeff[1]', '[1,]', '[,1]', '[1,,2]', '[', '[1', '[{"a":"]"}]', '[{"a":"\\"],"}]', '[1] x', '[1]]', '[{}}]', '', '   ', '"s"', '{"a":[1]}', 'null', '[1 2]']) {
    for (const c of [[], [1], [2], [3], [1, 2, 3, 4, 5, 6]]) check(text, c);
  }
});

test('JsonArraySplitter: a multi-byte character cut between chunks survives', () => {
  const text = JSON.stringify([{ summary: 'disk full on 日本-1 ✓' }, { summary: 'ünïcödé' }]);
  const bytes = Buffer.from(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const got = stream(text, [cut]);
    assert.ok(!('error' in got));
    assert.deepEqual(got.items, JSON.parse(text));
  }
});

test('JsonArraySplitter: elements are handed on per chunk, not at the end', () => {
  const batches: number[] = [];
  const splitter = new JsonArraySplitter((items) => batches.push(items.length));
  splitter.push(Buffer.from('[{"a":1},{"a":2},{"a'));
  assert.deepEqual(batches, [2]);
  splitter.push(Buffer.from('":3}]'));
  assert.deepEqual(batches, [2, 1]);
  assert.deepEqual(splitter.end(), { kind: 'array', count: 3 });
});

test('JsonArraySplitter: the error names what is wrong and shows the text', () => {
  const got = stream('[{"a":1},{"a":2', []);
  assert.ok('error' in got && got.error instanceof JsonSyntaxError);
  assert.match(got.error.message, /not closed after 1 elements/);
  assert.equal(got.error.head, '{"a":2');
});

test('JsonArraySplitter with keepRest: the text after the array is returned, not rejected', () => {
  for (const c of [[], [1], [5], [6], [7], [2, 4, 6, 8]]) {
    const got = feed('[1,{"a":"]"}] , "x"]}', c, (onItems) => new JsonArraySplitter(onItems, { keepRest: true }));
    assert.deepEqual(got, { items: [1, { a: ']' }], end: { kind: 'array', count: 2, rest: ' , "x"]}' } });
  }
});

const PREFIX = ['{', '"status"', ':', '"ok"', ',', '"data"', ':', '{', '"list"', ':', '['];
const space = fc.constantFrom('', '', ' ', '\n  ', '\t');

test('EnvelopedArrayReader: elements streamed and the envelope checked, cut anywhere, as JSON.parse reads them', () => {
  const answer = fc.record({
    spaces: fc.array(space, { minLength: PREFIX.length + 1, maxLength: PREFIX.length + 1 }),
    items: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
    // What follows the array: the envelope's end, more keys, or damage.
    rest: fc.constantFrom(']}}', '] } }\n', '],"n":[1,"]"]},"warnings":["}"]}', ']}', ']}}}', ']}} x', '],}}', ']'),
    // The usual prefix, or a different one (another key first, another value): read whole.
    other: fc.constantFrom(undefined, ['{', '"n"', ':', '1', ','], ['{', '"status"', ':', '"error"', ',']),
  });
  let streamed = 0;
  fc.assert(
    fc.property(answer, cuts, (a, c) => {
      const tokens = a.other ? [...a.other, ...PREFIX.slice(a.other.length)] : PREFIX;
      const body = JSON.stringify(a.items).slice(1);
      const text = tokens.map((t, i) => a.spaces[i] + t).join('') + body.slice(0, -1) + a.rest;
      const got = feed(text, c, (onItems) => new EnvelopedArrayReader(PREFIX, onItems));
      let want: unknown;
      try {
        want = JSON.parse(text);
      } catch {
        assert.ok('error' in got && got.error instanceof JsonSyntaxError, `accepted ${JSON.stringify(text)}`);
        return;
      }
      assert.ok(!('error' in got), `rejected ${JSON.stringify(text)}: ${'error' in got ? got.error.message : ''}`);
      if (a.other) {
        assert.deepEqual(got, { items: [], end: { kind: 'other', value: want } });
        return;
      }
      streamed++;
      const envelope = want as { data: { list: unknown[] } };
      assert.deepEqual(got.items, envelope.data.list);
      envelope.data.list = [];
      assert.deepEqual(got.end, { kind: 'array', count: got.items.length, envelope });
    }),
    { numRuns: 3000 },
  );
  assert.ok(streamed > 300, `${streamed} answers streamed`);
});

test('EnvelopedArrayReader: an answer cut short inside the prefix, empty, or with a byte-order mark is read whole', () => {
  const read = (text: string) => feed(text, [1, 2, 3], (onItems) => new EnvelopedArrayReader(PREFIX, onItems));
  for (const text of ['', '{"status":"ok","da', '{"status":"ok","data":{"list":']) {
    const got = read(text);
    assert.ok('error' in got && got.error instanceof JsonSyntaxError, text);
  }
  assert.deepEqual(read('\ufeff{"status":"ok","data":{"list":[1]}}'), { items: [], end: { kind: 'other', value: { status: 'ok', data: { list: [1] } } } });
});
