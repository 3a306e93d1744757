/**
 * Figure 2 — alerts, warm: a poll in which 1% of the alerts changed (their summary annotation, reposted to
 * Alertmanager). (a) bytes the core sends to the renderer for that poll, as a share of the Alertmanager
 * payload; (b) the renderer's main-thread time for the update (page-probe armBusy: from the message's arrival
 * until the main thread is quiet again, three frames later at least).
 */
import { le, type Figure } from './report';
import type { AlertsScene } from './alerts-scene';
import type { BenchWindow, BusyResult } from './page-probe';
import { alertmanagerClient, fetchAndParse, median, syntheticAlert, waitFor } from './util';

export async function alertsWarm(scene: AlertsScene, rounds = 3): Promise<Figure[]> {
  const { page, total } = scene;
  await waitFor('inbox shows every alert', async () => (await page.locator('.list-count').textContent())?.startsWith(`${total} alerts`), 120_000, 250);
  const am = alertmanagerClient(scene.am.url);
  const changed = Math.max(1, Math.round(total / 100));
  const shares: number[] = [];
  const diffBytes: number[] = [];
  const busy: BusyResult[] = [];
  let payloadBytes = 0;
  for (let round = 1; round <= rounds; round++) {
    // Bytes exactly as the browser host writes them: one JSON text per event.
    let sent = 0;
    let diff = 0;
    let seen = false;
    const unsubscribe = scene.console.core.subscribe((e) => {
      const n = Buffer.byteLength(JSON.stringify({ t: 'evt', name: e.name, payload: e.payload }));
      sent += n;
      if (e.name === 'alerts.update') {
        diff += n;
        seen = true;
      }
    });
    const busyP = page.evaluate((ms) => (window as unknown as BenchWindow).__bench.armBusy('alerts.update', ms), 10_000);
    const stride = Math.floor(total / changed);
    await am.postAlerts(Array.from({ length: changed }, (_, k) => syntheticAlert(k * stride, { summary: `changed in round ${round}` })));
    await waitFor('the diff of the changed alerts', () => seen, 120_000, 50);
    const b = await busyP;
    unsubscribe();
    payloadBytes = (await fetchAndParse(scene.am.url)).bytes;
    shares.push(sent / payloadBytes);
    diffBytes.push(diff);
    busy.push(b);
  }
  const share = median(shares);
  const busyMs = median(busy.map((b) => b.busyMs));
  return [
    {
      id: '2a',
      name: `alerts warm: bytes core → renderer for a poll with 1% (${changed}) changed ÷ Alertmanager payload`,
      value: share * 100,
      unit: '%',
      target: '≤ 2 %',
      pass: le(share * 100, 2),
      detail: { payloadBytes, sentBytesShareRuns: shares.map((s) => +(s * 100).toFixed(3)), diffBytesRuns: diffBytes },
    },
    {
      id: '2b',
      name: 'alerts warm: renderer main-thread time for that update',
      value: busyMs,
      unit: 'ms',
      target: '≤ 16 ms',
      pass: le(busyMs, 16),
      detail: { runs: busy.map((b) => ({ busyMs: Math.round(b.busyMs * 10) / 10, spanMs: Math.round(b.spanMs), frames: b.frames })) },
    },
  ];
}
