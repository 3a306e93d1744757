import { test } from 'node:test';
import { storeSparklines } from '../../store/fleet-store';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import type { FleetState, FleetUpdate, ServerTile } from '../../../../preload/contract';
import { expandTiles, toWireTiles } from '../../../../preload/contract';
import { columnsFor, groupTiles, layoutRows, moveFocus } from './fleet-view';
import { sparkPath } from './Sparkline';
import { applyFleetUpdate, type FleetData } from '../../store/fleet-store';

function tile(instance: string, job = 'node', cpu: number | null = 10): ServerTile {
  return {
    id: `p|${instance}|${job}`, instance, job, source: 'p', up: true, state: 'ok', labels: { instance, job }, updatedAt: 0, stale: false,
    values: { cpu, memory: null, disk: null, netRx: null, netTx: null, load1: null }, diskMount: null, reasons: [], alertsFiring: 0, alertFingerprints: [],
  };
}

test('columns follow the width: 236 px tiles with 8 px gaps, at least one', () => {
  assert.equal(columnsFor(100), 1);
  assert.equal(columnsFor(236), 1);
  assert.equal(columnsFor(480), 2);
  assert.equal(columnsFor(1200), 4);
});

test('rows: group headers are rows, tiles fill rows of `columns` per group', () => {
  const groups = groupTiles([tile('a', 'db'), tile('b', 'db'), tile('c', 'db'), tile('d', 'web')], 'job');
  const { rows, rowOfTile } = layoutRows(groups, 2, true);
  assert.deepEqual(rows.map((r) => (r.kind === 'header' ? `H${r.group}` : r.tiles.map((t) => t.instance).join(''))), ['H0', 'ab', 'c', 'H1', 'd']);
  assert.deepEqual(rowOfTile, [1, 1, 2, 4]);
  const flat = layoutRows(groups, 3, false);
  assert.deepEqual(flat.rows.map((r) => r.kind), ['tiles', 'tiles']);
  assert.equal(new Set(flat.rows.map((r) => r.key)).size, 2);
});

test('keyboard moves: left/right by one, up/down by a row keeping the column, home/end, nothing off the ends', () => {
  const groups = groupTiles(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((i) => tile(i)), '');
  const { rows, rowOfTile } = layoutRows(groups, 3, false); // abc / def / g
  const mv = (key: string, i: number) => moveFocus(key, i, 7, rows, rowOfTile, 2);
  assert.equal(mv('ArrowRight', 0), 1);
  assert.equal(mv('ArrowLeft', 0), 0);
  assert.equal(mv('ArrowDown', 1), 4);
  assert.equal(mv('ArrowDown', 5), 6, 'the last row is shorter: nearest tile');
  assert.equal(mv('ArrowUp', 6), 3);
  assert.equal(mv('ArrowUp', 1), 1);
  assert.equal(mv('PageDown', 0), 6);
  assert.equal(mv('Home', 5), 0);
  assert.equal(mv('End', 0), 6);
  assert.equal(mv('x', 0), null);
  // Across a group header, down goes to the next group's first row.
  const g2 = groupTiles([tile('a', 'db'), tile('b', 'db'), tile('c', 'web')], 'job');
  const l2 = layoutRows(g2, 2, true);
  assert.equal(moveFocus('ArrowDown', 1, 3, l2.rows, l2.rowOfTile), 2);
  assert.equal(moveFocus('ArrowUp', 2, 3, l2.rows, l2.rowOfTile), 0);
});

test('sparkline path: 0-100 % scaled into the height, a missing sample breaks the line', () => {
  assert.equal(sparkPath([0, 100, null, 50], 30, 2), 'M0 28L1 2M3 15');
  assert.equal(sparkPath([null, null]), '');
  assert.equal(sparkPath([150, -5], 30, 2), 'M0 2L1 28', 'clamped');
});

const state = (tiles: ServerTile[]): FleetState => ({
  environment: 'prod', tiles, updatedAt: 1, healthChecks: [], sources: [], summary: { ok: tiles.length, warning: 0, critical: 0, down: 0, stale: 0 },
  thresholds: { cpu: { warning: 80, critical: 95 }, memory: { warning: 85, critical: 95 }, disk: { warning: 80, critical: 90 } },
  queries: { up: 'up', cpu: '', memory: '', disk: '', netRx: '', netTx: '', load1: '' },
});

test('store: a snapshot replaces, diffs in sequence patch, a gap or another environment asks for a resync', () => {
  const empty: Pick<FleetData, 'seq' | 'environment' | 'byId' | 'tiles'> = { seq: 0, environment: null, byId: new Map(), tiles: [] };
  const st = state([tile('a'), tile('b')]);
  const snap = applyFleetUpdate(empty, { kind: 'snapshot', seq: 3, state: { ...st, tiles: toWireTiles(st.tiles) } });
  assert.ok(snap !== 'resync');
  const s1 = { ...empty, ...snap } as FleetData;
  assert.equal(s1.seq, 3);
  assert.deepEqual([...s1.byId.keys()], ['p|a|node', 'p|b|node']);
  const diff = (seq: number, upserted: ServerTile[], removed: string[], environment = 'prod'): FleetUpdate => ({
    kind: 'diff', seq, environment, updatedAt: 2, upserted: toWireTiles(upserted), removed, summary: s1.summary, sources: [], healthChecks: [],
  });
  const b2 = { ...tile('b'), state: 'critical' as const };
  const p2 = applyFleetUpdate(s1, diff(4, [b2, tile('c')], ['p|a|node']));
  assert.ok(p2 !== 'resync');
  const s2 = { ...s1, ...p2 };
  assert.deepEqual(s2.tiles.map((t) => t.instance).sort(), ['b', 'c']);
  assert.equal(s2.byId.get('p|b|node')?.state, 'critical');
  // No tile change: the list keeps its identity (no re-sort, no re-render of the grid).
  const p3 = applyFleetUpdate(s2, diff(5, [], []));
  assert.ok(p3 !== 'resync' && p3.tiles === undefined && p3.seq === 5);
  assert.deepEqual(applyFleetUpdate(s2, diff(4, [], [])), {}, 'old diff ignored');
  assert.equal(applyFleetUpdate(s2, diff(7, [], [])), 'resync');
  assert.equal(applyFleetUpdate(s2, diff(5, [], [], 'staging')), 'resync');
});

test('wire tiles: values rounded to what the tile shows, usual values left out, expanded back to the same tiles', () => {
  const fresh: ServerTile = {
    ...tile('db-1:9100', 'node'),
    labels: { __name__: 'up', instance: 'db-1:9100', job: 'node', env: 'prod' },
    values: { cpu: 97.04999, memory: 12.3456, disk: null, netRx: 1234567.89, netTx: 523.4, load1: 1.23456 },
    state: 'critical',
    reasons: ['cpu'],
    diskMount: '/',
    alertsFiring: 2,
    alertFingerprints: ['f1', 'f2'],
    updatedAt: 50,
  };
  const stale: ServerTile = { ...tile('web-1:9100', ''), source: 'q', id: 'q|web-1:9100|', labels: { instance: 'web-1:9100' }, stale: true, updatedAt: 40, up: false, state: 'down', values: { cpu: null, memory: null, disk: null, netRx: null, netTx: null, load1: null } };
  const wire = toWireTiles([fresh, stale, { ...fresh, id: 'p|db-2:9100|node', instance: 'db-2:9100', labels: { instance: 'db-2:9100', job: 'node' } }]);
  assert.deepEqual(wire.map((g) => [g.source, g.tiles.length]), [['p', 2], ['q', 1]], 'grouped by source');
  assert.deepEqual(wire[0]!.tiles[0], {
    instance: 'db-1:9100', job: 'node', state: 'critical', values: [97, 12.3, null, 1230000, 523, 1.23], labels: { env: 'prod' }, diskMount: '/', reasons: ['cpu'], alertFingerprints: ['f1', 'f2'],
  });
  assert.deepEqual(wire[1]!.tiles[0], { instance: 'web-1:9100', job: '', state: 'down', values: [null, null, null, null, null, null], stale: true, updatedAt: 40 });
  const plain: ServerTile = { ...tile('server-0001:9100'), values: { cpu: 12.345678901, memory: 45.678901234, disk: 67.89012345, netRx: 123456.789012, netTx: 45678.9012345, load1: 0.5234567 }, diskMount: '/' };
  assert.ok(JSON.stringify(toWireTiles([plain])[0]!.tiles[0]).length <= 120, 'a plain tile is under 120 bytes (was ~460)');
  const back = expandTiles(wire, 60);
  assert.equal(back.length, 3);
  assert.deepEqual(back[0], { ...fresh, labels: { env: 'prod', instance: 'db-1:9100', job: 'node' }, values: { cpu: 97, memory: 12.3, disk: null, netRx: 1230000, netTx: 523, load1: 1.23 }, updatedAt: 60 });
  assert.equal(back[1]!.id, 'p|db-2:9100|node', "each source's tiles keep their order");
  assert.deepEqual(back[2], { ...stale, labels: { instance: 'web-1:9100' } });
});

test('sparklines kept as Float32Array draw exactly the path of the arrays they came from', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -100, max: 1500 }).map((n) => n / 10)), { maxLength: 121 }), (values) => {
      const stored = storeSparklines({ environment: 'e', updatedAt: 1, bySource: { prom: { 'h:9100': { start: 0, stepMs: 30_000, cpu: values, memory: values } } } });
      const line = stored.bySource.prom!['h:9100']!;
      assert.equal(line.cpu.length, values.length);
      assert.equal(sparkPath(line.cpu), sparkPath(values));
      assert.equal(sparkPath(line.memory), sparkPath(values));
    }),
    { numRuns: 500 },
  );
});
