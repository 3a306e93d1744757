// Preload for a diagnostic run (`node --import ./bench/core-memlog.mjs …`): appends the process'
// memoryUsage() split (rss, heapUsed, heapTotal, external, arrayBuffers) and each V8 heap space's committed
// and used size (`spaces`: name → [size, used]) as one JSON line every 5 s to the file
// named by BENCH_CORE_MEMLOG. Used by bench/memory.ts when that variable is set; not part of the app.
import { appendFileSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_CORE_MEMLOG;
if (file) {
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    // Where RSS lives outside V8: glibc's main arena ([heap]), anonymous memory and mapped files (kB).
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    const smaps = readFileSync('/proc/self/smaps', 'utf8');
    const heapMap = /\[heap\]\n(?:.*\n)*?Rss:\s+(\d+)/.exec(smaps);
    appendFileSync(file, `${JSON.stringify({ s: Math.round((Date.now() - t0) / 1000), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rssAnonKb: kb('RssAnon'), rssFileKb: kb('RssFile'), mallocHeapKb: Number(heapMap?.[1] ?? 0), spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, [x.space_size, x.space_used_size]])) })}\n`);
  }, 5000);
  timer.unref();
}
