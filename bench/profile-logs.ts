/**
 * `node --import tsx bench/profile-logs.ts [core|renderer|both|cpu] [runs]`: where figure 5a/5a′'s time goes.
 * cpu: the core's CPU time per search (utime+stime from /proc, not wall time: steady on a busy machine), for
 * 500- and 10,000-hit pages, with the bridge bytes and the client's parse + decode CPU time.
 * core: the real core in its own process under `node --cpu-prof`, `runs` 10,000-hit searches over the bridge;
 * prints the top self-time functions of the core and the bridge client's timings (request → answer, parse).
 * renderer: the Logs pane in Chromium, a CDP CPU profile around `runs` 500-hit searches (mapped through
 * dist/renderer/app.js.map); prints the top self-time functions and the per-search time.
 * A tool for finding why 5a/5a′ miss; not part of `npm run bench`. Run `node scripts/build.mjs` first.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { decodeLogHits, type LogHitTable } from '../preload/contract';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, newPage } from '../e2e/support/chromium';
import { startEsTestServer } from '../test/support/es-test-server/index';
import { startCountingProxy } from './proxy';
import { spawnCore } from './util';
import { connectBridge } from './ws-client';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

const require_ = createRequire(import.meta.url);
const { SourceMapConsumer } = require_('source-map') as {
  SourceMapConsumer: new (raw: string) => { originalPositionFor(p: { line: number; column: number }): { source: string | null; line: number | null; name: string | null } };
};

function top(profile: CpuProfile, where: (f: CpuProfile['nodes'][number]['callFrame']) => string, n = 30): string[] {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
    total += us;
    const k = where(node.callFrame);
    byName.set(k, (byName.get(k) ?? 0) + us);
  }
  const rows = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [`busy ${(total / 1000).toFixed(0)} ms`, ...rows.map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`)];
}

const mode = process.argv[2] ?? 'both';
const runs = Number(process.argv[3] ?? 5);
const endMs = Date.now();
const spanMs = 24 * 3600_000;
const es = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 120_000, seed: 1, endMs, spanMs });
const proxy = await startCountingProxy(es.url);
const profDir = mkdtempSync(join(tmpdir(), 'logs-prof-'));
const core = await spawnCore(
  { environments: [{ name: 'logs', elasticsearch: [{ name: 'es', url: proxy.url, index: 'logs-*', flavor: 'elasticsearch', timeoutMs: 120_000 }] }] },
  {
    // BENCH_CORE_NODE_FLAGS (read by spawnCore) adds Node flags, e.g. --trace-gc or --max-semi-space-size=32.
    extraNodeArgs: [
      ...(mode === 'renderer' || mode === 'cpu' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=200']),
    ],
  },
);
try {
  if (mode === 'cpu') {
    const bridge = await connectBridge(core.url);
    const cpuMs = (): number => {
      const f = (readFileSync(`/proc/${core.pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      return (Number(f[11]) + Number(f[12])) * 10;
    };
    for (const size of [500, 10_000]) {
      const one = async (): Promise<{ bytes: number; clientUs: number }> => {
        const t0 = process.cpuUsage();
        const r = await bridge.invoke('logs.search', { query: '*', from: endMs - spanMs, to: endMs, size });
        const res = r.result as { cursor: string | null; hits: LogHitTable };
        decodeLogHits(res.hits);
        const c = process.cpuUsage(t0);
        if (res.cursor) await bridge.invoke('logs.closeCursor', { cursor: res.cursor });
        return { bytes: r.bytes, clientUs: c.user + c.system };
      };
      for (let i = 0; i < 3; i++) await one();
      const c0 = cpuMs();
      let bytes = 0;
      for (let i = 0; i < runs; i++) bytes = (await one()).bytes;
      console.log(`size ${size}: core CPU ${((cpuMs() - c0) / runs).toFixed(1)} ms per search (incl. the histogram and top-values answers), ${bytes} bytes over the bridge`);
    }
    bridge.close();
  } else if (mode !== 'renderer') {
    const bridge = await connectBridge(core.url);
    const args = { query: '', from: endMs - spanMs, to: endMs, size: 10_000 };
    for (let i = 0; i < runs + 1; i++) {
      const t0 = performance.now();
      const r = await bridge.invoke('logs.search', args);
      const ms = performance.now() - t0;
      const res = r.result as { cursor: string | null };
      if (res.cursor) await bridge.invoke('logs.closeCursor', { cursor: res.cursor });
      console.log(`search ${i}: ${ms.toFixed(0)} ms, ${r.bytes} bytes`);
    }
    bridge.close();
  }
  if (mode !== 'core' && mode !== 'cpu') {
    const smc = new SourceMapConsumer(readFileSync('dist/renderer/app.js.map', 'utf8'));
    const where = (f: CpuProfile['nodes'][number]['callFrame']): string => {
      if (!f.url.endsWith('app.js')) return `${f.functionName || '(anon)'} ${f.url.split('/').pop()}`;
      const o = smc.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
      return `${o.name ?? f.functionName} ${(o.source ?? '?').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '')}:${o.line}`;
    };
    const browser = await launchChromium();
    try {
      const { page } = await newPage(browser);
      await page.goto(`${core.url}#/logs`);
      const pane = page.getByRole('region', { name: 'Logs' });
      await pane.waitFor({ timeout: 60_000 });
      await pane.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24h', exact: true }).click();
      await page.locator('[aria-label="Search summary"]:not([data-loading])').waitFor({ timeout: 60_000 });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      for (let i = 0; i < runs; i++) {
        const q = i % 2 ? '* ' : '*';
        await pane.getByRole('searchbox', { name: 'Query' }).fill(q);
        await page.waitForTimeout(200);
        const ms = await page.evaluate(`(async (expected) => {
          const btn = document.querySelector('form[aria-label="Log query"] button[type="submit"]');
          const t0 = performance.now();
          btn.click();
          for (;;) {
            await new Promise((r) => requestAnimationFrame(r));
            const sum = document.querySelector('[aria-label="Search summary"]');
            if (sum && sum.getAttribute('data-query') === expected && !sum.hasAttribute('data-loading')) return performance.now() - t0;
          }
        })(${JSON.stringify(q)})`);
        console.log(`pane search ${i}: ${(ms as number).toFixed(0)} ms`);
        await page.waitForTimeout(300);
      }
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      console.log('renderer self time:');
      for (const l of top(profile, where)) console.log(`  ${l}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await core.stop();
  await proxy.stop();
  await es.stop();
}
if (mode !== 'renderer' && mode !== 'cpu') {
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) {
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
    console.log(`core self time (${join(profDir, file)}):`);
    for (const l of top(profile, (f) => `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`)) console.log(`  ${l}`);
  } else console.log('no core profile written');
}
