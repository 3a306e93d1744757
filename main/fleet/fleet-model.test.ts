import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView, FleetThresholds, ServerTile } from '../../preload/contract';
import type { MatrixSeries, SamplePair, VectorSample } from '../clients/prometheus';
import { roundForDisplay } from '../../preload/contract';
import fc from 'fast-check';
import { colourTile, compareWorstFirst, sortWorstFirst, diffTiles, emptyValues, visiblySame, firingByInstance, hostOf, maxByInstance, mergeTiles, resolveQueries, scopeToInstance, summarize, DEFAULT_QUERIES } from './fleet-model';
import { pollSource, pollSparklines, queryHistory, SparklineGrid, wireSparklines, type FleetQueryClient } from './fleet-poll';

const T: FleetThresholds = { cpu: { warning: 80, critical: 95 }, memory: { warning: 85, critical: 95 }, disk: { warning: 80, critical: 90 } };

test('colour follows the runbook thresholds, worst metric wins, down beats everything', () => {
  const v = (cpu: number | null, memory: number | null, disk: number | null) => ({ ...emptyValues(), cpu, memory, disk });
  assert.deepEqual(colourTile(true, v(10, 20, 30), T), { state: 'ok', reasons: [] });
  assert.deepEqual(colourTile(true, v(79.99, 84.9, 79.9), T), { state: 'ok', reasons: [] });
  assert.deepEqual(colourTile(true, v(80, 10, 10), T), { state: 'warning', reasons: ['cpu'] });
  assert.deepEqual(colourTile(true, v(10, 85, 80), T), { state: 'warning', reasons: ['memory', 'disk'] });
  assert.deepEqual(colourTile(true, v(95, 90, 10), T), { state: 'critical', reasons: ['cpu'] });
  assert.deepEqual(colourTile(true, v(10, 10, 90), T), { state: 'critical', reasons: ['disk'] });
  assert.deepEqual(colourTile(false, v(10, 10, 10), T), { state: 'down', reasons: [] });
  assert.deepEqual(colourTile(true, v(null, NaN, null), T), { state: 'ok', reasons: [] });
  const custom: FleetThresholds = { ...T, cpu: { warning: 50, critical: 60 } };
  assert.equal(colourTile(true, v(55, 0, 0), custom).state, 'warning');
});

test('colourTile agrees with the rule as written (critical metrics, else warning metrics, in cpu/memory/disk order) for any values', () => {
  const value = fc.oneof(fc.constant(null), fc.constant(NaN), fc.constant(Infinity), fc.double({ min: -10, max: 120, noNaN: true }));
  fc.assert(
    fc.property(fc.boolean(), value, value, value, (up, cpu, memory, disk) => {
      const values = { ...emptyValues(), cpu, memory, disk };
      const crit: string[] = [];
      const warn: string[] = [];
      for (const m of ['cpu', 'memory', 'disk'] as const) {
        const x = values[m];
        if (x === null || !Number.isFinite(x)) continue;
        if (x >= T[m].critical) crit.push(m);
        else if (x >= T[m].warning) warn.push(m);
      }
      const expected = !up ? { state: 'down', reasons: [] } : crit.length ? { state: 'critical', reasons: crit } : warn.length ? { state: 'warning', reasons: warn } : { state: 'ok', reasons: [] };
      assert.deepEqual({ ...colourTile(up, values, T) }, expected);
    }),
    { numRuns: 2000 },
  );
});

test('sortWorstFirst puts tiles in compareWorstFirst order', () => {
  const tile = fc.record({
    state: fc.constantFrom('ok', 'warning', 'critical', 'down' as const),
    alertsFiring: fc.nat(3),
    cpu: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    memory: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    instance: fc.constantFrom('a', 'B', 'b', 'é', 'a:9100', 'z'),
    source: fc.constantFrom('p1', 'p2'),
  });
  fc.assert(
    fc.property(fc.array(tile, { maxLength: 40 }), (specs) => {
      const tiles = specs.map((x, i) => ({ id: String(i), instance: x.instance, source: x.source, state: x.state, alertsFiring: x.alertsFiring, values: { ...emptyValues(), cpu: x.cpu, memory: x.memory } }) as unknown as ServerTile);
      const expected = [...tiles].sort(compareWorstFirst).map((t) => t.id);
      assert.deepEqual(sortWorstFirst([...tiles]).map((t) => t.id), expected);
    }),
    { numRuns: 500 },
  );
});

test('disk takes the fullest filesystem per instance and skips NaN series', () => {
  const s: VectorSample[] = [
    { metric: { instance: 'a:9100', mountpoint: '/' }, value: 40 },
    { metric: { instance: 'a:9100', mountpoint: '/data' }, value: 91 },
    { metric: { instance: 'a:9100', mountpoint: '/empty' }, value: NaN },
    { metric: { instance: 'b:9100', mountpoint: '/' }, value: 12 },
  ];
  const m = maxByInstance(s);
  assert.deepEqual(m.get('a:9100'), { value: 91, detail: '/data' });
  assert.deepEqual(m.get('b:9100'), { value: 12, detail: '/' });
});

function tile(source: string, instance: string, state: ServerTile['state'], cpu = 10): ServerTile {
  return {
    id: `${source}|${instance}|node`,
    instance,
    job: 'node',
    source,
    up: state !== 'down',
    state,
    labels: { instance, job: 'node' },
    updatedAt: 1,
    stale: false,
    values: { ...emptyValues(), cpu },
    diskMount: null,
    reasons: [],
    alertsFiring: 0,
    alertFingerprints: [],
  };
}

function alert(fp: string, instance: string, severity: string, state: AlertView['state'] = 'active'): AlertView {
  return { fingerprint: fp, labels: { alertname: 'X', instance, severity }, annotations: {}, startsAt: '', updatedAt: '', endsAt: '', generatorURL: '', state, silencedBy: [], inhibitedBy: [], receivers: [], alertmanagers: [] };
}

test('merge keeps every source and names it, counts active alerts per instance, worst first', () => {
  const firing = firingByInstance([alert('1', 'b:9100', 'warning'), alert('2', 'b:9100', 'critical'), alert('3', 'b:9100', 'critical', 'suppressed'), alert('4', 'c:9100', 'info')]);
  const merged = mergeTiles(
    [
      [tile('prom-a', 'a:9100', 'ok'), tile('prom-a', 'b:9100', 'warning')],
      [tile('vm', 'a:9100', 'ok', 50), tile('vm', 'c:9100', 'down')],
    ],
    firing,
  );
  assert.deepEqual(
    merged.map((t) => `${t.source}/${t.instance}/${t.state}/${t.alertsFiring}`),
    ['vm/c:9100/down/1', 'prom-a/b:9100/warning/2', 'vm/a:9100/ok/0', 'prom-a/a:9100/ok/0'],
  );
  assert.deepEqual(merged[1]!.alertFingerprints, ['2', '1'], 'critical first; silenced alerts do not count');
  assert.deepEqual(summarize(merged, []), { ok: 2, warning: 1, critical: 0, down: 1, stale: 0 });
});

test('query overrides replace single metrics; unknown keys are reported', () => {
  const { queries, unknown } = resolveQueries({ cpu: 'my_cpu', bogus: 'x', memory: '  ' });
  assert.equal(queries.cpu, 'my_cpu');
  assert.equal(queries.memory, DEFAULT_QUERIES.memory);
  assert.deepEqual(unknown, ['bogus']);
  assert.equal(scopeToInstance('up', 'a"b:1'), '(up) and on(instance) up{instance="a\\"b:1"}');
  assert.equal(hostOf('db-1:9100'), 'db-1');
  assert.equal(hostOf('[::1]:9100'), '::1');
});

/** A fake Prometheus answering every instant query with one sample per instance, counting requests. */
function fakeClient(instances: number): FleetQueryClient & { instant: number; range: number } {
  const names = Array.from({ length: instances }, (_, i) => `server-${i}:9100`);
  const c = {
    instant: 0,
    range: 0,
    async query(promql: string): Promise<VectorSample[]> {
      c.instant += 1;
      return names.map((instance, i) => ({ metric: { instance, job: 'node' }, value: promql === 'up' ? (i === 0 ? 0 : 1) : i % 100 }));
    },
    async queryRange(_q: string, start: number, end: number, step: number): Promise<MatrixSeries[]> {
      c.range += 1;
      const points: [number, number][] = [];
      for (let t = start; t <= end; t += step) points.push([t, 42]);
      return names.map((instance) => ({ metric: { instance }, points }));
    },
    async queryRangeEach(q: string, start: number, end: number, step: number, onSeries: (metric: Record<string, string>, values: readonly SamplePair[]) => void): Promise<void> {
      for (const s of await c.queryRange(q, start, end, step)) onSeries(s.metric, s.points.map(([t, v]) => [t, String(v)] as const));
    },
  };
  return c;
}

test('one poll issues the same number of queries for 10 and for 200 instances', async () => {
  const queries = resolveQueries(undefined).queries;
  const counts: number[] = [];
  for (const n of [10, 200]) {
    const c = fakeClient(n);
    const { tiles } = await pollSource('p', c, queries, T, 1000);
    assert.equal(tiles.length, n);
    assert.equal(tiles[0]!.state, 'down');
    await pollSparklines(c, queries, Date.now());
    counts.push(c.instant, c.range);
  }
  assert.deepEqual(counts, [7, 2, 7, 2]);
});

test('a failing metric query blanks only that metric and keeps the server text; a failing up fails the poll', async () => {
  const queries = { ...resolveQueries(undefined).queries, cpu: 'bad(' };
  const c = fakeClient(3);
  const base = c.query.bind(c);
  c.query = async (q: string) => {
    if (q === 'bad(') throw new Error('bad_data: 1:5: parse error: unclosed left parenthesis');
    return base(q);
  };
  const r = await pollSource('p', c, queries, T, 1);
  assert.equal(r.queryErrors.cpu, 'bad_data: 1:5: parse error: unclosed left parenthesis');
  assert.equal(r.tiles[1]!.values.cpu, null);
  assert.equal(r.tiles[1]!.values.memory, 1);
  await assert.rejects(pollSource('p', c, { ...queries, up: 'bad(' }, T, 1), /parse error/);
});

test('sparklines land on a fixed one-hour grid; history converts to ms and labels per mount', async () => {
  const c = fakeClient(2);
  const lines = await pollSparklines(c, resolveQueries(undefined).queries, 3_600_000 * 100 + 10_000);
  const line = lines.sparkline('server-1:9100')!;
  assert.equal(line.cpu.length, 121);
  assert.equal(line.start, 3_600_000 * 99);
  assert.ok(line.cpu.every((v) => v === 42));
  const h = await queryHistory('p', c, resolveQueries(undefined).queries, 'server-1:9100', 0, 3600_000);
  assert.equal(h.stepMs, 15_000);
  assert.equal(h.series.filter((s) => s.metric === 'disk').length, 2);
  assert.equal(h.series[0]!.points[1]![0], 15_000);
});

test('sparkline grid: max per instance and step, 0.1 rounding, gaps and non-finite values as null, rows beyond the first capacity', () => {
  const grid = new SparklineGrid(600_000, 30_000, 4, 1);
  grid.add('cpu', 'a:9100', [[600, '1.04'], [630, '5'], [690, 'NaN']]);
  grid.add('cpu', 'a:9100', [[600, '0.5'], [630, '7.26'], [660, '+Inf'], [720, '3']]); // 720 is past the grid
  grid.add('memory', 'b:9100', [[660, '42']]);
  for (let i = 0; i < 40; i++) grid.add('memory', `h${i}:9100`, [[600 + 30 * (i % 4), String(i)]]);
  const wire = wireSparklines(grid);
  assert.deepEqual(wire['a:9100'], { start: 600_000, stepMs: 30_000, cpu: [1, 7.3, null, null], memory: [null, null, null, null] });
  assert.deepEqual(wire['b:9100']!.memory, [null, null, 42, null]);
  assert.deepEqual(wire['b:9100']!.cpu, [null, null, null, null]);
  assert.equal(Object.keys(wire).length, 42);
  assert.deepEqual(wire['h39:9100']!.memory, [null, null, null, 39]);
  assert.equal(grid.sparkline('nope'), undefined);
});

test('diffs: only new or visibly changed tiles are sent; updatedAt of a fresh tile is not a change', () => {
  const sent = new Map<string, ServerTile>();
  const a = tile('p', 'a:9100', 'ok', 10);
  const b = tile('p', 'b:9100', 'ok', 20);
  assert.deepEqual(diffTiles(sent, [a, b]), { upserted: [a, b], removed: [] });
  // Same values at display precision, later read: nothing to send.
  const a2 = { ...a, updatedAt: 99, values: { ...a.values, cpu: 10.01 } };
  assert.ok(visiblySame(a, a2));
  assert.deepEqual(diffTiles(sent, [a2, b]), { upserted: [], removed: [] });
  // A value that shows differently, a state change, a tile gone.
  const a3 = { ...a, values: { ...a.values, cpu: 10.2 } };
  const b2 = { ...b, state: 'critical' as const };
  assert.deepEqual(diffTiles(sent, [a3]), { upserted: [a3], removed: ['p|b:9100|node'] });
  assert.deepEqual(diffTiles(sent, [a3, b2]), { upserted: [b2], removed: [] });
  // Stale: the flag and then the age's base count.
  const s1 = { ...a3, stale: true, updatedAt: 5 };
  assert.deepEqual(diffTiles(sent, [s1, b2]).upserted, [s1]);
  assert.ok(!visiblySame(s1, { ...s1, updatedAt: 6 }));
  // Alerts and labels count.
  assert.ok(!visiblySame(b2, { ...b2, alertsFiring: 1, alertFingerprints: ['x'] }));
  assert.ok(!visiblySame(b2, { ...b2, labels: { ...b2.labels, env: 'prod' } }));
});

test('display precision: 0.1 % for percentages, 0.01 for load, three digits for rates', () => {
  assert.equal(roundForDisplay('cpu', 42.04), roundForDisplay('cpu', 41.96));
  assert.notEqual(roundForDisplay('cpu', 42.0), roundForDisplay('cpu', 42.1));
  assert.equal(roundForDisplay('load1', 1.234), roundForDisplay('load1', 1.231));
  assert.notEqual(roundForDisplay('load1', 1.23), roundForDisplay('load1', 1.24));
  assert.equal(roundForDisplay('netRx', 123_456), roundForDisplay('netRx', 123_499));
  assert.notEqual(roundForDisplay('netRx', 123_456), roundForDisplay('netRx', 124_456));
  assert.equal(roundForDisplay('memory', null), null);
  assert.equal(roundForDisplay('memory', NaN), null);
});
