import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, exportFileName, flattenSource, logHitField, toCsv, toLogHit, toNdjson } from './log-hits';
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
  assert.equal(logHitField(h, 'message'), 'Authentication failed for <b>');
  assert.equal(logHitField(h, 'level'), 'ERROR');
});

test('toLogHit: a message that is not text, or other message-like fields, stay in fields', () => {
  const base = { index: 'i', id: 'y', score: null } as const;
  const n = toLogHit({ ...base, source: { message: 42, msg: 'short', log: { message: 'nested' } } }, '@timestamp');
  assert.equal(n.messageField, null, 'kept in fields');
  assert.deepEqual(n.message, [{ text: '42', hit: false }]);
  assert.equal(logHitField(n, 'message'), 42);
  assert.deepEqual(n.fields, { message: 42, msg: 'short', 'log.message': 'nested' });
  const nested = toLogHit({ ...base, source: { log: { message: 'nested', level: 'warn' }, msg: 'other' } }, '@timestamp');
  assert.equal(nested.messageField, 'log.message');
  assert.equal(nested.level, 'warn');
  assert.deepEqual(nested.fields, { 'log.level': 'warn', msg: 'other' });
  assert.equal(logHitField(nested, 'log.message'), 'nested');
  const none = toLogHit({ ...base, source: { a: 1 } }, '@timestamp');
  assert.equal(none.messageField, undefined);
  assert.deepEqual(none.message, []);
  assert.equal(logHitField(none, 'message'), undefined);
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

test('alert pivot: host of the instance, 15 minutes before the start up to now', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const p = alertLogsPivot({ labels: { instance: 'server-007:9100' }, startsAt: '2026-01-01T11:00:00Z', endsAt: '2026-01-01T12:05:00Z', state: 'active' }, now);
  assert.deepEqual(p, { query: 'host:"server-007"', from: Date.parse('2026-01-01T10:45:00Z'), to: now });
  const resolved = alertLogsPivot({ labels: { service: 'bridge' }, startsAt: '2026-01-01T10:00:00Z', endsAt: '2026-01-01T10:30:00Z', state: 'active' }, now);
  assert.deepEqual(resolved, { query: 'service:"bridge"', from: Date.parse('2026-01-01T09:45:00Z'), to: Date.parse('2026-01-01T10:45:00Z') });
  assert.equal(phrase('a"b\\c'), '"a\\"b\\\\c"');
});
