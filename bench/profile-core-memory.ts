/**
 * `node --import tsx bench/profile-core-memory.ts [alerts] [minutes] [node flags…]`: the core's RSS with N alerts
 * from a real Alertmanager and churn (1 % resolve, the previous 1 % fire again, every 5 s poll), with a bridge
 * client connected as the renderer would be. A tool for figures 6a/6c without the fleet or a browser; not part
 * of `npm run bench`.
 */
import { startAlertmanager, stopAll } from '../test/support/real-servers';
import { alertmanagerClient, postAlerts, rssBytes, sleep, spawnCore, syntheticAlert } from './util';
import { connectBridge } from './ws-client';

const total = Number(process.argv[2] ?? 50_000);
const minutes = Number(process.argv[3] ?? 2);
const extraNodeArgs = process.argv.slice(4);
const MB = 1024 * 1024;
const pollMs = 5000;
const am = await startAlertmanager();
try {
  const client = alertmanagerClient(am.url);
  await postAlerts(client, 0, total);
  const core = await spawnCore(
    { environments: [{ name: 'am', alertmanager: [{ name: 'alertmanager', url: am.url, timeoutMs: 120_000 }] }], polling: { alertmanagerMs: pollMs, timeoutMs: 120_000 } },
    { extraNodeArgs },
  );
  const bridge = await connectBridge(core.url);
  try {
    await sleep(4 * pollMs);
    const rss0 = rssBytes(core.pid)!;
    const series: number[] = [];
    const slice = Math.max(1, Math.round(total / 100));
    const rounds = Math.ceil((minutes * 60_000) / pollMs);
    for (let round = 0; round < rounds; round++) {
      const now = new Date().toISOString();
      const base = (round * slice) % total;
      const prev = ((round - 1 + Math.ceil(total / slice)) * slice) % total;
      await client.postAlerts([
        ...Array.from({ length: slice }, (_, k) => syntheticAlert((base + k) % total, { endsAt: now })),
        ...(round > 0 ? Array.from({ length: slice }, (_, k) => syntheticAlert((prev + k) % total, { startsAt: now })) : []),
      ]);
      await sleep(pollMs);
      series.push(rssBytes(core.pid) ?? 0);
    }
    const rss1 = rssBytes(core.pid)!;
    console.log(
      `${total} alerts, flags ${extraNodeArgs.join(' ') || '(none)'}: RSS start ${(rss0 / MB).toFixed(0)} MB, end ${(rss1 / MB).toFixed(0)} MB (${((rss1 / rss0 - 1) * 100).toFixed(1)} %), max ${(Math.max(...series) / MB).toFixed(0)} MB over ${rounds} polls; series ${series.map((b) => (b / MB).toFixed(0)).join(' ')}`,
    );
  } finally {
    bridge.close();
    await core.stop();
  }
} finally {
  await am.stop();
  await stopAll();
}
