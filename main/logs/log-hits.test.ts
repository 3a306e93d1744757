import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, exportFileName, flattenSource, toCsv, toLogHit, toNdjson } from './log-hits';
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
