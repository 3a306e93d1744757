/**
 * `node --import tsx bench/profile-renderer.ts [N=50000] [update|churn|memory] [rounds]`, tools for finding why
 * figures 2b, 3b and 6d miss (not part of `npm run bench`):
 * - update (default; `pregc` collects garbage before each poll): a CDP CPU profile of the renderer around the first and the second poll with 1% of
 *   the alerts changed, then around ten seconds of scrolling the flat inbox; prints the functions with the
 *   most self time (map positions with dist/renderer/app.js.map).
 * - churn: the inbox hidden (Servers pane shown, as in figure 6d); a heap snapshot, `rounds` polls in which
 *   1% of the alerts resolve and the previous 1% fire again, everything fires again, a second snapshot;
 *   prints what grew, by constructor/type (count and self size).
 * - memory: the scene of figure 6d (core in its own process, 2,000 servers in Prometheus, the Servers pane
 *   shown, polls every 5 s), heap snapshots before and after `rounds` churn polls, what grew by type.
 */
import type { CDPSession } from 'playwright-core';
import { heapByType, takeHeapSnapshot } from './heap-snapshot';
import { stopAll } from '../test/support/real-servers';
import { startAlertsScene } from './alerts-scene';
import { startDemoStack } from '../test/support/demo-stack';
import { launchChromium } from '../e2e/support/chromium';
import { startAlertmanager } from '../test/support/real-servers';
import { afterArmedMessage, armMessage, messageCount, settle } from './page-probe';
import { taskTimeBetweenMarks, type TraceEvent } from './cdp';
import { alertmanagerClient, postAlerts, sleep, syntheticAlert, waitFor } from './util';
import { startMemoryScene } from './memory';

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

/** The heaviest call paths (self time of a node and its 4 nearest callers). */
function heavyPaths(profile: Profile, n = 12): string {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const name = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  const byPath = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0 || node.callFrame.functionName === '(idle)') continue;
    const chain = [name(node.callFrame)];
    for (let p = parent.get(node.id), k = 0; p && k < 4; p = parent.get(p.id), k++) chain.push(name(p.callFrame));
    const key = chain.join(' < ');
    byPath.set(key, (byPath.get(key) ?? 0) + us);
  }
  return [...byPath]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`)
    .join('\n');
}

async function profiled(s: CDPSession, what: string, fn: () => Promise<void>): Promise<void> {
  await s.send('Profiler.enable');
  await s.send('Profiler.setSamplingInterval', { interval: 200 });
  await s.send('Profiler.start');
  await fn();
  const { profile } = (await s.send('Profiler.stop')) as unknown as { profile: Profile };
  console.log(`\n== ${what}\n${top(profile)}\n-- heaviest paths\n${heavyPaths(profile)}`);
}

interface ProfileTraceEvent extends TraceEvent {
  args?: { data?: { functionName?: string; url?: string; lineNumber?: number; columnNumber?: number; cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } };
}

/** Self time by event name (and by JS function from the sampled profile) between the two bench marks. */
function windowBreakdown(events: ProfileTraceEvent[]): string {
  const a = events.find((e) => e.name === 'bench-armed-arrived');
  const b = events.find((e) => e.name === 'bench-armed-settled');
  if (!a || !b) return 'marks missing';
  const main = events.filter((e) => e.ph === 'X' && e.dur !== undefined && e.pid === a.pid && e.tid === a.tid).sort((x, y) => x.ts - y.ts || y.dur! - x.dur!);
  const self = new Map<string, number>();
  const tasks: string[] = [];
  const stack: { e: ProfileTraceEvent; child: number }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1]!.e.ts + stack[stack.length - 1]!.e.dur! <= upTo) {
      const top = stack.pop()!;
      const key = top.e.name + (top.e.name === 'FunctionCall' && top.e.args?.data?.functionName ? ` ${top.e.args.data.functionName}` : '');
      self.set(key, (self.get(key) ?? 0) + top.e.dur! - top.child);
      if (stack.length) stack[stack.length - 1]!.child += top.e.dur!;
    }
  };
  const taskStart = main.filter((e) => e.cat.includes('toplevel') && e.ts + e.dur! >= a.ts && e.ts <= b.ts);
  for (const e of main) {
    if (e.ts + e.dur! < (taskStart[0]?.ts ?? a.ts) || e.ts > b.ts) continue;
    close(e.ts);
    stack.push({ e, child: 0 });
    if (e.cat.includes('toplevel') && e.dur! > 200) tasks.push(`${((e.ts - a.ts) / 1000).toFixed(1)}+${(e.dur! / 1000).toFixed(1)}`);
  }
  close(Infinity);
  const rows = [...self].sort((x, y) => y[1] - x[1]).slice(0, 25).map(([k, us]) => `${(us / 1000).toFixed(2).padStart(8)} ms  ${k}`);
  // The sampled JS profile (ProfileChunk events) restricted to the window.
  const nodes = new Map<number, ProfileNode>();
  const byFn = new Map<string, number>();
  let t = 0;
  for (const e of events.filter((x) => x.name === 'Profile' || x.name === 'ProfileChunk').sort((x, y) => x.ts - y.ts)) {
    const d = e.args?.data as unknown as { startTime?: number; cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    if (d?.startTime !== undefined) t = d.startTime;
    for (const n of d?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const samples = d?.cpuProfile?.samples ?? [];
    samples.forEach((id, i) => {
      const dt = d?.timeDeltas?.[i] ?? 0;
      t += dt;
      if (t < a.ts || t > b.ts) return;
      const f = nodes.get(id)?.callFrame;
      if (!f || f.functionName === '(idle)') return;
      const key = `${f.functionName || '(anonymous)'} ${(f.url ?? '').split('/').pop()}:${(f.lineNumber ?? 0) + 1}:${(f.columnNumber ?? 0) + 1}`;
      byFn.set(key, (byFn.get(key) ?? 0) + dt);
    });
  }
  const js = [...byFn].sort((x, y) => y[1] - x[1]).slice(0, 25).map(([k, us]) => `${(us / 1000).toFixed(2).padStart(8)} ms  ${k}`);
  return `top-level tasks > 0.2 ms (start after arrival + duration, ms): ${tasks.join(' ')}\n-- self time by trace event\n${rows.join('\n')}\n-- sampled JS in the window\n${js.join('\n')}`;
}

function printGrowth(a: ReturnType<typeof heapByType>, b: ReturnType<typeof heapByType>, title: string): void {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(2);
  const ext = (h: ReturnType<typeof heapByType>) => h.byType.get('native system / ExternalStringData')?.size ?? 0;
  console.log(`\n== ${title}: ${mb(a.total)} → ${mb(b.total)} MB; without external string data ${mb(a.total - ext(a))} → ${mb(b.total - ext(b))} MB (${(((b.total - ext(b)) / (a.total - ext(a)) - 1) * 100).toFixed(1)} %)`);
  const keys = new Set([...a.byType.keys(), ...b.byType.keys()]);
  const rows = [...keys].map((k) => {
    const x = a.byType.get(k) ?? { count: 0, size: 0 };
    const y = b.byType.get(k) ?? { count: 0, size: 0 };
    return { k, dc: y.count - x.count, ds: y.size - x.size, size: y.size };
  });
  for (const r of rows.sort((p, q) => Math.abs(q.ds) - Math.abs(p.ds)).slice(0, 30)) console.log(`${(r.ds / 1024).toFixed(0).padStart(8)} kB ${String(r.dc).padStart(8)} objs  (now ${mb(r.size)} MB)  ${r.k}`);
}

const args = process.argv.slice(2).filter((a) => a !== 'alerts');
if (args.includes('memory')) {
  await memoryScene(Number(args.find((a) => /^\d+$/.test(a)) ?? 50_000), Number(args.filter((a) => /^\d+$/.test(a))[1] ?? 20));
  process.exit(0);
}

async function memoryScene(totalAlerts: number, rounds: number): Promise<void> {
  const pollMs = 5000;
  const browser = await launchChromium();
  const am = await startAlertmanager();
  const stack = await startDemoStack({ syntheticInstances: 2000 });
  await postAlerts(alertmanagerClient(am.url), 0, totalAlerts);
  const { core, page } = await startMemoryScene(browser, am.url, stack.prometheusUrl, totalAlerts, pollMs);
  try {
    const s = await page.context().newCDPSession(page);
    const snap0 = heapByType(await takeHeapSnapshot(s));
    const amc = alertmanagerClient(am.url);
    const slice = Math.max(1, Math.round(totalAlerts / 100));
    for (let round = 0; round < rounds; round++) {
      const base = (round * slice) % totalAlerts;
      const prev = ((round - 1 + Math.ceil(totalAlerts / slice)) * slice) % totalAlerts;
      const now = new Date().toISOString();
      await amc.postAlerts([
        ...Array.from({ length: slice }, (_, k) => syntheticAlert((base + k) % totalAlerts, { endsAt: now })),
        ...(round > 0 ? Array.from({ length: slice }, (_, k) => syntheticAlert((prev + k) % totalAlerts, { startsAt: now })) : []),
      ]);
      await sleep(pollMs);
    }
    const last = ((rounds - 1) * slice) % totalAlerts;
    await amc.postAlerts(Array.from({ length: slice }, (_, k) => syntheticAlert((last + k) % totalAlerts, { startsAt: new Date().toISOString() })));
    await sleep(3 * pollMs);
    const snap1 = heapByType(await takeHeapSnapshot(s));
    printGrowth(snap0, snap1, `renderer heap, figure 6d scene, ${rounds} churn polls`);
  } finally {
    await page.context().close();
    await core.stop();
    await stack.stop();
    await browser.close();
    await stopAll();
  }
}

const total = Number(args.find((a) => /^\d+$/.test(a)) ?? 50_000);
const mode = args.includes('churn') ? 'churn' : args.includes('window') ? 'window' : 'update';
const rounds = Number(args.filter((a) => /^\d+$/.test(a))[1] ?? 20);
const browser = await launchChromium();
const scene = await startAlertsScene(browser, total, 600_000);
try {
  const { page } = scene;
  await scene.console.core.invoke('core.selectEnvironment', { name: 'big' });
  await waitFor('every alert shown', async () => (await page.locator('.list-count').textContent())?.startsWith(`${total} alerts`), 180_000, 250);
  await settle(page, 500);
  const s = await page.context().newCDPSession(page);
  await s.send('HeapProfiler.collectGarbage');
  console.log(`renderer JS heap with ${total} alerts, after GC: ${((await s.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024).toFixed(1)} MB`);
  const am = alertmanagerClient(scene.am.url);
  const poll = async () => {
    const before = await messageCount(page, 'alerts.update');
    await scene.console.core.invoke('alerts.refresh', {});
    await waitFor('diff', async () => (await messageCount(page, 'alerts.update')) > before, 60_000, 50);
    await settle(page, 300);
  };
  if (mode === 'window') {
    // Figure 2b's own window (diff arrival → 3 frames + 100 ms), traced with the timeline categories: the
    // main thread's self time by trace event (script, style, layout, paint…), and a JS profile of the window.
    for (let round = 1; round <= rounds; round++) {
      await am.postAlerts(Array.from({ length: total / 100 }, (_, k) => syntheticAlert(k * 100, { summary: `changed ${round}` })));
      await settle(page, 200);
      await s.send('HeapProfiler.collectGarbage');
      await settle(page, 100);
      await armMessage(page, 'alerts.update');
      const events: ProfileTraceEvent[] = [];
      const onData = (e: { value: object[] }) => events.push(...(e.value as ProfileTraceEvent[]));
      s.on('Tracing.dataCollected', onData);
      await s.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'disabled-by-default-v8.cpu_profiler'] }, transferMode: 'ReportEvents' });
      const arrived = afterArmedMessage(page, 100, 120_000);
      await scene.console.core.invoke('alerts.refresh', {});
      await arrived;
      const done = new Promise<void>((r) => s.once('Tracing.tracingComplete', () => r()));
      await s.send('Tracing.end');
      await done;
      s.off('Tracing.dataCollected', onData);
      const spent = taskTimeBetweenMarks(events, 'bench-armed-arrived', 'bench-armed-settled');
      console.log(`\n== window of round ${round}: ${spent?.wallMs.toFixed(1)} ms of top-level tasks (${spent?.threadMs.toFixed(1)} ms of them on a core)`);
      console.log(windowBreakdown(events));
    }
  } else if (mode === 'update') {
    const changed = total / 100;
    for (const round of [1, 2]) {
      await am.postAlerts(Array.from({ length: changed }, (_, k) => syntheticAlert(k * 100, { summary: `changed ${round}` })));
      // `pregc`: collect first, so the profile shows the update's own GC, not the debt of the initial load.
      if (args.includes('pregc')) await s.send('HeapProfiler.collectGarbage');
      await profiled(s, `1% update of ${total}, poll ${round}`, poll);
    }
    await page.getByRole('region', { name: 'Alerts' }).getByRole('combobox', { name: 'Group by' }).selectOption('');
    await sleep(2000);
    await profiled(s, 'scrolling the flat list for 10 s', async () => {
      await page.evaluate(`(async () => { const el = document.querySelector('.alert-scroll'); const end = performance.now() + 10000; while (performance.now() < end) { el.scrollTop += el.clientHeight * 3; await new Promise((r) => requestAnimationFrame(r)); } })()`);
    });
  } else {
    // As figure 6d: the inbox mounted but hidden (React <Activity>), the Servers pane shown.
    await page.evaluate(() => (location.hash = '#/servers'));
    await settle(page, 1000);
    const slice = Math.max(1, Math.round(total / 100));
    const fire = (from: number, opts: { endsAt?: string; startsAt?: string }) => Array.from({ length: slice }, (_, k) => syntheticAlert((from + k) % total, opts));
    // One round first, so the snapshots compare steady states (first-time code and caches are built).
    await am.postAlerts(fire(0, { endsAt: new Date().toISOString() }));
    await poll();
    await am.postAlerts(fire(0, { startsAt: new Date().toISOString() }));
    await poll();
    const snap0 = await takeHeapSnapshot(s);
    for (let r = 1; r <= rounds; r++) {
      const now = new Date().toISOString();
      await am.postAlerts([...fire(r * slice, { endsAt: now }), ...(r > 1 ? fire((r - 1) * slice, { startsAt: now }) : [])]);
      await poll();
      if (r % 5 === 0) console.log(`churn round ${r} of ${rounds}`);
    }
    await am.postAlerts(fire(rounds * slice, { startsAt: new Date().toISOString() }));
    await poll();
    await settle(page, 2000);
    const snap1 = await takeHeapSnapshot(s);
    printGrowth(heapByType(snap0), heapByType(snap1), `heap after ${rounds} churn rounds (inbox hidden)`);
  }
} finally {
  await scene.close();
  await browser.close();
  await stopAll();
}
