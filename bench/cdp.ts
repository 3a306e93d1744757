/** Chrome DevTools Protocol readings of the renderer: JS heap after a GC, and script/task time so far. */
import type { CDPSession, Page } from 'playwright-core';

export async function cdp(page: Page): Promise<CDPSession> {
  const s = await page.context().newCDPSession(page);
  await s.send('Performance.enable');
  return s;
}

export async function heapAfterGc(s: CDPSession): Promise<number> {
  await s.send('HeapProfiler.collectGarbage');
  const h = await s.send('Runtime.getHeapUsage');
  return h.usedSize;
}

/** Seconds of script and of all main-thread tasks since the page started. */
export async function taskMetrics(s: CDPSession): Promise<{ script: number; task: number }> {
  const { metrics } = await s.send('Performance.getMetrics');
  const get = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0;
  return { script: get('ScriptDuration'), task: get('TaskDuration') };
}

/** Makes the page believe its window is hidden (document.hidden, visibilityState) and tells the app. */
export const HIDE_SCRIPT = `(() => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  return true;
})()`;
