/**
 * `node --import tsx bench/profile-renderer.ts [alerts]`: a CDP CPU profile of the renderer around (1) a poll
 * with 1% of the alerts changed and (2) ten seconds of scrolling the flat inbox; prints the functions with
 * the most self time. A tool for finding why figures 2b and 3b miss; not part of `npm run bench`.
 */
import type { CDPSession } from 'playwright-core';
import { launchChromium } from '../e2e/support/chromium';
import { stopAll } from '../test/support/real-servers';
import { startAlertsScene } from './alerts-scene';
import { messageCount, settle } from './page-probe';
import { alertmanagerClient, sleep, syntheticAlert, waitFor } from './util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function top(profile: Profile, n = 25): string {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

async function profiled(s: CDPSession, what: string, fn: () => Promise<void>): Promise<void> {
  await s.send('Profiler.enable');
  await s.send('Profiler.setSamplingInterval', { interval: 200 });
  await s.send('Profiler.start');
  await fn();
  const { profile } = (await s.send('Profiler.stop')) as unknown as { profile: Profile };
  console.log(`\n== ${what}\n${top(profile)}`);
}

const total = Number(process.argv[2] ?? 50_000);
const browser = await launchChromium();
const scene = await startAlertsScene(browser, total, 600_000);
try {
  const { page } = scene;
  await scene.console.core.invoke('core.selectEnvironment', { name: 'big' });
  await waitFor('every alert shown', async () => (await page.locator('.list-count').textContent())?.startsWith(`${total} alerts`), 180_000, 250);
  await settle(page, 500);
  const s = await page.context().newCDPSession(page);
  await s.send('HeapProfiler.collectGarbage');
  console.log(`renderer JS heap with ${total} alerts, after GC: ${((await s.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024).toFixed(0)} MB`);
  const changed = total / 100;
  await alertmanagerClient(scene.am.url).postAlerts(Array.from({ length: changed }, (_, k) => syntheticAlert(k * 100, { summary: 'changed' })));
  await profiled(s, `1% update of ${total}`, async () => {
    const before = await messageCount(page, 'alerts.update');
    await scene.console.core.invoke('alerts.refresh', {});
    await waitFor('diff', async () => (await messageCount(page, 'alerts.update')) > before, 60_000, 20);
    await settle(page, 300);
  });
  await page.getByRole('region', { name: 'Alerts' }).getByRole('combobox', { name: 'Group by' }).selectOption('');
  await sleep(2000);
  await profiled(s, 'scrolling the flat list for 10 s', async () => {
    await page.evaluate(`(async () => { const el = document.querySelector('.alert-scroll'); const end = performance.now() + 10000; while (performance.now() < end) { el.scrollTop += el.clientHeight * 3; await new Promise((r) => requestAnimationFrame(r)); } })()`);
  });
} finally {
  await scene.close();
  await browser.close();
  await stopAll();
}
