// Preload for a diagnostic run (`node --import ./bench/core-memlog.mjs …`): appends the process'
// memoryUsage() split (rss, heapUsed, heapTotal, external, arrayBuffers) and each V8 heap space's committed
// and used size (`spaces`: name → [size, used]) as one JSON line every 5 s to the file
// named by BENCH_CORE_MEMLOG. Used by bench/memory.ts when that variable is set; not part of the app.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_CORE_MEMLOG;
if (file) {
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ s: Math.round((Date.now() - t0) / 1000), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, [x.space_size, x.space_used_size]])) })}\n`);
  }, 5000);
  timer.unref();
}
