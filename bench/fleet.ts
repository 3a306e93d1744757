/**
 * Figure 4 — fleet: synthetic instances scraped by real Prometheus (through a counting proxy).
 * (a) instant queries per fleet poll at N small and N large — must be the same number;
 * (b) poll start (switch to the environment) → first tiles rendered in Chromium, divided by Prometheus' own
 *     time for the same instant queries (replayed straight to Prometheus, all at once, median of 3).
 */
import type { Browser } from 'playwright-core';
import type { DemoStack } from '../test/support/demo-stack';
import { newPage } from '../e2e/support/chromium';
import { startConsole } from '../e2e/support/console-host';
import { addProbe, whenVisible } from './page-probe';
import { cycles, isInstant, isRange, replay, startCountingProxy } from './proxy';
import { median, sleep, waitFor } from './util';

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

/** One fleet measurement against a running demo stack. */
export async function measureFleet(browser: Browser, stack: DemoStack, instances: number, pollMs = 3000): Promise<FleetRun> {
  const proxy = await startCountingProxy(stack.prometheusUrl);
  const console = await startConsole({
    environments: [{ name: 'empty' }, { name: 'fleet', prometheus: [{ name: 'prometheus', url: proxy.url, timeoutMs: 60_000 }] }],
    defaultEnvironment: 'empty',
    polling: { prometheusMs: pollMs, alertmanagerMs: 10_000, sparklineMs: 60_000, timeoutMs: 60_000 },
  });
  const { page } = await newPage(browser);
  try {
    await addProbe(page);
    await page.goto(`${console.host.url}#/servers`);
    await page.getByRole('region', { name: /Servers/ }).first().waitFor({ timeout: 60_000 }).catch(() => undefined);
    await sleep(500);
    const t0 = Date.now();
    const switched = await console.core.invoke('core.selectEnvironment', { name: 'fleet' });
    if (!switched.ok) throw new Error(`selectEnvironment failed: ${JSON.stringify(switched)}`);
    const tTiles = await whenVisible(page, TILE, 120_000);
    // Three more polls for the per-poll count.
    await sleep(pollMs * 3 + 1000);
    const instantCycles = cycles(proxy.log.filter(isInstant));
    const rangeCycles = cycles(proxy.log.filter(isRange));
    const first = instantCycles[0] ?? [];
    const tilesInDom = await page.locator(TILE).count();
    // Replay with the console stopped, so its own polls do not slow Prometheus down.
    await page.context().close();
    await console.stop();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await replay(stack.prometheusUrl, first));
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
