/**
 * Fleet against the real thing: a real Prometheus scraping a real node_exporter and the synthetic fleet
 * exporter (honor_labels), a real Alertmanager, and a local HTTP server for health checks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../main/config/load';
import type { ConsoleConfigInput } from '../../main/config/schema';
import { createConsole } from '../../main/core/create-console';
import type { FleetState, FleetUpdate, ServerTile } from '../../preload/contract';
import { expandTiles, roundForDisplay } from '../../preload/contract';
import { FIRST_CHUNK } from '../../main/fleet/fleet-feature';
import { DEFAULT_QUERIES } from '../../main/fleet/fleet-model';
import { startDemoStack, type DemoStack } from '../support/demo-stack';
import { waitFor as waitForShared } from '../support/wait';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60000) => waitForShared(what, fn, timeoutMs, { intervalMs: 200 });

/** Prometheus's own answer to a query, read straight from its HTTP API. */
async function promQuery(url: string, q: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: q }) });
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  const out = new Map<string, number>();
  for (const r of body.data.result) {
    const inst = r.metric.instance ?? '';
    const v = Number(r.value[1]);
    if (Number.isFinite(v)) out.set(inst, Math.max(out.get(inst) ?? -Infinity, v));
  }
  return out;
}

/** A transparent proxy in front of Prometheus that counts query requests (the console does not know it). */
async function countingProxy(target: string): Promise<{ url: string; counts: { query: number; range: number }; close(): Promise<void> }> {
  const counts = { query: 0, range: 0 };
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/query_range')) counts.range += 1;
    else if (req.url?.startsWith('/api/v1/query')) counts.query += 1;
    const upstream = http.request(target + (req.url ?? '/'), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, counts, close: () => new Promise((r) => server.close(() => r())) };
}

function consoleFor(env: Partial<ConsoleConfigInput['environments'][number]> & { name: string }, polling: Record<string, number>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleet-it-'));
  const config = parseConfig(JSON.stringify({ environments: [env], polling: { alertmanagerMs: 1000, ...polling } }));
  const { core, features } = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false } });
  return {
    core,
    fleet: features.fleet,
    async stop() {
      await core.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const byInstance = (s: FleetState, source: string) => new Map(s.tiles.filter((t) => t.source === source).map((t) => [t.instance, t]));

describe('fleet against real Prometheus, node_exporter and the synthetic fleet', { timeout: 240_000 }, () => {
  let stack: DemoStack;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let hc: http.Server;
  let hcUrl = '';
  let c: ReturnType<typeof consoleFor>;

  before(async () => {
    stack = await startDemoStack({ syntheticInstances: 10 });
    proxy = await countingProxy(stack.prometheusUrl);
    hc = http.createServer((req, res) => {
      if (req.url === '/ok') res.end('fine');
      else if (req.url === '/fail') {
        res.statusCode = 500;
        res.end('database connection refused');
      } else if (req.url === '/slow') {
        /* never answers */
      } else {
        res.statusCode = 404;
        res.end('no such page');
      }
    });
    await new Promise<void>((r) => hc.listen(0, '127.0.0.1', r));
    hcUrl = `http://127.0.0.1:${(hc.address() as AddressInfo).port}`;
    c = consoleFor(
      {
        name: 'it',
        prometheus: [
          { name: 'direct', url: stack.prometheusUrl },
          // Same Prometheus again through the counting proxy: a second source merged into the same grid.
          { name: 'counted', url: proxy.url, intervalMs: 3_600_000 },
        ],
        alertmanager: [{ name: 'am', url: stack.alertmanagerUrl }],
        healthChecks: [
          { name: 'api-ok', url: `${hcUrl}/ok` },
          { name: 'api-fail', url: `${hcUrl}/fail` },
          { name: 'api-slow', url: `${hcUrl}/slow`, timeoutMs: 500 },
          { name: 'api-404', url: `${hcUrl}/missing`, expectStatus: 404 },
        ],
      },
      { prometheusMs: 1000, sparklineMs: 3_600_000 },
    );
    await c.core.start();
  });

  after(async () => {
    await c?.stop();
    await proxy?.close();
    hc?.closeAllConnections();
    await new Promise<void>((r) => (hc ? hc.close(() => r()) : r()));
    await stack?.stop();
  });

  test('one tile per target per source, values equal to Prometheus answering the same query', async () => {
    const expected = [...stack.synthetic.instances, `127.0.0.1:${stack.nodeExporter.port}`].sort();
    await waitFor('all tiles with CPU values', () => {
      const s = c.fleet.current();
      const tiles = s.tiles.filter((t) => t.source === 'direct');
      return tiles.length === expected.length && tiles.every((t) => t.values.cpu !== null && t.values.netRx !== null) && s;
    });
    // Young series change every scrape (rate() windows fill up), so bracket the console's poll between two
    // reads of Prometheus's own answer to the very same PromQL.
    const metrics = ['cpu', 'memory', 'disk', 'netRx', 'netTx', 'load1'] as const;
    const beforeRead = await Promise.all(metrics.map((m) => promQuery(stack.prometheusUrl, DEFAULT_QUERIES[m])));
    await c.core.refreshNow();
    const state = c.fleet.current();
    const afterRead = await Promise.all(metrics.map((m) => promQuery(stack.prometheusUrl, DEFAULT_QUERIES[m])));
    const direct = byInstance(state, 'direct');
    assert.deepEqual([...direct.keys()].sort(), expected);
    assert.deepEqual([...byInstance(state, 'counted').keys()].sort(), expected, 'the second source names itself on its own tiles');
    let compared = 0;
    metrics.forEach((m, i) => {
      for (const inst of expected) {
        const mine = direct.get(inst)!.values[m];
        const a = beforeRead[i]!.get(inst);
        const b = afterRead[i]!.get(inst);
        assert.ok(mine !== null && a !== undefined && b !== undefined, `${m} of ${inst}`);
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const slack = Math.max(1e-9, Math.abs(hi) * 0.01);
        assert.ok(mine >= lo - slack && mine <= hi + slack, `${m} of ${inst}: console ${mine}, Prometheus ${a} .. ${b}`);
        compared += 1;
      }
    });
    assert.equal(compared, metrics.length * expected.length);
    // The synthetic exporter's intended values, too (memory and disk are exact gauges).
    for (const inst of stack.synthetic.instances) {
      const p = stack.synthetic.profile(inst);
      assert.ok(Math.abs(direct.get(inst)!.values.memory! - p.memoryPercent) < 0.1, `memory of ${inst}`);
      assert.ok(Math.abs(direct.get(inst)!.values.disk! - p.diskPercent) < 0.1, `disk (fullest non-tmpfs) of ${inst}: ${direct.get(inst)!.values.disk} vs ${p.diskPercent}`);
      assert.equal(direct.get(inst)!.diskMount, '/');
    }
  });

  test('colours follow the thresholds; summary counts add up', async () => {
    const a = stack.synthetic.anomalies;
    const state = c.fleet.current();
    const direct = byInstance(state, 'direct');
    for (const inst of [...a.cpuCritical, ...a.memoryCritical, ...a.diskCritical]) assert.equal(direct.get(inst)!.state, 'critical', inst);
    const crit = new Set([...a.cpuCritical, ...a.memoryCritical, ...a.diskCritical]);
    for (const inst of [...a.cpuWarning, ...a.memoryWarning, ...a.diskWarning].filter((i) => !crit.has(i))) assert.equal(direct.get(inst)!.state, 'warning', inst);
    const s = state.summary;
    const hcCounted = state.healthChecks.filter((h) => !h.pending).length;
    assert.equal(s.ok + s.warning + s.critical + s.down, state.tiles.length + hcCounted);
    assert.equal(state.tiles[0]!.state === 'ok', false, 'the worst tile sorts first');
  });

  test('a down target is a down tile; alerts firing for an instance are counted on its tile', async () => {
    const victim = stack.synthetic.anomalies.cpuCritical[0]!;
    stack.synthetic.setDown(victim, true);
    const down = await waitFor('tile down', () => byInstance(c.fleet.current(), 'direct').get(victim)?.state === 'down' && byInstance(c.fleet.current(), 'direct').get(victim));
    assert.equal(down.up, false);
    // Demo rules fire within ~30 s + Alertmanager group_wait; any instance with an alert will do.
    const withAlert = await waitFor('a tile with firing alerts', () => c.fleet.current().tiles.find((t) => t.alertsFiring > 0), 120_000);
    const active = [...c.fleet.alerts.current().values()].filter((al) => al.state === 'active' && al.labels.instance === withAlert.instance);
    assert.equal(withAlert.alertsFiring, active.length);
    assert.deepEqual(new Set(withAlert.alertFingerprints), new Set(active.map((al) => al.fingerprint)));
    stack.synthetic.setDown(victim, false);
  });

  test('health checks: own tiles with status, latency and the exact error text', async () => {
    const checks = await waitFor('health checks answered', () => {
      const hcs = c.fleet.current().healthChecks;
      return hcs.length === 4 && hcs.every((h) => !h.pending) && hcs;
    });
    const get = (n: string) => checks.find((h) => h.name === n)!;
    assert.equal(get('api-ok').state, 'ok');
    assert.equal(get('api-ok').status, 200);
    assert.equal(typeof get('api-ok').latencyMs, 'number');
    assert.equal(get('api-fail').state, 'critical');
    assert.equal(get('api-fail').error, 'expected HTTP 200, got 500: database connection refused');
    assert.equal(get('api-slow').state, 'down');
    assert.equal(get('api-slow').error, 'timed out after 500 ms');
    assert.equal(get('api-404').state, 'ok', 'the expected status is configurable');
    const health = c.core.activeRuntime!.health().filter((h) => h.kind === 'healthcheck');
    assert.deepEqual(health.map((h) => h.name).sort(), ['api-404', 'api-fail', 'api-ok', 'api-slow']);
    assert.equal(health.find((h) => h.name === 'api-slow')!.state, 'unreachable');
  });

  test('drill-down history: every metric as range series scoped to one instance', async () => {
    const inst = stack.synthetic.instances[1]!;
    const res = await c.core.invoke('fleet.history', { instance: inst, source: 'direct', rangeMs: 15 * 60_000 });
    assert.equal(res.ok, true);
    const h = (res as { ok: true; result: import('../../preload/contract').FleetHistory }).result;
    assert.deepEqual([...new Set(h.series.map((s) => s.metric))].sort(), ['cpu', 'disk', 'load1', 'memory', 'netRx', 'netTx']);
    assert.ok(h.series.every((s) => s.points.length > 0));
    assert.deepEqual(h.errors, {});
    const bad = await c.core.invoke('fleet.history', { instance: inst, source: 'nope', rangeMs: 60_000 });
    assert.deepEqual(bad, { ok: false, error: { code: 'not-found', message: 'no Prometheus source named "nope" in environment "it"' } });
    const inverted = await c.core.invoke('fleet.history', { instance: inst, source: 'direct', from: 2000, to: 1000 });
    assert.equal(inverted.ok, false);
  });

  test('one poll = 7 instant queries, one sparkline refresh = 2 range queries (10 instances)', async () => {
    // Sparkline refreshes so far (the one at start; its cadence here is an hour): 2 range queries each.
    assert.ok(proxy.counts.range >= 2 && proxy.counts.range % 2 === 0, `range queries: ${proxy.counts.range}`);
    const before = { ...proxy.counts };
    await c.core.refreshNow();
    // A refresh polls the values; sparklines keep their own cadence (no 2 MB resend per refresh at 2,000 servers).
    assert.deepEqual({ query: proxy.counts.query - before.query, range: proxy.counts.range - before.range }, { query: 7, range: 0 });
  });

  test('Prometheus killed: tiles keep their last values, marked stale with their age; back when it returns', async () => {
    const beforeKill = byInstance(c.fleet.current(), 'direct').get(stack.synthetic.instances[2]!)!;
    stack.prometheus.kill();
    await c.core.refreshNow().catch(() => undefined);
    const state = await waitFor('stale tiles', () => {
      const s = c.fleet.current();
      return s.tiles.length > 0 && s.tiles.every((t) => t.stale) && s.sources.every((x) => !x.reachable) && s;
    });
    const t = byInstance(state, 'direct').get(stack.synthetic.instances[2]!)!;
    assert.deepEqual(t.values, beforeKill.values, 'last values kept');
    await sleep(1100);
    assert.ok(Date.now() - t.updatedAt >= 1000, 'age grows from the last good poll');
    assert.equal(state.summary.stale, state.tiles.length);
    const direct = state.sources.find((s) => s.name === 'direct')!;
    assert.match(direct.error ?? '', /ECONN(REFUSED|RESET)|other side closed|socket/i, 'the network error text as is');
    await stack.prometheus.restart();
    await waitFor('fresh tiles', () => c.fleet.current().tiles.filter((x) => x.source === 'direct').every((x) => !x.stale) && c.fleet.current().tiles.length > 0, 60_000);
  });
});

describe('query count does not grow with the fleet (600 instances)', { timeout: 180_000 }, () => {
  let stack: DemoStack;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let c: ReturnType<typeof consoleFor>;
  const updates: { update: FleetUpdate }[] = [];
  before(async () => {
    // One scrape of the whole fleet (honor_labels); per-host liveness comes from synthetic_instance_up.
    stack = await startDemoStack({ syntheticInstances: 600, syntheticMode: 'aggregate' });
    proxy = await countingProxy(stack.prometheusUrl);
    c = consoleFor(
      { name: 'big', prometheus: [{ name: 'counted', url: proxy.url }], queries: { up: 'synthetic_instance_up' } },
      { prometheusMs: 3_600_000, sparklineMs: 3_600_000 },
    );
    c.core.subscribe((e) => {
      if (e.name === 'fleet.update') updates.push({ update: e.payload });
    });
    await c.core.start();
  });
  after(async () => {
    await c?.stop();
    await proxy?.close();
    await stack?.stop();
  });

  test('600 tiles from a configured `up` expression, still 7 queries per poll + 2 per sparkline cycle', async () => {
    await waitFor('600 tiles with memory', () => {
      const t: ServerTile[] = c.fleet.current().tiles;
      return t.length === 600 && t.every((x) => x.values.memory !== null);
    }, 60_000).catch(async () => {
      await c.core.refreshNow();
      return waitFor('600 tiles with memory (after refresh)', () => c.fleet.current().tiles.length === 600 && c.fleet.current().tiles.every((x) => x.values.memory !== null), 30_000);
    });
    // Sparkline refreshes so far (the first cycle; the cadence is an hour): 2 range queries each.
    assert.ok(proxy.counts.range >= 2 && proxy.counts.range % 2 === 0, `range queries: ${proxy.counts.range}`);
    const before = { ...proxy.counts };
    await c.core.refreshNow();
    assert.deepEqual({ query: proxy.counts.query - before.query, range: proxy.counts.range - before.range }, { query: 7, range: 0 });
    assert.equal(c.fleet.current().tiles.length, 600);
  });

  test('the first poll of a big fleet goes out as a screenful of the worst tiles, then the rest; the renderer rebuilds all', async () => {
    const diffs = updates.filter((u) => u.update.kind === 'diff' && u.update.upserted.length > 0);
    const [first, second] = diffs.map((d) => d.update as Extract<FleetUpdate, { kind: 'diff' }>);
    assert.ok(first && second, `two diffs with tiles, got ${diffs.length}`);
    const count = (u: typeof first) => u.upserted.reduce((n, g) => n + g.tiles.length, 0);
    assert.equal(count(first), FIRST_CHUNK);
    assert.equal(count(second), 600 - FIRST_CHUNK);
    assert.equal(second.seq, first.seq + 1, 'consecutive diffs, no gap for the renderer');
    // Both carry the whole fleet's summary; the first chunk holds the worst tiles.
    const total = (u: typeof first) => u.summary.ok + u.summary.warning + u.summary.critical + u.summary.down;
    assert.equal(total(first), 600);
    assert.deepEqual(second.summary, first.summary);
    const rank = { down: 0, critical: 1, warning: 2, ok: 3 } as const;
    const worstOfRest = Math.min(...second.upserted.flatMap((g) => g.tiles.map((t) => rank[t.state])));
    assert.ok(first.upserted.every((g) => g.tiles.every((t) => rank[t.state] <= worstOfRest)), 'no tile of the rest is worse than one of the first chunk');
    // What the renderer rebuilds from both is the core's fleet, values at display precision.
    const rebuilt = new Map([...expandTiles(first.upserted, first.updatedAt), ...expandTiles(second.upserted, second.updatedAt)].map((t) => [t.id, t]));
    assert.equal(rebuilt.size, 600);
    assert.deepEqual([...rebuilt.keys()].sort(), c.fleet.current().tiles.map((t) => t.id).sort());
    assert.ok([...rebuilt.values()].every((t) => t.values.memory !== null && roundForDisplay('memory', t.values.memory) === t.values.memory), 'memory at 0.1 %');
  });
});
