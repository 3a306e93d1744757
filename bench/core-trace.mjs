// Preload for a diagnostic run (`node --import ./bench/core-trace.mjs …`, e.g. through BENCH_CORE_NODE_FLAGS):
// appends one JSON line per outgoing HTTP request event of undici (created, headers sent, answer's headers,
// complete), with the wall-clock time in ms (performance.timeOrigin + performance.now(), comparable across
// processes), to the file named by BENCH_CORE_TRACE. Not part of the app.
import { appendFileSync } from 'node:fs';
import diagnostics from 'node:diagnostics_channel';

const file = process.env.BENCH_CORE_TRACE;
if (file) {
  const ids = new WeakMap();
  let next = 0;
  const log = (ev, request) => {
    if (!ids.has(request)) ids.set(request, ++next);
    appendFileSync(file, `${JSON.stringify({ t: performance.timeOrigin + performance.now(), ev, id: ids.get(request), path: request.path?.slice(0, 80) })}\n`);
  };
  diagnostics.subscribe('undici:request:create', ({ request }) => log('create', request));
  diagnostics.subscribe('undici:client:sendHeaders', ({ request }) => log('sent', request));
  diagnostics.subscribe('undici:request:headers', ({ request }) => log('headers', request));
  diagnostics.subscribe('undici:request:trailers', ({ request }) => log('done', request));
}
