/**
 * `node --import tsx bench/profile-fleet.ts [servers] [runs]`: the timeline of figure 4b — from the switch to the
 * Prometheus environment to the first tile in Chromium: each request to Prometheus (through the counting
 * proxy), each fleet event the core emits (size, time to stringify), when the page receives it, the first
 * tile; plus a CDP CPU profile of the renderer over the window. A tool for finding why 4b misses; not part of
 * `npm run bench`.
 */
import { launchChromium, newPage } from '../e2e/support/chromium';
import { startConsole } from '../e2e/support/console-host';
import { startDemoStack } from '../test/support/demo-stack';
import { stopAll } from '../test/support/real-servers';
import { waitForTargets, TILE } from './fleet';
import { addProbe, whenVisible, type BenchWindow } from './page-probe';
import { startCountingProxy } from './proxy';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sleep } from './util';

const require_ = createRequire(import.meta.url);
// source-map 0.6 (a dependency of the toolchain): synchronous consumer.
const { SourceMapConsumer } = require_('source-map') as { SourceMapConsumer: new (raw: string) => { originalPositionFor(p: { line: number; column: number }): { source: string | null; line: number | null; name: string | null } } };
const smc = new SourceMapConsumer(readFileSync('dist/renderer/app.js.map', 'utf8'));
const where = (f: { functionName: string; url: string; lineNumber: number; columnNumber: number }): string => {
  if (!f.url.endsWith('app.js')) return `${f.functionName || '(anon)'} ${f.url.split('/').pop()}`;
  const o = smc.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
  return `${o.name ?? f.functionName} ${(o.source ?? '?').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '')}:${o.line}`;
};

const servers = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 3);
const abs = (perfNow: number): number => performance.timeOrigin + perfNow;

const stack = await startDemoStack({ syntheticInstances: servers });
const browser = await launchChromium();
try {
  await waitForTargets(stack, servers);
  for (let run = 0; run < runs; run++) {
    const proxy = await startCountingProxy(stack.prometheusUrl);
    const c = await startConsole({
      environments: [{ name: 'empty' }, { name: 'fleet', prometheus: [{ name: 'prometheus', url: proxy.url, timeoutMs: 60_000 }] }],
      defaultEnvironment: 'empty',
      polling: { prometheusMs: 3000, alertmanagerMs: 10_000, sparklineMs: 60_000, timeoutMs: 60_000 },
    });
    const events: { t: number; name: string; chars: number; note: string }[] = [];
    const origEmit = c.core.emit.bind(c.core);
    (c.core as unknown as { emit: (t: string, p: unknown) => void }).emit = (topic: string, payload: unknown) => {
      const t = Date.now();
      const s = JSON.stringify(payload);
      const p = payload as { kind?: string; upserted?: unknown[] };
      events.push({ t, name: topic, chars: s.length, note: `${p.kind ?? ''} ${p.upserted ? `${p.upserted.length} upserted` : ''} stringify ${(Date.now() - t).toFixed(0)}ms` });
      origEmit(topic as never, payload as never);
    };
    const { page } = await newPage(browser);
    await addProbe(page);
    await page.goto(`${c.host.url}#/servers`);
    await page.getByRole('region', { name: /Servers/ }).first().waitFor({ timeout: 60_000 });
    await sleep(500);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);
    const msgsBefore = await page.evaluate(() => (window as unknown as BenchWindow).__bench.msgs.length);
    const t0 = Date.now();
    const sw = c.core.invoke('core.selectEnvironment', { name: 'fleet' });
    const tTiles = await whenVisible(page, TILE, 60_000);
    const tSw = await sw.then(() => Date.now());
    await sleep(300);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[]; startTime: number } };
    const msgs = (await page.evaluate(() => (window as unknown as BenchWindow).__bench.msgs)).slice(msgsBefore);
    const lines: [number, string][] = [];
    lines.push([t0, 'selectEnvironment']);
    lines.push([tSw, 'selectEnvironment resolved']);
    for (const e of proxy.log) lines.push([abs(e.start), `→ ${e.path} ${decodeURIComponent(e.body).slice(6, 50)} (${(e.end - e.start).toFixed(0)} ms, done at +${(abs(e.end) - t0).toFixed(0)})`]);
    for (const e of events) lines.push([e.t, `emit ${e.name} ${e.chars} chars ${e.note}`]);
    for (const m of msgs) lines.push([pageOrigin + m.t, `page got ${m.name} ${m.chars} chars`]);
    lines.push([tTiles, 'FIRST TILE']);
    lines.sort((a, b) => a[0] - b[0]);
    console.log(`\n== run ${run + 1}, ${servers} servers: ${tTiles - t0} ms`);
    for (const [t, s] of lines) if (t - t0 < 5000) console.log(`${String(Math.round(t - t0)).padStart(6)}  ${s}`);
    // Renderer self and inclusive time by function (mapped to the sources).
    type N = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
    const nodes = profile.nodes as unknown as N[];
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
    const selfT = new Map<string, number>();
    const incl = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      const leaf = byId.get(id)!;
      const k0 = where(leaf.callFrame);
      selfT.set(k0, (selfT.get(k0) ?? 0) + dt);
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const k = where(byId.get(cur)!.callFrame);
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
    });
    const show = (m: Map<string, number>, n: number): void => {
      for (const [k, us] of [...m].filter(([k]) => !/^\((idle|program|root)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
    };
    console.log('renderer self time (top 15, whole window):');
    show(selfT, 15);
    console.log('renderer inclusive time (top 30):');
    show(incl, 30);
    await page.context().close();
    await c.stop();
    await proxy.stop();
  }
} finally {
  await browser.close();
  await stack.stop();
  await stopAll();
}
