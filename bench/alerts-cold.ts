/**
 * Figure 1 — alerts, cold: from the console's poll start (the switch to the environment, which starts the
 * first Alertmanager poll) to the first rows visible in the inbox in Chromium, divided by the time plain Node
 * takes to fetch and JSON.parse the same /api/v2/alerts answer, in the same run.
 */
import { le, type Figure } from './report';
import { ALERT_LIST_ROW, type AlertsScene } from './alerts-scene';
import { whenVisible } from './page-probe';
import { fetchAndParse, median } from './util';

export async function alertsCold(scene: AlertsScene): Promise<Figure> {
  const base: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const r = await fetchAndParse(scene.am.url);
    base.push(r.ms);
    bytes = r.bytes;
  }
  const t0 = Date.now();
  const switched = await scene.console.core.invoke('core.selectEnvironment', { name: 'big' });
  if (!switched.ok) throw new Error(`selectEnvironment failed: ${JSON.stringify(switched)}`);
  const tRows = await whenVisible(scene.page, ALERT_LIST_ROW, 180_000);
  const consoleMs = tRows - t0;
  for (let i = 0; i < 2; i++) base.push((await fetchAndParse(scene.am.url)).ms);
  const nodeMs = median(base);
  const ratio = consoleMs / nodeMs;
  return {
    id: '1',
    name: `alerts cold: poll start → first rows (${scene.total} alerts) ÷ Node fetch+parse`,
    value: ratio,
    unit: '×',
    target: '≤ 1.5',
    pass: le(ratio, 1.5),
    detail: { consoleMs: Math.round(consoleMs), nodeFetchParseMs: Math.round(nodeMs), nodeRunsMs: base.map(Math.round), payloadBytes: bytes },
  };
}
