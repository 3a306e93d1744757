/**
 * Figure 6 — memory at 50,000 alerts and 2,000 servers: the core in its own process (RSS from /proc), the
 * renderer's JS heap after a forced GC (CDP), then churn — every poll some alerts resolve and others fire —
 * for BENCH_CHURN_MINUTES, and the growth of both.
 */
import type { Browser, Page } from 'playwright-core';
import { newPage } from '../e2e/support/chromium';
import { le, type Figure } from './report';
import { addProbe } from './page-probe';
import { cdp, heapAfterGc } from './cdp';
import { TILE } from './fleet';
import { alertmanagerClient, median, rssBytes, sleep, spawnCore, syntheticAlert, waitFor, type CoreProcess } from './util';

const MB = 1024 * 1024;
/** RSS samples (one per poll) for the start and end figures: a minute at 5 s polls. */
const SAMPLES = 12;
/**
 * Time the scene runs on, unchurned, after 6a's sample and before churn's start figure: a fresh core's RSS still
 * climbs for a few minutes as every periodic poll (sparklines each minute, rules) runs and the allocator reaches
 * its working size (diagnostic runs, session 4: median RSS 173 → 178 MB in the first 4 minutes, then flat).
 */
const SETTLE_MS = 120_000;

async function rssMedian(pid: number, samples: number, everyMs: number): Promise<number> {
  const got: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(everyMs);
    got.push(rssBytes(pid) ?? 0);
  }
  return median(got);
}

/**
 * Diagnostic knob for the core process (not set by a normal run): BENCH_CORE_MEMLOG=<file> logs its
 * memoryUsage() and heap spaces every 5 s (bench/core-memlog.mjs). (BENCH_CORE_NODE_FLAGS: see spawnCore.)
 */
function coreNodeArgs(): string[] {
  return process.env.BENCH_CORE_MEMLOG ? ['--import', './bench/core-memlog.mjs'] : [];
}

/**
 * The memory scene: the core as `npm run serve` runs it with every alert and the fleet, the inbox shown once
 * (every alert delivered), then the Servers pane open, three polls settled. Shared with bench/profile-renderer.ts.
 */
export async function startMemoryScene(browser: Browser, amUrl: string, promUrl: string, totalAlerts: number, pollMs: number): Promise<{ core: CoreProcess; page: Page }> {
  const core = await spawnCore({
    environments: [{ name: 'all', alertmanager: [{ name: 'alertmanager', url: amUrl, timeoutMs: 120_000 }], prometheus: [{ name: 'prometheus', url: promUrl, timeoutMs: 60_000 }] }],
    polling: { alertmanagerMs: pollMs, prometheusMs: pollMs, sparklineMs: 60_000, timeoutMs: 120_000 },
  }, { extraNodeArgs: coreNodeArgs() });
  const { page } = await newPage(browser);
  try {
    await addProbe(page);
    await page.goto(`${core.url}#/alerts`);
    await waitFor('inbox shows every alert', async () => (await page.locator('.list-count').textContent().catch(() => ''))?.startsWith(`${totalAlerts} alerts`), 240_000, 500);
    await page.goto(`${core.url}#/servers`);
    await page.locator(TILE).first().waitFor({ timeout: 120_000 });
    await sleep(3 * pollMs);
    return { core, page };
  } catch (err) {
    await page.context().close();
    await core.stop();
    throw err;
  }
}

export async function memory(browser: Browser, amUrl: string, promUrl: string, totalAlerts: number, churnMinutes: number, log: (s: string) => void): Promise<Figure[]> {
  const pollMs = 5000;
  const { core, page } = await startMemoryScene(browser, amUrl, promUrl, totalAlerts, pollMs);
  try {
    const session = await cdp(page);
    // RSS follows the collector's saw-tooth (a full GC every few polls, and the fleet's sparkline fetch —
    // 2 range queries over 2,000 servers — once a minute), so one sample says more about where in that cycle
    // it fell than about growth: start and end are each the median of one sample per poll over a minute.
    const rssScene = await rssMedian(core.pid, SAMPLES, pollMs);
    const heap0 = await heapAfterGc(session);
    log(`memory: core RSS ${(rssScene / MB).toFixed(0)} MB, renderer heap ${(heap0 / MB).toFixed(0)} MB; settling ${SETTLE_MS / 60_000} min, then churn for ${churnMinutes} min`);
    await sleep(SETTLE_MS);
    const rss0 = await rssMedian(core.pid, SAMPLES, pollMs);
    // Churn: each poll, 1% of the alerts resolve (endsAt now) and the ones resolved last time fire again.
    const am = alertmanagerClient(amUrl);
    const slice = Math.max(1, Math.round(totalAlerts / 100));
    const deadline = Date.now() + churnMinutes * 60_000;
    let round = 0;
    const maxRounds = Math.ceil((churnMinutes * 60_000) / pollMs) + 1;
    const rssSeries: number[] = [];
    while (Date.now() < deadline && round < maxRounds) {
      const base = (round * slice) % totalAlerts;
      const prev = ((round - 1 + Math.ceil(totalAlerts / slice)) * slice) % totalAlerts;
      const now = new Date().toISOString();
      await am.postAlerts([
        ...Array.from({ length: slice }, (_, k) => syntheticAlert((base + k) % totalAlerts, { endsAt: now })),
        ...(round > 0 ? Array.from({ length: slice }, (_, k) => syntheticAlert((prev + k) % totalAlerts, { startsAt: now })) : []),
      ]);
      round += 1;
      rssSeries.push(rssBytes(core.pid) ?? 0);
      await sleep(pollMs);
    }
    // Everything fires again, as at the start, then let it settle.
    const now = new Date().toISOString();
    const last = ((round - 1) * slice) % totalAlerts;
    await am.postAlerts(Array.from({ length: slice }, (_, k) => syntheticAlert((last + k) % totalAlerts, { startsAt: now })));
    await sleep(3 * pollMs);
    const rss1 = await rssMedian(core.pid, SAMPLES, pollMs);
    const heap1 = await heapAfterGc(session);
    const rssGrowth = (rss1 / rss0 - 1) * 100;
    const rssGrowthFromScene = (rss1 / rssScene - 1) * 100;
    const heapGrowth = (heap1 / heap0 - 1) * 100;
    // RSS once a minute during churn (every 12th poll sample), so growth can be told from a one-off step.
    log(`memory: core RSS per churn minute (MB): ${rssSeries.filter((_, i) => i % 12 === 11).map((b) => (b / MB).toFixed(0)).join(' ')}`);
    const churnNote = churnMinutes < 30 ? `churn ran ${churnMinutes} min (BENCH_CHURN_MINUTES), not the 30 min of the issue` : undefined;
    return [
      { id: '6a', name: `memory: core process RSS at ${totalAlerts} alerts + fleet (median of 12 polls)`, value: rssScene / MB, unit: 'MB', target: '≤ 250 MB', pass: le(rssScene / MB, 250) },
      { id: '6b', name: 'memory: renderer JS heap (after GC)', value: heap0 / MB, unit: 'MB', target: '≤ 200 MB', pass: le(heap0 / MB, 200) },
      {
        id: '6c',
        name: `memory: core RSS growth after ${churnMinutes} min churn (${round} polls)`,
        value: rssGrowth,
        unit: '%',
        target: '≤ 5 %',
        pass: le(rssGrowth, 5),
        detail: { rssStartMB: +(rss0 / MB).toFixed(1), rssSceneMB: +(rssScene / MB).toFixed(1), growthFromScenePercent: +rssGrowthFromScene.toFixed(2), settleMinutes: SETTLE_MS / 60_000, rssEndMB: +(rss1 / MB).toFixed(1), rssMaxMB: +(Math.max(...rssSeries, rss1) / MB).toFixed(1), rssMinMB: +(Math.min(...rssSeries, rss1) / MB).toFixed(1), rounds: round },
        note: churnNote,
      },
      { id: '6d', name: 'memory: renderer heap growth after churn', value: heapGrowth, unit: '%', target: '≤ 5 %', pass: le(heapGrowth, 5), detail: { heapStartMB: +(heap0 / MB).toFixed(1), heapEndMB: +(heap1 / MB).toFixed(1) }, note: churnNote },
    ];
  } finally {
    await page.context().close();
    await core.stop();
  }
}
