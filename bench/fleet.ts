/**
 * Figure 4 — fleet: synthetic instances scraped by real Prometheus (through a counting proxy).
 * (a) instant queries per fleet poll at N small and N large — must be the same number;
 * (b) poll start (switch to the environment) → first tiles rendered in Chromium, divided by Prometheus' own
 *     time for the same instant queries (replayed straight to Prometheus, all at once, from a thread of their own;
 *     median of 5: 2 before the switch and 3 after, with the console stopped). For (b) the console talks straight
 *     to Prometheus (`direct`), as the replays do: the counting proxy runs on the bench's loop, which also serves
 *     the 2,000 scrape targets, and would add its hop to the console's side only.
 * The console runs as `npm run serve` runs it, in its own process (spawnCore): in this process it would share
 * its one thread with the synthetic exporter (2,000 scrape targets), the counting proxy and Playwright, which no
 * real deployment does. The switch is sent over the bridge's WebSocket, as the renderer's selector sends it.
 * BENCH_FLEET_INPROCESS=1 runs the core in this process instead (the previous way of measuring).
 */
import type { Browser } from 'playwright-core';
import type { DemoStack } from '../test/support/demo-stack';
import { newPage } from '../e2e/support/chromium';
import { startConsole } from '../e2e/support/console-host';
import type { ConsoleConfigInput } from '../main/config/schema';
import { addProbe, whenVisible, type BenchWindow } from './page-probe';
import { cycles, isInstant, isRange, replayOffLoop, startCountingProxy, type ProxyEntry } from './proxy';
import { DEFAULT_QUERIES, QUERY_NAMES } from '../main/fleet/fleet-model';
import { median, sleep, spawnCore, waitFor } from './util';
import { connectBridge } from './ws-client';

export const TILE = '.srv-tile';

export interface FleetRun {
  instances: number;
  instantPerPoll: number[];
  rangePerSparklinePoll: number[];
  consoleMs: number;
  prometheusMs: number;
  prometheusRunsMs: number[];
  tilesInDom: number;
}

/** The instant queries of one fleet poll with the default PromQL, as the console's client sends them. */
function fleetQueries(): ProxyEntry[] {
  return QUERY_NAMES.map((name) => ({ path: '/api/v1/query', method: 'POST', body: new URLSearchParams({ query: DEFAULT_QUERIES[name] }).toString(), start: 0, end: 0 }));
}

export async function waitForTargets(stack: DemoStack, n: number): Promise<void> {
  await waitFor(`Prometheus scrapes ${n} synthetic targets`, async () => {
    const res = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent('count(up{instance=~"server-.*"} == 1)')}`);
    const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
    return Number(body.data?.result?.[0]?.value[1] ?? 0) >= n;
  }, 240_000, 1000);
  // Rates need two scrapes of every target.
  const interval = n <= 200 ? 1 : Math.ceil(n / 250);
  await sleep(2 * interval * 1000 + 1000);
}

export interface FleetOptions {
  pollMs?: number;
  coreNodeArgs?: string[];
  /** The console talks straight to Prometheus: no queries are counted (instantPerPoll stays empty). */
  direct?: boolean;
}

/** One fleet measurement against a running demo stack. */
export async function measureFleet(browser: Browser, stack: DemoStack, instances: number, opts: FleetOptions = {}): Promise<FleetRun> {
  const { pollMs = 3000, coreNodeArgs = [], direct = false } = opts;
  const proxy = await startCountingProxy(stack.prometheusUrl);
  const config: ConsoleConfigInput = {
    environments: [{ name: 'empty' }, { name: 'fleet', prometheus: [{ name: 'prometheus', url: direct ? stack.prometheusUrl : proxy.url, timeoutMs: 60_000 }] }],
    defaultEnvironment: 'empty',
    polling: { prometheusMs: pollMs, alertmanagerMs: 10_000, sparklineMs: 60_000, timeoutMs: 60_000 },
  };
  const inProcess = process.env.BENCH_FLEET_INPROCESS === '1';
  const console = inProcess ? await startInProcess(config) : await startSpawned(config, coreNodeArgs);
  const { page } = await newPage(browser);
  try {
    await addProbe(page);
    await page.goto(`${console.url}#/servers`);
    await page.getByRole('region', { name: /Servers/ }).first().waitFor({ timeout: 60_000 }).catch(() => undefined);
    await sleep(500);
    // Prometheus' own time is taken twice before the switch and three times after (as figure 1 does), so that a
    // change of the machine's load during the run shows in the baseline too. (Replays on fresh 2,000-server
    // stacks showed no slow first answer: 372, 502, 503, 447, 388 ms.)
    const before: number[] = [];
    for (let i = 0; i < 2; i++) before.push(await replayOffLoop(stack.prometheusUrl, fleetQueries()));
    await sleep(300);
    const t0 = Date.now();
    await console.selectEnvironment('fleet');
    const tTiles = await whenVisible(page, TILE, 120_000);
    // Three more polls for the per-poll count.
    if (!direct) await sleep(pollMs * 3 + 1000);
    const instantCycles = cycles(proxy.log.filter(isInstant));
    // A sparkline poll sends its two range queries one after the other (seconds apart at 2,000 servers); its
    // cadence is a minute, so range queries within 30 s of each other are one poll.
    const rangeCycles = cycles(proxy.log.filter(isRange), 30_000);
    // Direct: the console's poll is the default PromQL, as fleetQueries() writes it.
    const first = direct ? fleetQueries() : (instantCycles[0] ?? []);
    const tilesInDom = await page.locator(TILE).count();
    // Where the time went (printed, not a figure): the queries as the proxy saw them, the tiles' message in the page.
    const abs = (perfNow: number): number => performance.timeOrigin + perfNow - t0;
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);
    const tilesMsg = (await page.evaluate(() => (window as unknown as BenchWindow).__bench.msgs)).find((m) => m.name === 'fleet.update' && pageOrigin + m.t >= t0 && m.chars > 2000);
    const phases = {
      firstQuery: !direct && first.length ? Math.round(abs(Math.min(...first.map((e) => e.start)))) : null,
      lastAnswer: !direct && first.length ? Math.round(abs(Math.max(...first.map((e) => e.end)))) : null,
      tilesMessage: tilesMsg ? Math.round(pageOrigin + tilesMsg.t - t0) : null,
      tilesMessageChars: tilesMsg?.chars ?? null,
      firstTile: tTiles - t0,
    };
    process.stderr.write(`[fleet ${instances}] ms from the switch (at ${t0}): ${JSON.stringify(phases)}\n`);
    // Replay with the console stopped, so its own polls do not slow Prometheus down.
    await page.context().close();
    await console.stop();
    const runs: number[] = [...before];
    for (let i = 0; i < 3; i++) runs.push(await replayOffLoop(stack.prometheusUrl, first));
    return {
      instances,
      instantPerPoll: instantCycles.map((c) => c.length),
      rangePerSparklinePoll: rangeCycles.map((c) => c.length),
      consoleMs: tTiles - t0,
      prometheusMs: median(runs),
      prometheusRunsMs: runs.map(Math.round),
      tilesInDom,
    };
  } finally {
    await page.context().close();
    await console.stop();
    await proxy.stop();
  }
}

interface BenchConsole {
  url: string;
  selectEnvironment(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function startInProcess(config: ConsoleConfigInput): Promise<BenchConsole> {
  const c = await startConsole(config);
  let stopped = false;
  return {
    url: c.host.url,
    async selectEnvironment(name) {
      const switched = await c.core.invoke('core.selectEnvironment', { name });
      if (!switched.ok) throw new Error(`selectEnvironment failed: ${JSON.stringify(switched)}`);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await c.stop();
    },
  };
}

async function startSpawned(config: ConsoleConfigInput, extraNodeArgs: string[]): Promise<BenchConsole> {
  const core = await spawnCore(config, { extraNodeArgs });
  const bridge = await connectBridge(core.url).catch(async (e: unknown) => {
    await core.stop();
    throw e;
  });
  let stopped = false;
  return {
    url: core.url,
    async selectEnvironment(name) {
      // Answered once the environment has started (its first polls under way), as in process.
      await bridge.invoke('core.selectEnvironment', { name });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      bridge.close();
      await core.stop();
    },
  };
}
