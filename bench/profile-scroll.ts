/**
 * `node --import tsx bench/profile-scroll.ts [N=50000] [rounds=4]`: a tool for finding why figure 3b misses (not
 * part of `npm run bench`). Runs 3b's scroll `rounds` times on the inbox scene with a CDP trace and, in a
 * process of its own, a sampler of every process' CPU time (/proc, every 20 ms); prints per round the long tasks,
 * the Alertmanager polls meanwhile, and for each main-thread task of 40 ms or more its wall time against the time
 * the thread was on a core (trace `tdur`), its longest nested events, and which processes used the CPU during it.
 * Session 5 found with it that 3b's long tasks were the page waiting for a core, not working.
 */
import { spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { launchChromium } from '../e2e/support/chromium';
import { startAlertsScene, ALERT_LIST_ROW } from './alerts-scene';
import { whenVisible } from './page-probe';
import { stopAll } from '../test/support/real-servers';
import type { TraceEvent } from './cdp';
import { SCROLL_SCRIPT, type ScrollResult } from './inbox-interaction';

const N = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 4);
const nowMs = (): number => performance.timeOrigin + performance.now();

/** The core runs in this process: its Alertmanager polls, on the wall clock. */
const polls: { start: number; end?: number }[] = [];
const open = new WeakMap<object, { start: number; end?: number }>();
diagnostics.subscribe('undici:request:create', (m) => {
  const { request } = m as { request: { path: string } };
  if (!request.path.includes('/api/v2/alerts')) return;
  const p = { start: nowMs() };
  polls.push(p);
  open.set(request, p);
});
diagnostics.subscribe('undici:request:trailers', (m) => {
  const p = open.get((m as { request: object }).request);
  if (p) p.end = nowMs();
});

/** Per-process CPU ticks (10 ms) every 20 ms, from a process of its own: lines "epochMs pid comm ticks". */
const SAMPLER = `
const fs = require('node:fs');
const prev = new Map();
setInterval(() => {
  const t = Date.now();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(pid)) continue;
    let s;
    try { s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); } catch { continue; }
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')).replace(/\\s/g, '_');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const p = prev.get(pid);
    if (p !== undefined && ticks !== p) process.stdout.write(t + ' ' + pid + ' ' + comm + ' ' + (ticks - p) + '\\n');
    prev.set(pid, ticks);
  }
}, 20);`;

interface Sample {
  t: number;
  comm: string;
  ticks: number;
}

function startSampler(): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const child = spawn(process.execPath, ['-e', SAMPLER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const [t, pid, comm, ticks] = line.split(' ');
      samples.push({ t: Number(t), comm: `${comm}:${pid}`, ticks: Number(ticks) });
    }
  });
  return { samples, stop: () => child.kill() };
}

/** CPU ms per process in [from, to] (ms epoch), most first. */
function cpuBetween(samples: Sample[], from: number, to: number): string {
  const by = new Map<string, number>();
  for (const s of samples) if (s.t >= from && s.t <= to + 20) by.set(s.comm, (by.get(s.comm) ?? 0) + s.ticks * 10);
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, ms]) => `${c} ${ms} ms`).join(', ') || 'none';
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const scene = await startAlertsScene(browser, N, 5000);
  const sampler = startSampler();
  try {
    const { page } = scene;
    await scene.console.core.invoke('core.selectEnvironment', { name: 'big' });
    await whenVisible(page, ALERT_LIST_ROW, 180_000);
    await page.waitForTimeout(3000);
    const s = await page.context().newCDPSession(page);
    const groupBy = page.getByRole('region', { name: 'Alerts' }).getByRole('combobox', { name: 'Group by' });
    for (let round = 0; round < ROUNDS; round++) {
      await groupBy.selectOption('alertname');
      await page.waitForTimeout(1000);
      const events: TraceEvent[] = [];
      const onData = (e: { value: object[] }): void => {
        events.push(...(e.value as TraceEvent[]));
      };
      s.on('Tracing.dataCollected', onData);
      await s.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'v8', 'devtools.timeline', 'disabled-by-default-v8.gc', 'blink'] }, transferMode: 'ReportEvents' });
      // As figure 3b: regroup flat, half a second, then scroll.
      await groupBy.selectOption('');
      await page.waitForTimeout(500);
      const res = (await page.evaluate(SCROLL_SCRIPT)) as ScrollResult | null;
      if (!res) throw new Error('no .alert-scroll element');
      const done = new Promise<void>((r) => s.once('Tracing.tracingComplete', () => r()));
      await s.send('Tracing.end');
      await done;
      s.off('Tracing.dataCollected', onData);
      const t0 = res.startAt;
      const rel = (t: number): number => Math.round(t - t0);
      const pollsIn = polls.filter((p) => p.start < t0 + res.ms && (p.end ?? Infinity) > t0 - 2000).map((p) => `${rel(p.start)}..${p.end ? rel(p.end) : '?'}`);
      console.log(`round ${round}: scroll ${Math.round(res.ms)} ms; long tasks (ms from the scroll's start, duration): ${JSON.stringify(res.longTaskAt)}; Alertmanager polls: ${pollsIn.join(' ') || 'none'}`);
      console.log(`  CPU during the whole scroll: ${cpuBetween(sampler.samples, t0, t0 + res.ms)}`);
      for (const [at, dur] of res.longTaskAt) console.log(`  CPU during the long task at ${at} ms: ${cpuBetween(sampler.samples, t0 + at, t0 + at + dur)}`);
      const main = events.find((e) => e.name === 'FireAnimationFrame');
      for (const t of events.filter((e) => e.ph === 'X' && e.cat.includes('toplevel') && (e.dur ?? 0) >= 40_000 && main && e.pid === main.pid && e.tid === main.tid)) {
        const inside = events
          .filter((e) => e !== t && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur! && (e.dur ?? 0) >= 3000)
          .slice(0, 8)
          .map((e) => `${e.name} ${Math.round(e.dur! / 1000)}${e.tdur !== undefined ? `/${Math.round(e.tdur / 1000)}` : ''}`);
        console.log(`  main-thread task: ${Math.round(t.dur! / 1000)} ms wall, ${t.tdur !== undefined ? Math.round(t.tdur / 1000) : '?'} ms on a core; inside (wall/on a core): ${inside.join(', ')}`);
      }
    }
  } finally {
    sampler.stop();
    await scene.close();
    await scene.am.stop();
    await browser.close();
    await stopAll();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
