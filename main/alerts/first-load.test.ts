import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView } from '../../preload/contract';
import type { GettableAlert } from '../clients/alertmanager';
import { FirstLoad } from './first-load';

function gettable(fp: string): GettableAlert {
  return { labels: { alertname: fp }, annotations: {}, receivers: [], fingerprint: fp, startsAt: 't', updatedAt: '', endsAt: '', generatorURL: '', status: { state: 'active', silencedBy: [], inhibitedBy: [] } };
}

function harness() {
  let clock = 0;
  const alerts = new Map<string, AlertView>();
  const sent: { upserted: string[]; removed: string[] }[] = [];
  const load = new FirstLoad(alerts, (upserted, removed) => sent.push({ upserted: upserted.map((a) => a.fingerprint), removed }), () => clock, 250);
  return { alerts, sent, load, tick: (ms: number) => (clock += ms) };
}

test('FirstLoad: the first chunk goes out at once, later ones at most every 250 ms, the rest on flush', () => {
  const { alerts, sent, load, tick } = harness();
  load.add('am1', [gettable('a'), gettable('b')]);
  assert.deepEqual(sent, [{ upserted: ['a', 'b'], removed: [] }]);
  tick(100);
  load.add('am1', [gettable('c')]);
  assert.equal(sent.length, 1, 'held back: less than 250 ms since the last message');
  tick(200);
  load.add('am1', [gettable('d')]);
  assert.deepEqual(sent[1], { upserted: ['c', 'd'], removed: [] });
  load.add('am1', [gettable('e')]);
  load.flush();
  assert.deepEqual(sent[2], { upserted: ['e'], removed: [] });
  load.flush();
  assert.equal(sent.length, 3, 'nothing new, nothing sent');
  assert.deepEqual([...alerts.keys()], ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(alerts.get('a')?.alertmanagers, ['am1']);
});

test('FirstLoad: a second replica adds only what the first did not have', () => {
  const { alerts, sent, load } = harness();
  load.add('am1', [gettable('a')]);
  load.add('am2', [gettable('a'), gettable('b')]);
  load.flush();
  assert.deepEqual(sent.flatMap((s) => s.upserted), ['a', 'b']);
  assert.deepEqual(alerts.get('b')?.alertmanagers, ['am2']);
});

test('FirstLoad: retract takes back everything shown when the poll fails', () => {
  const { alerts, sent, load } = harness();
  load.add('am1', [gettable('a'), gettable('b')]);
  load.add('am1', [gettable('c')]);
  load.retract();
  assert.deepEqual(sent.at(-1), { upserted: [], removed: ['a', 'b', 'c'] });
  assert.equal(alerts.size, 0);
  load.retract();
  assert.equal(sent.length, 2, 'nothing shown, nothing to take back');
});
