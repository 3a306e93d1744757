import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Poller, backoffDelay, type Timers } from './poller';

/** Manual timers: the test decides when scheduled work runs. */
function manualTimers() {
  const queue: { fn: () => void; ms: number; id: number }[] = [];
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = next++;
      queue.push({ fn, ms, id });
      return id;
    },
    clearTimeout: (h) => {
      const i = queue.findIndex((q) => q.id === h);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  return {
    timers,
    pending: () => queue.map((q) => q.ms),
    async fire() {
      const item = queue.shift();
      assert.ok(item, 'a timer should be scheduled');
      item.fn();
      await new Promise((r) => setImmediate(r));
      return item.ms;
    },
  };
}

test('backoff doubles per failure, is capped, and jitter only shortens', () => {
  const opts = { intervalMs: 1000, backoffBaseMs: 1000, maxBackoffMs: 8000, jitter: 0.5 };
  assert.equal(backoffDelay(0, opts, () => 0.9), 1000);
  assert.equal(backoffDelay(1, opts, () => 0), 1000);
  assert.equal(backoffDelay(2, opts, () => 0), 2000);
  assert.equal(backoffDelay(3, opts, () => 0), 4000);
  assert.equal(backoffDelay(10, opts, () => 0), 8000);
  assert.equal(backoffDelay(10, opts, () => 1), 4000);
});

test('never runs two polls of one source at once, and refreshNow joins the running one', async () => {
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  let release: () => void = () => undefined;
  const t = manualTimers();
  const poller = new Poller(
    async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => (release = r));
      running--;
    },
    { intervalMs: 1000, timers: t.timers },
  );
  poller.start();
  await t.fire();
  const a = poller.refreshNow();
  const b = poller.refreshNow();
  assert.equal(calls, 1);
  release();
  await Promise.all([a, b]);
  await new Promise((r) => setImmediate(r));
  assert.equal(maxRunning, 1);
  // The refresh asked for during the poll runs right after it, not in parallel.
  assert.deepEqual(t.pending(), [0]);
  poller.stop();
});

test('backs off after failures and returns to the interval after a success', async () => {
  const t = manualTimers();
  let fail = true;
  const poller = new Poller(
    async () => {
      if (fail) throw new Error('down');
    },
    { intervalMs: 1000, backoffBaseMs: 500, maxBackoffMs: 30_000, jitter: 0, timers: t.timers },
  );
  poller.start();
  await t.fire();
  assert.equal(poller.consecutiveFailures, 1);
  assert.deepEqual(t.pending(), [1000]);
  await t.fire();
  await t.fire();
  assert.equal(poller.consecutiveFailures, 3);
  assert.deepEqual(t.pending(), [2000]);
  fail = false;
  await t.fire();
  assert.equal(poller.consecutiveFailures, 0);
  assert.deepEqual(t.pending(), [1000]);
  poller.stop();
  assert.deepEqual(t.pending(), []);
});

test('pause stops scheduling; resume polls at once', async () => {
  const t = manualTimers();
  let calls = 0;
  const poller = new Poller(async () => void calls++, { intervalMs: 1000, timers: t.timers });
  poller.start();
  await t.fire();
  poller.pause();
  assert.deepEqual(t.pending(), []);
  poller.resume();
  assert.deepEqual(t.pending(), [0]);
  await t.fire();
  assert.equal(calls, 2);
  poller.stop();
});
