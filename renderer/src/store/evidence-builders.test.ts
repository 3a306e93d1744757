import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evidenceInputSchema, type FleetHistory, type LogHit } from '../../../preload/contract';
import { chartEvidence, logLinesEvidence } from './evidence-builders';

const hit = (i: number, message: string): LogHit => ({
  id: `id-${i}`,
  index: 'logs-1',
  sort: [i],
  timestamp: Date.UTC(2026, 10, 21, 3, 0, i % 60),
  level: 'ERROR',
  message: [{ text: 'Authentication ', hit: false }, { text: message, hit: true }],
  fields: { service: 'synapse', host: 'server-001', processing_time: 1200, ...Object.fromEntries(Array.from({ length: 80 }, (_, k) => [`f${k}`, 'x'.repeat(20_000)])) },
  highlights: {},
});

test('log lines become evidence the contract accepts, cut to its limits', () => {
  const ev = logLinesEvidence(Array.from({ length: 500 }, (_, i) => hit(i, 'failed '.repeat(3000))), 'service:synapse AND level:ERROR', 'logs');
  assert.equal(evidenceInputSchema.safeParse(ev).success, true);
  assert.equal(ev.kind, 'logs');
  if (ev.kind !== 'logs') return;
  assert.equal(ev.lines.length, 200);
  assert.equal(ev.lines[0]!.time, '2026-11-21T03:00:00.000Z');
  assert.ok(ev.lines[0]!.message.startsWith('Authentication failed'));
  assert.ok(ev.lines[0]!.message.length <= 10_000);
  assert.ok(Object.keys(ev.lines[0]!.fields).length <= 50);
});

test('a chart keeps its data points (thinned to the limit) so it renders offline', () => {
  const points = Array.from({ length: 12_000 }, (_, i) => [i * 1000, i % 100] as [number, number]);
  const history: FleetHistory = {
    instance: 'server-001:9100',
    source: 'prometheus',
    from: 0,
    to: 12_000_000,
    stepMs: 1000,
    series: [
      { metric: 'cpu', label: 'cpu', points },
      { metric: 'memory', label: 'memory', points: [[0, 1]] },
    ],
    errors: {},
  };
  const ev = chartEvidence('CPU %', '%', history, ['cpu']);
  assert.equal(evidenceInputSchema.safeParse(ev).success, true);
  if (ev.kind !== 'chart') return assert.fail('a chart');
  assert.equal(ev.title, 'CPU % · server-001:9100');
  assert.equal(ev.series.length, 1, 'only the chosen metric');
  assert.equal(ev.series[0]!.points.length, 5000);
  assert.deepEqual(ev.series[0]!.points[0], [0, 0]);
});
