/**
 * Faults between the console and its backends: REAL Prometheus and Alertmanager behind a fault proxy
 * (test/support/fault-proxy.ts), the REAL core (createConsole) polling every 250 ms with a 1 s timeout.
 *
 * For every fault: the last good data stays (fleet tiles marked stale with their last-read time, alerts
 * kept), the source's health shows the exact error text, the poller backs off, and the first good poll
 * after the fault ends brings the source back to ok. Plus a two-replica Alertmanager cluster with one
 * replica killed: no alert lost or doubled.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../support/real-servers';
import { startFaultProxy, CANNED, type FaultMode, type FaultProxy } from '../support/fault-proxy';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import type { ConsoleCore } from '../../main/core/console-core';
import { AlertmanagerClient, type PostableAlert } from '../../main/clients/alertmanager';
import { createHttpClient } from '../../main/clients/http';
import type { SourceHealth } from '../../preload/contract';
import { startEsTestServer, type EsTestServer } from '../support/es-test-server/index';
import { waitFor as waitForShared } from '../support/wait';

const TIMEOUT_MS = 1000;
const POLL_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const waitFor = <T,>(what: string, fn: () => T | undefined | false | null, timeoutMs = 20000, describeLast?: () => string) => waitForShared(what, fn, timeoutMs, { intervalMs: 50, describeLast });

type Console = ReturnType<typeof createConsole>;

/** Every distinct health value a source went through (from the core's own 'core.health' events). */
class HealthLog {
  readonly entries: SourceHealth[] = [];
  constructor(
    core: ConsoleCore,
    private readonly id: string,
  ) {
    core.subscribe((ev) => {
      if (ev.name !== 'core.health') return;
      const h = ev.payload.find((x) => x.id === id);
      const last = this.entries.at(-1);
      if (h && (!last || last.lastAttemptAt !== h.lastAttemptAt || last.state !== h.state)) this.entries.push(h);
    });
  }
  since(t: number): SourceHealth[] {
    return this.entries.filter((h) => (h.lastAttemptAt ?? 0) >= t);
  }
}

function health(c: Console, id: string): SourceHealth {
  const h = c.core.activeRuntime?.health().find((x) => x.id === id);
  assert.ok(h, `no health for ${id}`);
  return h;
}

/** The error text and health state each fault must produce, exactly as the user will read it. */
function expectedFor(mode: FaultMode): { state: SourceHealth['state']; error: (e: string) => boolean; text: string } {
  switch (mode) {
    case 'http500':
      return { state: 'degraded', text: 'HTTP 500: internal: fault-proxy: simulated internal error', error: (e) => e === 'HTTP 500: internal: fault-proxy: simulated internal error' };
    case 'http502':
      return { state: 'degraded', text: `HTTP 502: ${CANNED.http502.body}`, error: (e) => e === `HTTP 502: ${CANNED.http502.body}` };
    case 'html':
      return { state: 'degraded', text: `HTTP 503: ${CANNED.html.body}`, error: (e) => e === `HTTP 503: ${CANNED.html.body}` };
    case 'truncated-json':
      return { state: 'degraded', text: 'invalid JSON from server (…): {"status":"success",…', error: (e) => e.startsWith('invalid JSON from server (') && e.includes('{"status":"success","data":{"resultType":"vector"') };
    case 'http401':
      return { state: 'auth-failed', text: 'HTTP 401: Unauthorized', error: (e) => e === 'HTTP 401: Unauthorized' };
    case 'delay':
    case 'drop':
      return { state: 'unreachable', text: `timed out after ${TIMEOUT_MS} ms`, error: (e) => e === `timed out after ${TIMEOUT_MS} ms` };
    case 'cut':
      return { state: 'unreachable', text: 'network error (connection cut mid-answer)', error: (e) => e.length > 0 && !e.startsWith('HTTP') };
    case 'pass':
      return { state: 'ok', text: '', error: () => true };
  }
}

const FAULTS: FaultMode[] = ['http500', 'http502', 'html', 'truncated-json', 'http401', 'delay', 'drop', 'cut'];

/** Observed figures, printed at the end (RELIABILITY.md is filled from them). */
const observed: string[] = [];

let prometheus: RunningServer;
let am: RunningServer;
let promProxy: FaultProxy;
let amProxy: FaultProxy;
let c: Console;
let dataDir: string;
let promLog: HealthLog;
let amLog: HealthLog;
const amDirect = (url: string) => new AlertmanagerClient(createHttpClient({ name: 'direct', url }));

const ALERTS: PostableAlert[] = [1, 2, 3].map((i) => ({
  labels: { alertname: 'FaultTest', instance: `server-${i}:9100`, severity: i === 1 ? 'critical' : 'warning' },
  annotations: { summary: `fault test ${i}` },
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
}));

before(async () => {
  [prometheus, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
  promProxy = await startFaultProxy({ target: prometheus.url, delayMs: 2_500 });
  amProxy = await startFaultProxy({ target: am.url, delayMs: 2_500 });
  await amDirect(am.url).postAlerts(ALERTS);
  dataDir = mkdtempSync(join(tmpdir(), 'ops-console-faults-'));
  const config = parseConfig(
    JSON.stringify({
      environments: [{ name: 'faults', prometheus: [{ name: 'prom', url: promProxy.url }], alertmanager: [{ name: 'am', url: amProxy.url }] }],
      polling: { prometheusMs: POLL_MS, alertmanagerMs: POLL_MS, sparklineMs: 60_000, timeoutMs: TIMEOUT_MS },
    }),
  );
  c = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false } });
  promLog = new HealthLog(c.core, 'prometheus:prom');
  amLog = new HealthLog(c.core, 'alertmanager:am');
  await c.core.start();
  await waitFor('first good Prometheus poll', () => c.features.fleet.current().tiles.length > 0 && health(c, 'prometheus:prom').state === 'ok');
  await waitFor('first good Alertmanager poll', () => c.features.alerts.current().size === ALERTS.length);
});

after(async () => {
  await c?.core.shutdown();
  await promProxy?.close();
  await amProxy?.close();
  await stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (observed.length) console.log(`\nobserved:\n${observed.join('\n')}`);
});

/** Gaps between the attempts that recorded failure 1, 2, 3, 4 … of one streak. */
function failureGaps(log: SourceHealth[]): number[] {
  const firstAt = new Map<number, number>();
  for (const h of log) if (h.consecutiveFailures > 0 && !firstAt.has(h.consecutiveFailures)) firstAt.set(h.consecutiveFailures, h.lastAttemptAt ?? 0);
  const gaps: number[] = [];
  for (let n = 2; firstAt.has(n); n++) gaps.push(firstAt.get(n)! - firstAt.get(n - 1)!);
  return gaps;
}

/**
 * Puts one proxy in `mode`, waits for `failures` failed polls with the expected error, runs `duringFault`,
 * goes back to pass and checks the first good poll restores ok.
 */
async function runFault(
  proxy: FaultProxy,
  log: HealthLog,
  id: string,
  mode: FaultMode,
  failures: number,
  duringFault: (h: SourceHealth) => void,
  afterRecovery: () => void,
): Promise<SourceHealth[]> {
  const exp = expectedFor(mode);
  const t0 = Date.now();
  proxy.setMode(mode);
  const h = await waitFor(
    `${id} to fail ${failures} times with ${mode}`,
    () => {
      const cur = health(c, id);
      return cur.consecutiveFailures >= failures && cur.lastError !== null && exp.error(cur.lastError) && cur;
    },
    30_000,
    () => JSON.stringify(health(c, id)),
  );
  assert.equal(h.state, exp.state, `${mode}: health state`);
  duringFault(h);
  const streak = log.since(t0);
  const tBack = Date.now();
  proxy.setMode('pass');
  const first = await waitFor(`${id} to recover after ${mode}`, () => log.entries.find((e) => (e.lastSuccessAt ?? 0) >= tBack), 30_000, () => JSON.stringify(health(c, id)));
  assert.equal(first.state, 'ok', `${mode}: the first good poll makes the source ok`);
  assert.equal(first.consecutiveFailures, 0);
  assert.equal(first.lastSuccessAt, first.lastAttemptAt);
  afterRecovery();
  observed.push(`${id} ${mode}: state ${h.state}, error ${JSON.stringify(h.lastError).slice(0, 140)}, failures before recovery ${h.consecutiveFailures}, gaps ${failureGaps(streak).join('/')} ms, recovered ${first.lastSuccessAt! - tBack} ms after the fault ended`);
  return streak;
}

describe('Prometheus through the fault proxy', () => {
  for (const mode of FAULTS) {
    test(`${mode}: tiles kept and stale, exact error, back to ok on the first good poll`, async () => {
      const before = c.features.fleet.current().tiles;
      assert.ok(before.length > 0 && before.every((t) => !t.stale));
      const failures = mode === 'http502' ? 4 : 2;
      const streak = await runFault(
        promProxy,
        promLog,
        'prometheus:prom',
        mode,
        failures,
        (h) => {
          const tiles = c.features.fleet.current().tiles;
          assert.deepEqual(
            tiles.map((t) => t.instance),
            before.map((t) => t.instance),
            'the same tiles stay on screen',
          );
          assert.ok(tiles.every((t) => t.stale), 'every tile is marked stale');
          // The age shown is now - updatedAt: the time of the last good read, before the fault.
          assert.ok(tiles.every((t) => t.updatedAt <= (h.lastSuccessAt ?? 0)), 'tiles keep the time of their last good read');
          const src = c.features.fleet.current().sources.find((s) => s.name === 'prom');
          assert.equal(src?.reachable, false);
          assert.equal(src?.error, h.lastError, 'the fleet shows the same exact error as the health bar');
        },
        () => {
          const tiles = c.features.fleet.current().tiles;
          assert.ok(tiles.length > 0 && tiles.every((t) => !t.stale), 'fresh tiles after recovery');
        },
      );
      if (mode === 'http502') {
        const gaps = failureGaps(streak);
        assert.ok(gaps.length >= 3, `gaps ${gaps.join(',')}`);
        // Exponential backoff: the wait after the 3rd failure is about 4x the wait after the 1st (jitter 30 %).
        assert.ok(gaps[2]! > gaps[0]!, `polls spread out while failing: gaps ${gaps.join(', ')} ms`);
      }
    });
  }

  test('Prometheus killed while polling and restarted: stale meanwhile, recovers', async () => {
    const before = c.features.fleet.current().tiles.map((t) => t.instance);
    prometheus.kill('SIGKILL');
    const h = await waitFor('failures after kill', () => {
      const cur = health(c, 'prometheus:prom');
      return cur.consecutiveFailures >= 2 && cur;
    });
    assert.equal(h.state, 'unreachable');
    assert.match(h.lastError ?? '', /ECONNRESET|other side closed|socket/i);
    assert.ok(c.features.fleet.current().tiles.every((t) => t.stale));
    assert.deepEqual(
      c.features.fleet.current().tiles.map((t) => t.instance),
      before,
    );
    const tBack = Date.now();
    await prometheus.restart();
    await waitFor('recovery after restart', () => c.features.fleet.current().tiles.length > 0 && c.features.fleet.current().tiles.every((t) => !t.stale) && health(c, 'prometheus:prom').state === 'ok', 30_000);
    observed.push(`prometheus killed (SIGKILL): state ${h.state}, error ${JSON.stringify(h.lastError)}; restart + recovery ${Date.now() - tBack} ms`);
  });
});

describe('Alertmanager through the fault proxy', () => {
  const fingerprints = (): string[] => [...c.features.alerts.current().keys()].sort();

  for (const mode of FAULTS) {
    test(`${mode}: alerts kept, exact error, back to ok on the first good poll`, async () => {
      const before = fingerprints();
      assert.equal(before.length, ALERTS.length);
      let updates = 0;
      const off = c.core.subscribe((ev) => {
        if (ev.name === 'alerts.update') updates += 1;
      });
      const streak = await runFault(
        amProxy,
        amLog,
        'alertmanager:am',
        mode,
        mode === 'http502' ? 4 : 2,
        () => {
          assert.deepEqual(fingerprints(), before, 'every alert stays in the inbox');
          assert.equal(updates, 0, 'no alert update (no "resolved") while the source fails');
        },
        () => assert.deepEqual(fingerprints(), before),
      );
      off();
      if (mode === 'http502') {
        const gaps = failureGaps(streak);
        assert.ok(gaps.length >= 3 && gaps[2]! > gaps[0]!, `polls spread out while failing: gaps ${gaps.join(', ')} ms`);
      }
    });
  }

  test('Alertmanager killed and restarted: alerts kept meanwhile, re-sent alerts come back once', async () => {
    const before = fingerprints();
    am.kill('SIGKILL');
    const h = await waitFor('failures after kill', () => {
      const cur = health(c, 'alertmanager:am');
      return cur.consecutiveFailures >= 2 && cur;
    });
    assert.equal(h.state, 'unreachable');
    assert.deepEqual(fingerprints(), before);
    await am.restart();
    // Alertmanager keeps alerts in memory only: Prometheus re-sends them every evaluation; here we do.
    await amDirect(am.url).postAlerts(ALERTS);
    await waitFor('ok after restart', () => health(c, 'alertmanager:am').state === 'ok');
    assert.deepEqual(fingerprints(), before, 'same alerts, same fingerprints, none doubled');
    observed.push(`alertmanager killed (SIGKILL): state ${h.state}, error ${JSON.stringify(h.lastError)}`);
  });
});

describe('two-replica Alertmanager cluster, one replica killed', () => {
  let am1: RunningServer & { clusterAddress: string | null };
  let am2: RunningServer & { clusterAddress: string | null };
  let ha: Console;
  let haDir: string;
  const haNotified: string[] = [];

  before(async () => {
    am1 = await startAlertmanager({ clusterListen: true });
    am2 = await startAlertmanager({ clusterPeers: [am1.clusterAddress!] });
    haDir = mkdtempSync(join(tmpdir(), 'ops-console-ha-'));
    ha = createConsole({
      config: parseConfig(
        JSON.stringify({
          environments: [{ name: 'ha', alertmanager: [{ name: 'am-a', url: am1.url }, { name: 'am-b', url: am2.url }] }],
          polling: { alertmanagerMs: POLL_MS, timeoutMs: TIMEOUT_MS },
        }),
      ),
      host: { kind: 'browser', dataDir: haDir, openExternal: async () => false },
    });
    ha.features.notify.addSink((n) => {
      if (n.kind === 'alert' || n.kind === 'summary') haNotified.push(...n.fingerprints);
    });
    await ha.core.start();
  });

  after(async () => {
    await ha?.core.shutdown();
    if (haDir) rmSync(haDir, { recursive: true, force: true });
  });

  const HA_ALERTS: PostableAlert[] = Array.from({ length: 20 }, (_, i) => ({
    labels: { alertname: 'HaTest', instance: `ha-${i}:9100`, severity: i % 4 === 0 ? 'critical' : 'warning' },
    annotations: { summary: `ha ${i}` },
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  }));

  test('each alert once while both answer, still once (none lost) with one replica killed', async () => {
    // Prometheus sends every alert to every replica; so do we.
    await Promise.all([amDirect(am1.url).postAlerts(HA_ALERTS), amDirect(am2.url).postAlerts(HA_ALERTS)]);
    await waitFor('both replicas merged', () => {
      const all = [...ha.features.alerts.current().values()];
      return all.length === HA_ALERTS.length && all.every((a) => a.alertmanagers.length === 2);
    });
    am2.kill('SIGKILL');
    await waitFor('am-b seen down', () => health(ha, 'alertmanager:am-b').consecutiveFailures >= 2);
    // A few more polls with one replica down.
    await sleep(4 * POLL_MS);
    const all = [...ha.features.alerts.current().values()];
    assert.equal(all.length, HA_ALERTS.length, 'no alert lost and none doubled');
    const instances = all.map((a) => a.labels.instance).sort();
    assert.deepEqual(instances, HA_ALERTS.map((a) => a.labels.instance).sort());
    assert.ok(all.every((a) => a.alertmanagers.length === 1 && a.alertmanagers[0] === 'am-a'), 'the merged view names the replica that still answers');
    assert.equal(health(ha, 'alertmanager:am-a').state, 'ok');
    assert.equal(health(ha, 'alertmanager:am-b').state, 'unreachable');

    // A new alert while am-b is down; then am-b comes back and gets the re-sent set.
    const extra: PostableAlert = { labels: { alertname: 'HaTest', instance: 'ha-new:9100', severity: 'critical' }, endsAt: new Date(Date.now() + 3_600_000).toISOString() };
    await amDirect(am1.url).postAlerts([extra]);
    await waitFor('new alert while one replica is down', () => ha.features.alerts.current().size === HA_ALERTS.length + 1);
    await am2.restart();
    await amDirect(am2.url).postAlerts([...HA_ALERTS, extra]);
    await waitFor('both replicas again', () => [...ha.features.alerts.current().values()].every((a) => a.alertmanagers.length === 2), 30_000);
    assert.equal(ha.features.alerts.current().size, HA_ALERTS.length + 1, 'after the replica returns: still each alert once');
    // Notifications: each critical once, whatever the replicas did.
    await sleep(4 * POLL_MS);
    const criticalFps = [...ha.features.alerts.current().values()].filter((a) => a.labels.severity === 'critical').map((a) => a.fingerprint).sort();
    assert.equal(criticalFps.length, HA_ALERTS.filter((a) => a.labels.severity === 'critical').length + 1);
    assert.deepEqual([...haNotified].sort(), criticalFps, 'each critical alert notified exactly once across replica loss and return');
    observed.push(`HA pair: ${criticalFps.length} critical alerts notified ${haNotified.length} times in all`);
    observed.push(`HA pair: ${HA_ALERTS.length} alerts, replica am-b SIGKILLed: ${all.length} shown (0 lost, 0 doubled); +1 alert during the outage; after restart ${ha.features.alerts.current().size}`);
  });
});

describe('Elasticsearch (protocol stand-in) through the fault proxy', () => {
  let es: EsTestServer;
  let esProxy: FaultProxy;
  let lc: Console;
  let lcDir: string;
  const ID = 'elasticsearch:logs';
  const search = () => lc.core.invoke('logs.search', { query: 'level:ERROR OR level:WARN OR *', from: Date.now() - 86_400_000, to: Date.now(), filters: [], size: 50 });

  before(async () => {
    es = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 2_000, seed: 9 });
    esProxy = await startFaultProxy({ target: es.url, delayMs: 2_500 });
    lcDir = mkdtempSync(join(tmpdir(), 'ops-console-es-faults-'));
    lc = createConsole({
      config: parseConfig(JSON.stringify({ environments: [{ name: 'logs', elasticsearch: [{ name: 'logs', url: esProxy.url, index: 'logs-*' }] }], polling: { elasticsearchMs: POLL_MS, timeoutMs: TIMEOUT_MS } })),
      host: { kind: 'browser', dataDir: lcDir, openExternal: async () => false },
    });
    await lc.core.start();
    await waitFor('Elasticsearch ok', () => health(lc, ID).state === 'ok');
  });

  after(async () => {
    await lc?.core.shutdown();
    await esProxy?.close();
    await es?.stop();
    if (lcDir) rmSync(lcDir, { recursive: true, force: true });
  });

  const esExpected: Partial<Record<FaultMode, { state: SourceHealth['state']; error: RegExp }>> = {
    http500: { state: 'degraded', error: /^HTTP 500: fault-proxy: simulated internal error$/ },
    http502: { state: 'degraded', error: /^HTTP 502: fault-proxy: upstream connect error/ },
    html: { state: 'degraded', error: /^HTTP 503: <html>/ },
    'truncated-json': { state: 'degraded', error: /^invalid JSON in cluster health answer \(/ },
    http401: { state: 'auth-failed', error: /^HTTP 401: Unauthorized$/ },
    drop: { state: 'unreachable', error: new RegExp(`^timed out after ${TIMEOUT_MS} ms$`) },
    cut: { state: 'unreachable', error: /./ },
  };

  for (const [mode, exp] of Object.entries(esExpected) as [FaultMode, { state: SourceHealth['state']; error: RegExp }][]) {
    test(`${mode}: health shows the exact error, a search says why it failed, recovery on the first good poll`, async () => {
      const good = await search();
      assert.equal(good.ok, true, JSON.stringify(good).slice(0, 300));
      esProxy.setMode(mode);
      const h = await waitFor(`${ID} failing with ${mode}`, () => {
        const cur = health(lc, ID);
        return cur.consecutiveFailures >= 2 && exp.error.test(cur.lastError ?? '') && cur;
      }, 30_000, () => JSON.stringify(health(lc, ID)));
      assert.equal(h.state, exp.state);
      const failed = await search();
      assert.equal(failed.ok, false, 'a search during the fault fails visibly');
      if (!failed.ok) assert.ok(failed.error.message.length > 0 && failed.error.code !== 'invalid-argument', JSON.stringify(failed.error));
      const tBack = Date.now();
      esProxy.setMode('pass');
      await waitFor('recovery', () => (health(lc, ID).lastSuccessAt ?? 0) >= tBack && health(lc, ID).state === 'ok', 30_000, () => JSON.stringify(health(lc, ID)));
      const again = await search();
      assert.equal(again.ok, true, 'searching works again');
      observed.push(`elasticsearch ${mode}: state ${h.state}, health error ${JSON.stringify(h.lastError).slice(0, 120)}, search error ${failed.ok ? '-' : JSON.stringify(failed.error.message).slice(0, 120)}`);
    });
  }
});
