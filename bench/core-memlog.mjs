// Preload for a diagnostic run (`node --import ./bench/core-memlog.mjs …`): appends the process'
// memoryUsage() split (rss, heapUsed, heapTotal, external, arrayBuffers) as one JSON line every 5 s to the file
// named by BENCH_CORE_MEMLOG. Used by bench/memory.ts when that variable is set; not part of the app.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_CORE_MEMLOG;
if (file) {
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ s: Math.round((Date.now() - t0) / 1000), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
  }, 5000);
  timer.unref();
}
