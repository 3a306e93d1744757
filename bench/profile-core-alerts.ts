/**
 * `node --import tsx bench/profile-core-alerts.ts [alerts]`: where the core's time goes in a cold poll of N
 * alerts from a real Alertmanager — fetch, JSON.parse, schema validation, HA merge, ack application, diff,
 * and the JSON text the browser host sends. A tool for figure 1; not part of `npm run bench`.
 */
import { startAlertmanager, stopAll } from '../test/support/real-servers';
import { parseAlerts } from '../main/clients/alertmanager';
import { mergeAlerts, diffAlerts } from '../main/alerts/alert-merge';
import { applyAcks } from '../main/alerts/silence-logic';
import { alertmanagerClient, postAlerts } from './util';

const total = Number(process.argv[2] ?? 50_000);
const am = await startAlertmanager();
try {
  await postAlerts(alertmanagerClient(am.url), 0, total);
  for (let round = 0; round < 3; round++) {
    const t: Record<string, number> = {};
    let t0 = performance.now();
    const mark = (name: string): void => {
      const now = performance.now();
      t[name] = Math.round(now - t0);
      t0 = now;
    };
    const res = await fetch(`${am.url}/api/v2/alerts`);
    const text = await res.text();
    mark('fetch');
    const raw = JSON.parse(text) as unknown;
    mark('JSON.parse');
    const alerts = parseAlerts(raw);
    mark('zod validation');
    const merged = mergeAlerts([{ source: 'am', alerts }]);
    mark('merge');
    const acked = applyAcks(merged, []);
    mark('applyAcks');
    const { upserted } = diffAlerts(new Map(), acked);
    mark('diff');
    const wire = JSON.stringify({ t: 'evt', name: 'alerts.update', payload: { kind: 'diff', seq: 1, environment: 'big', upserted, removed: [] } });
    mark('JSON.stringify for the bridge');
    JSON.parse(wire);
    mark('JSON.parse of that text (what the renderer does)');
    console.log(`${total} alerts, ${(text.length / 1e6).toFixed(1)} MB from Alertmanager, ${(wire.length / 1e6).toFixed(1)} MB to the renderer:`, JSON.stringify(t));
  }
} finally {
  await am.stop();
  await stopAll();
}
