import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerTile } from '../../../../preload/contract';
import { compareTiles, formatRate, groupTiles, matchesFilter, parseFilter } from './fleet-view';

function tile(instance: string, state: ServerTile['state'], labels: Record<string, string>, cpu: number | null): ServerTile {
  return {
    id: instance, instance, job: labels.job ?? 'node', source: 'prom', up: state !== 'down', state, labels: { instance, ...labels }, updatedAt: 0, stale: false,
    values: { cpu, memory: null, disk: null, netRx: null, netTx: null, load1: null }, diskMount: null, reasons: [], alertsFiring: 0, alertFingerprints: [],
  };
}

const tiles = [
  tile('web-10:9100', 'ok', { job: 'node', env: 'prod' }, 20),
  tile('web-2:9100', 'critical', { job: 'node', env: 'prod' }, 97),
  tile('db-1:9100', 'down', { job: 'db', env: 'prod' }, null),
  tile('db-2:9100', 'warning', { job: 'db', env: 'dev' }, 85),
];

test('filter: free text and label=value / label!=value', () => {
  const names = (q: string) => tiles.filter((t) => matchesFilter(t, parseFilter(q))).map((t) => t.instance);
  assert.deepEqual(names('web'), ['web-10:9100', 'web-2:9100']);
  assert.deepEqual(names('job=db'), ['db-1:9100', 'db-2:9100']);
  assert.deepEqual(names('env!=dev db'), ['db-1:9100']);
  assert.deepEqual(names('env=PROD critical'), ['web-2:9100']);
  assert.deepEqual(names(''), tiles.map((t) => t.instance));
});

test('sort: worst first, by name (numeric), by metric with missing values last', () => {
  assert.deepEqual([...tiles].sort(compareTiles('worst')).map((t) => t.instance), ['db-1:9100', 'web-2:9100', 'db-2:9100', 'web-10:9100']);
  assert.deepEqual([...tiles].sort(compareTiles('name')).map((t) => t.instance), ['db-1:9100', 'db-2:9100', 'web-2:9100', 'web-10:9100']);
  assert.deepEqual([...tiles].sort(compareTiles('cpu')).map((t) => t.instance), ['web-2:9100', 'db-2:9100', 'web-10:9100', 'db-1:9100']);
});

test('group by a label: groups with the worst servers first, with counts', () => {
  const g = groupTiles(tiles, 'env');
  assert.deepEqual(g.map((x) => [x.key, x.tiles.length]), [['prod', 3], ['dev', 1]]);
  assert.equal(g[0]!.counts.down, 1);
  assert.deepEqual(groupTiles(tiles, '').map((x) => x.key), ['']);
  assert.equal(formatRate(1_234_567), '1.2 MB/s');
});
