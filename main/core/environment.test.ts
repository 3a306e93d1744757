import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/load';
import { EnvironmentRuntime } from './environment';

function runtime(): EnvironmentRuntime {
  const config = parseConfig(JSON.stringify({ environments: [{ name: 'a' }] }));
  return new EnvironmentRuntime(config.environments[0]!, config, () => '', () => undefined);
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('a poller registered afterFirstRound starts once every other poller has answered once', async () => {
  const rt = runtime();
  const order: string[] = [];
  let releaseFirst!: () => void;
  const firstGate = new Promise<void>((r) => (releaseFirst = r));
  rt.addPoller(async () => {
    order.push('tiles:start');
    await firstGate;
    order.push('tiles:done');
  }, 60_000);
  rt.addPoller(async () => {
    order.push('other');
    throw new Error('a failed first run counts as answered');
  }, 60_000);
  rt.addPoller(async () => {
    order.push('pending');
  }, 60_000, false, { afterFirstRound: true });
  rt.start();
  await tick(20);
  assert.deepEqual(order, ['tiles:start', 'other'], 'the secondary poll waits while the first poll is under way');
  releaseFirst();
  await tick(20);
  assert.deepEqual(order, ['tiles:start', 'other', 'tiles:done', 'pending']);
  await rt.stop();
});

test('afterFirstRound waits at most one of its own intervals, and never starts on a stopped runtime', async () => {
  const rt = runtime();
  const ran: string[] = [];
  let firstRan!: () => void;
  const secondaryRan = new Promise<void>((r) => (firstRan = r));
  rt.addPoller(() => new Promise<void>(() => undefined), 60_000);
  rt.addPoller(async () => {
    ran.push('pending');
    firstRan();
  }, 1000, false, { afterFirstRound: true });
  rt.start();
  await tick(20);
  assert.deepEqual(ran, [], 'still waiting for the first poll');
  let timer: NodeJS.Timeout | undefined;
  const waited = await Promise.race([secondaryRan.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
  clearTimeout(timer);
  assert.ok(waited, 'a first poll that never answers does not hold the secondary one back for ever');
  assert.equal(ran[0], 'pending');
  await rt.stop();

  const stopped = runtime();
  const late: string[] = [];
  let done!: () => void;
  const gate = new Promise<void>((r) => (done = r));
  stopped.addPoller(() => gate, 60_000);
  stopped.addPoller(async () => {
    late.push('after stop');
  }, 60_000, false, { afterFirstRound: true });
  stopped.start();
  await tick(10);
  await stopped.stop();
  done();
  await tick(20);
  assert.deepEqual(late, [], 'the secondary poller of a stopped runtime does not start');
});

test('afterFirstRound naming pollers waits for just those; such a poller is itself secondary', async () => {
  const rt = runtime();
  const order: string[] = [];
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((r) => (releaseSlow = r));
  const values = rt.addPoller(async () => {
    order.push('values');
  }, 60_000);
  rt.addPoller(async () => {
    await slowGate;
    order.push('alerts');
  }, 60_000);
  rt.addPoller(async () => {
    order.push('sparklines');
  }, 60_000, false, { afterFirstRound: [values] });
  rt.addPoller(async () => {
    order.push('pending');
  }, 60_000, false, { afterFirstRound: true });
  rt.start();
  await tick(20);
  assert.deepEqual(order, ['values', 'sparklines'], 'the named poller answered; the slow alerts poll is not waited for');
  releaseSlow();
  await tick(20);
  assert.deepEqual(order, ['values', 'sparklines', 'alerts', 'pending']);
  await rt.stop();
});
