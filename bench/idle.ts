/**
 * Figure 7 — idle: 1,000 alerts, the window hidden, BENCH_IDLE_MINUTES: the core process' CPU (utime+stime
 * from /proc) as a share of one core, and the renderer's script/task time (CDP Performance metrics) and
 * WebSocket messages over the same window.
 */
import type { Browser } from 'playwright-core';
import { startAlertmanager } from '../test/support/real-servers';
import { newPage } from '../e2e/support/chromium';
import { le, type Figure } from './report';
import { addProbe, type BenchWindow } from './page-probe';
import { cdp, HIDE_SCRIPT, taskMetrics } from './cdp';
import { alertmanagerClient, cpuMs, postAlerts, sleep, spawnCore, waitFor } from './util';

export async function idle(browser: Browser, minutes: number, log: (s: string) => void): Promise<Figure[]> {
  const am = await startAlertmanager();
  const core0: { stop(): Promise<void> }[] = [];
  try {
    await postAlerts(alertmanagerClient(am.url), 0, 1000);
    // The console's default polling (Alertmanager every 10 s, kept while hidden, as notifications need it).
    const core = await spawnCore({ environments: [{ name: 'idle', alertmanager: [{ name: 'alertmanager', url: am.url }] }] });
    core0.push(core);
    const { page } = await newPage(browser);
    core0.push({ stop: () => page.context().close() });
    await addProbe(page);
    await page.goto(`${core.url}#/alerts`);
    await waitFor('1,000 alerts shown', async () => (await page.locator('.list-count').textContent().catch(() => ''))?.startsWith('1000 alerts'), 60_000, 250);
    await page.evaluate(HIDE_SCRIPT);
    await sleep(2000);
    const session = await cdp(page);
    const m0 = await taskMetrics(session);
    const msgs0 = await page.evaluate(() => (window as unknown as BenchWindow).__bench.msgs.length);
    const c0 = cpuMs(core.pid)!;
    const t0 = performance.now();
    log(`idle: window hidden, measuring for ${minutes} min`);
    await sleep(minutes * 60_000);
    const c1 = cpuMs(core.pid)!;
    const elapsed = performance.now() - t0;
    const m1 = await taskMetrics(session);
    const msgs = await page.evaluate((n) => (window as unknown as BenchWindow).__bench.msgs.slice(n).map((m) => m.name), msgs0);
    const corePct = ((c1 - c0) / elapsed) * 100;
    const scriptMs = (m1.script - m0.script) * 1000;
    const taskMs = (m1.task - m0.task) * 1000;
    const note = minutes < 10 ? `measured ${minutes} min (BENCH_IDLE_MINUTES), not the 10 min of the issue` : undefined;
    return [
      { id: '7a', name: `idle: core CPU, window hidden, 1,000 alerts, ${minutes} min`, value: corePct, unit: '% of a core', target: '≤ 1 %', pass: le(corePct, 1), detail: { cpuMs: c1 - c0, elapsedMs: Math.round(elapsed) }, note },
      {
        id: '7b',
        name: 'idle: renderer work while hidden (script time)',
        value: scriptMs,
        unit: 'ms',
        target: 'none (≈ 0)',
        // "No work": no message reaches it, and script time stays under 0.01% of the window (CDP's own reads).
        pass: msgs.length === 0 && scriptMs <= elapsed * 0.0001,
        detail: { taskMs: Math.round(taskMs), messages: msgs.length, messageTopics: [...new Set(msgs)] },
        note,
      },
    ];
  } finally {
    for (const s of core0.reverse()) await s.stop();
    await am.stop();
  }
}
