import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalIsoMs, csvCell, exportFileName, flattenSource, timestampMs, toCsv, toLogHit, toLogHitTable, toNdjson } from './log-hits';
import { hitField } from '../../preload/contract';
import { decodeLogHits, isoTime, type LogHit, type LogHitTable } from '../../preload/contract';
import type { SearchHit } from '../clients/elasticsearch';
import { alertLogsPivot, phrase } from '../../renderer/src/panes/logs/pivot';

test('flattenSource: dotted names, arrays as JSON text, scalars kept', () => {
  assert.deepEqual(flattenSource({ a: 1, b: { c: 'x', d: { e: true } }, f: [1, 2], g: null }), { a: 1, 'b.c': 'x', 'b.d.e': true, f: '[1,2]', g: null });
});

test('toLogHit: highlight segments for the message, level and timestamp read', () => {
  const h = toLogHit(
    {
      index: 'logs-1',
      id: 'x',
      score: null,
      source: { '@timestamp': '2026-01-01T00:00:00.123Z', level: 'ERROR', message: 'Authentication failed for <b>' },
      highlight: { message: ['@ops-hl@Authentication@/ops-hl@ failed for <b>'] },
      sort: [1767225600123, 4],
    },
    '@timestamp',
  );
  assert.equal(h.timestamp, Date.parse('2026-01-01T00:00:00.123Z'));
  assert.equal(h.level, 'ERROR');
  assert.deepEqual(h.message, [
    { text: 'Authentication', hit: true },
    { text: ' failed for <b>', hit: false },
  ]);
  // The message is sent once: as segments, not again in `fields`; it reads back whole.
  assert.equal(h.messageField, undefined, 'omitted: the common case, `message` left out');
  assert.equal(h.fields.message, undefined);
  assert.equal(h.highlights, undefined, 'no other field highlighted: omitted');
  assert.deepEqual(Object.keys(h.fields).sort(), ['@timestamp', 'level']);
  assert.equal(hitField(h, 'message'), 'Authentication failed for <b>');
  assert.equal(hitField(h, 'level'), 'ERROR');
});

test('toLogHit: a message that is not text, or other message-like fields, stay in fields', () => {
  const base = { index: 'i', id: 'y', score: null } as const;
  const n = toLogHit({ ...base, source: { message: 42, msg: 'short', log: { message: 'nested' } } }, '@timestamp');
  assert.equal(n.messageField, null, 'kept in fields');
  assert.deepEqual(n.message, [{ text: '42', hit: false }]);
  assert.equal(hitField(n, 'message'), 42);
  assert.deepEqual(n.fields, { message: 42, msg: 'short', 'log.message': 'nested' });
  const nested = toLogHit({ ...base, source: { log: { message: 'nested', level: 'warn' }, msg: 'other' } }, '@timestamp');
  assert.equal(nested.messageField, 'log.message');
  assert.equal(nested.level, 'warn');
  assert.deepEqual(nested.fields, { 'log.level': 'warn', msg: 'other' });
  assert.equal(hitField(nested, 'log.message'), 'nested');
  const none = toLogHit({ ...base, source: { a: 1 } }, '@timestamp');
  assert.equal(none.messageField, undefined);
  assert.deepEqual(none.message, []);
  assert.equal(hitField(none, 'message'), undefined);
  const hl = toLogHit({ ...base, source: { message: 'a b', host: 'h1' }, highlight: { host: ['@ops-hl@h1@/ops-hl@'] } }, '@timestamp');
  assert.deepEqual(hl.highlights, { host: [{ text: 'h1', hit: true }] });
});

test('CSV cells follow RFC 4180; NDJSON is one document per line', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(42), '42');
  const hits = [{ index: 'i', id: '1', score: null, source: { m: 'x,y', n: { o: 1 } } }];
  assert.equal(toCsv(hits, ['_id', 'm', 'n.o']), '_id,m,n.o\r\n1,"x,y",1\r\n');
  assert.equal(toNdjson(hits), '{"_index":"i","_id":"1","_source":{"m":"x,y","n":{"o":1}}}\n');
  assert.equal(exportFileName('logs (stand-in)', 0, 60_000, 'csv'), 'logs-stand-in-19700101T000000Z-19700101T000100Z.csv');
});

/** One RFC 4180 cell back to its text (test helper): quotes removed, doubled quotes undone. */
function csvUnquote(cell: string): string {
  return cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
}

const FORMULA_CHARS = ['=', '+', '-', '@', '\t', '\r'];

test('CSV formula protection: text starting with = + - @ tab or CR gets a leading quote; numbers stay numbers', () => {
  assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  assert.equal(csvCell('+1+2'), "'+1+2");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
  // Numbers (and booleans) are written as they are: a number field -5 stays the number -5.
  assert.equal(csvCell(-5), '-5');
  assert.equal(csvCell(-0.25), '-0.25');
  assert.equal(csvCell(false), 'false');
  // Text that merely contains a formula character later is left alone.
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell('user@example.org'), 'user@example.org');
  // A text value "-5" was text in the document: it stays text (escaped).
  assert.equal(csvCell('-5'), "'-5");
  // The header row is text too.
  const hits = [{ index: 'i', id: '1', score: null, source: { '=cmd': '=1+1', n: -3, m: 'ok' } }];
  assert.equal(toCsv(hits, ['=cmd', 'n', 'm']), "'=cmd,n,m\r\n'=1+1,-3,ok\r\n");
});

test('CSV formula protection (property): no exported text cell starts with a formula character unless quoted; other values unchanged', () => {
  const text = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom(...FORMULA_CHARS), fc.string()).map(([a, b]) => a + b),
    fc.constantFrom('-5', '=1', '@a', '+', '-', '\t', '\r\n'),
  );
  fc.assert(
    fc.property(text, (s) => {
      const content = csvUnquote(csvCell(s));
      const dangerous = s.length > 0 && FORMULA_CHARS.includes(s[0] as string);
      assert.ok(!FORMULA_CHARS.includes(content[0] as string), `cell ${JSON.stringify(content)} starts with a formula character`);
      assert.equal(content, dangerous ? `'${s}` : s);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), (v) => {
      assert.equal(csvCell(v), String(v), 'numbers and booleans are written as they are');
    }),
  );
  // Whole rows: every cell of a toCsv export, split back by a small RFC 4180 reader.
  fc.assert(
    fc.property(fc.array(fc.tuple(text, fc.oneof(fc.integer({ min: -1000, max: 1000 }), text)), { maxLength: 8 }), (rows) => {
      const hits = rows.map(([a, b], i) => ({ index: 'i', id: String(i), score: null, source: { a, b } }));
      const csv = toCsv(hits, ['a', 'b']);
      const cells: string[] = [];
      for (let i = 0; i < csv.length; ) {
        let cell = '';
        if (csv[i] === '"') {
          let j = i + 1;
          for (;;) {
            const q = csv.indexOf('"', j);
            if (csv[q + 1] === '"') j = q + 2;
            else {
              cell = csv.slice(i, q + 1);
              i = q + 1;
              break;
            }
          }
        } else {
          let j = i;
          while (j < csv.length && csv[j] !== ',' && csv[j] !== '\r') j++;
          cell = csv.slice(i, j);
          i = j;
        }
        cells.push(csvUnquote(cell));
        i += csv[i] === ',' ? 1 : 2; // ',' or CRLF
      }
      assert.equal(cells.length, 2 * (rows.length + 1));
      rows.forEach(([a, b], r) => {
        for (const [v, got] of [
          [a, cells[2 * (r + 1)]],
          [b, cells[2 * (r + 1) + 1]],
        ] as const) {
          assert.ok(got === undefined || !FORMULA_CHARS.includes(got[0] as string) || typeof v === 'number', `cell ${JSON.stringify(got)}`);
          assert.equal(got, typeof v === 'number' ? String(v) : v.length > 0 && FORMULA_CHARS.includes(v[0] as string) ? `'${v}` : v);
        }
      });
    }),
    { numRuns: 500 },
  );
});

test('alert pivot: host of the instance, 15 minutes before the start up to now', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const p = alertLogsPivot({ labels: { instance: 'server-007:9100' }, startsAt: '2026-01-01T11:00:00Z', endsAt: '2026-01-01T12:05:00Z', state: 'active' }, now);
  assert.deepEqual(p, { query: 'host:"server-007"', from: Date.parse('2026-01-01T10:45:00Z'), to: now });
  const resolved = alertLogsPivot({ labels: { service: 'bridge' }, startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T10:30:00Z', state: 'active' }, now);
  assert.deepEqual(resolved, { query: 'service:"bridge"', from: Date.parse('2026-01-01T09:45:00Z'), to: Date.parse('2026-01-01T10:45:00Z') });
  assert.equal(phrase('a"b\\c'), '"a\\"b\\\\c"');
});

// ---------- the page table the bridge carries ----------

const HL = (s: string) => `@ops-hl@${s}@/ops-hl@`;

test('toLogHitTable: field names once per page, the ISO timestamp and the level not repeated; decodes to toLogHit exactly', () => {
  const hits: SearchHit[] = [];
  for (let i = 0; i < 50; i++) {
    const t = Date.parse('2026-11-21T08:00:00.000Z') + i * 1234;
    hits.push({
      index: i % 2 ? 'logs-a' : 'logs-b',
      id: `id-${i}`,
      score: null,
      source: { '@timestamp': new Date(t).toISOString(), service: 'synapse', level: i % 3 ? 'INFO' : 'ERROR', message: `line ${i} <script>x</script>`, host: `h${i % 4}`, ...(i % 5 ? {} : { processing_time: i * 1.5 }) },
      sort: [t, i],
      ...(i % 7 ? {} : { highlight: { message: [`line ${HL(String(i))} <script>x</script>`], host: [HL(`h${i % 4}`)] } }),
    });
  }
  const table = toLogHitTable(hits, '@timestamp');
  assert.deepEqual(table.names, ['@timestamp', 'service', 'level', 'host', 'processing_time']);
  assert.equal(table.shapes.length, 2, 'two field sets: with and without processing_time');
  assert.deepEqual(table.indices, ['logs-b', 'logs-a']);
  const json = JSON.stringify(table);
  assert.ok(!json.includes('2026-11-21T08:00:00.000Z'), 'the ISO timestamp is rebuilt, not sent');
  assert.equal(json.split('"service"').length - 1, 1, 'a field name is sent once');
  assert.deepEqual(decodeLogHits(JSON.parse(json) as LogHitTable), hits.map((h) => toLogHit(h, '@timestamp')));
  assert.ok(json.length < JSON.stringify(hits.map((h) => toLogHit(h, '@timestamp'))).length * 0.7, 'well under the per-hit objects');
});

test('toLogHitTable: odd documents decode exactly as toLogHit makes them (property)', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null));
  const name = fc.constantFrom('message', 'msg', 'log.message', 'log', 'level', 'severity', '@timestamp', 'ts', 'a', 'b.c', 'host', 'service', '__proto__', 'constructor', '1', 'x y');
  const value: fc.Arbitrary<unknown> = fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('message', 'level', 'a', 'b'), scalar, { maxKeys: 3 }),
    fc.constantFrom('2026-11-21T08:00:00.123Z', '2026-11-21T08:00:00Z', '1763712000123', '2026-11-21T09:00:00.123+01:00'),
  );
  const segText = fc.string({ maxLength: 6 }).filter((s) => !s.includes('@'));
  const fragment = fc.array(fc.tuple(segText, fc.boolean()), { maxLength: 4 }).map((parts) => parts.map(([t, m]) => (m ? HL(t) : t)).join(''));
  const hit = fc.record({
    index: fc.constantFrom('logs-1', 'logs-2'),
    id: fc.string({ minLength: 1, maxLength: 8 }),
    source: fc.dictionary(name, value, { maxKeys: 8 }),
    sort: fc.option(fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.constant(1763712000123)), { maxLength: 3 }), { nil: undefined }),
    highlight: fc.option(fc.dictionary(fc.constantFrom('message', 'msg', 'host', 'a'), fragment.map((f) => [f]), { maxKeys: 2 }), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.array(hit, { maxLength: 6 }), fc.constantFrom('@timestamp', 'ts', 'message'), (raw, tsField) => {
      const hits: SearchHit[] = raw.map((r) => ({ index: r.index, id: r.id, score: null, source: r.source as Record<string, unknown>, ...(r.sort ? { sort: r.sort } : {}), ...(r.highlight ? { highlight: r.highlight } : {}) }));
      const table = JSON.parse(JSON.stringify(toLogHitTable(hits, tsField))) as LogHitTable;
      const expected = JSON.parse(JSON.stringify(hits.map((h) => toLogHit(h, tsField)))) as LogHit[];
      assert.deepEqual(decodeLogHits(table), expected);
    }),
    { numRuns: 400 },
  );
});

test('canonicalIsoMs: exactly the texts toISOString gives back, with their time; isoTime is toISOString', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
      const iso = new Date(ms).toISOString();
      assert.equal(canonicalIsoMs(iso), ms);
      assert.equal(isoTime(ms), iso);
    }),
    { numRuns: 2000 },
  );
  for (const s of ['2026-02-29T00:00:00.000Z', '2026-11-21T24:00:00.000Z', '2026-11-21T08:00:00.000+00:00', '2026-11-21T08:00:00Z', '1969-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z', '2026-11-21 08:00:00.000Z', '２026-11-21T08:00:00.000Z'])
    assert.ok(Number.isNaN(canonicalIsoMs(s)), s);
  assert.equal(canonicalIsoMs('2024-02-29T12:00:00.000Z'), Date.parse('2024-02-29T12:00:00.000Z'));
  assert.equal(timestampMs('2026-11-21T24:00:00.000Z'), Date.parse('2026-11-21T24:00:00.000Z'), 'other texts still go to Date.parse');
  assert.equal(isoTime(-1), new Date(-1).toISOString());
  assert.equal(isoTime(Number.NaN), '');
  assert.equal(isoTime(1e20), '');
});
