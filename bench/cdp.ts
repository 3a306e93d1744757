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

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, in µs: less than `dur` when the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
}

/** Starts a CDP trace of top-level tasks and user-timing marks; the returned function ends it. */
export async function startTaskTrace(s: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const onData = (e: { value: object[] }) => events.push(...(e.value as TraceEvent[]));
  s.on('Tracing.dataCollected', onData);
  await s.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'blink.user_timing'] }, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((r) => s.once('Tracing.tracingComplete', () => r()));
    await s.send('Tracing.end');
    await done;
    s.off('Tracing.dataCollected', onData);
    return events;
  };
}

/**
 * Main-thread time between two user-timing marks of the page: the top-level tasks of the thread that made
 * the marks, from the start of the task holding the first mark to the second mark (nested tasks once), as
 * wall time within those tasks, and as the thread's CPU time in them (a task cut by the window counts its
 * CPU time pro rata). Null when a mark is missing.
 */
export function taskTimeBetweenMarks(events: TraceEvent[], from: string, to: string): { wallMs: number; threadMs: number } | null {
  const a = events.find((e) => e.name === from);
  const b = events.find((e) => e.name === to && a && e.pid === a.pid && e.tid === a.tid && e.ts >= a.ts);
  if (!a || !b) return null;
  const tasks = events.filter((e) => e.ph === 'X' && e.cat.includes('toplevel') && e.pid === a.pid && e.tid === a.tid && e.dur !== undefined).sort((x, y) => x.ts - y.ts);
  let wall = 0;
  let thread = 0;
  let coveredTo = -Infinity;
  for (const t of tasks) {
    const start = t.ts;
    const end = t.ts + t.dur!;
    if (end < a.ts || start > b.ts) continue;
    const from0 = Math.max(start, coveredTo);
    const to0 = Math.min(end, b.ts);
    if (to0 > from0) {
      wall += to0 - from0;
      if (t.tdur !== undefined && t.dur! > 0) thread += (t.tdur * (to0 - from0)) / t.dur!;
    }
    coveredTo = Math.max(coveredTo, end);
  }
  return { wallMs: wall / 1000, threadMs: thread / 1000 };
}
