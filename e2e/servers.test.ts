/**
 * The Servers pane in Chromium against a REAL Prometheus scraping a real node_exporter and two synthetic fleets
 * (jobs "web" and "db", honor_labels), evaluating the demo rules into a real Alertmanager, plus a local
 * HTTP server for health checks: tiles, colours, summary, sorting, grouping, filter, drill-down, log pivot,
 * screenshots in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, startNodeExporter, startPrometheus, stopAll, type RunningServer } from '../test/support/real-servers';
import { startSyntheticExporter, syntheticScrapeConfig, type SyntheticExporter } from '../test/support/synthetic-exporter';
import { DEMO_ALERTMANAGER_CONFIG_FILE, DEMO_RULES_FILE } from '../test/support/demo-stack';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor as waitForShared } from '../test/support/wait';

let prom: RunningServer;
let am: RunningServer;
let node: RunningServer;
let web: SyntheticExporter;
let db: SyntheticExporter;
let hc: http.Server;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;

const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30000) => waitForShared(what, fn, timeoutMs, { intervalMs: 200 });

/** The synthetic scrape config with the job label set to `job` instead of "node". */
function withJob(cfg: object, job: string): object {
  const c = JSON.parse(JSON.stringify(cfg)) as { job_name: string; relabel_configs: { target_label?: string; replacement?: string }[] };
  c.job_name = `synthetic-${job}`;
  for (const r of c.relabel_configs) if (r.target_label === 'job') r.replacement = job;
  return c;
}

const region = () => page.getByRole('region', { name: 'Servers' });
const tiles = () => region().locator('button.srv-tile');
const instancesShown = () => tiles().evaluateAll((els) => els.map((e) => e.getAttribute('data-instance') ?? ''));

before(async () => {
  [node, web, db, am] = await Promise.all([
    startNodeExporter(),
    startSyntheticExporter({ instances: 14, prefix: 'web-', seed: 3 }),
    startSyntheticExporter({ instances: 10, prefix: 'db-', seed: 7 }),
    startAlertmanager({ configYaml: readFileSync(DEMO_ALERTMANAGER_CONFIG_FILE, 'utf8') }),
  ]);
  prom = await startPrometheus({
    ruleFiles: [DEMO_RULES_FILE],
    alertmanagerUrls: [am.url],
    scrapeConfigs: [
      { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${node.port}`] }] },
      withJob(syntheticScrapeConfig(web, { scrapeIntervalSec: 1 }), 'web'),
      withJob(syntheticScrapeConfig(db, { scrapeIntervalSec: 1 }), 'db'),
    ],
  });
  web.setDown(web.instances[5]!, true);
  hc = http.createServer((req, res) => {
    if (req.url === '/health') res.end('ok');
    else {
      res.statusCode = 503;
      res.end('upstream bridge unavailable');
    }
  });
  await new Promise<void>((r) => hc.listen(0, '127.0.0.1', r));
  const hcUrl = `http://127.0.0.1:${(hc.address() as AddressInfo).port}`;
  consoleHost = await startConsole({
    environments: [
      {
        name: 'production',
        prometheus: [{ name: 'prometheus', url: prom.url }],
        alertmanager: [{ name: 'alertmanager', url: am.url }],
        healthChecks: [
          { name: 'bridge /health', url: `${hcUrl}/health`, intervalMs: 2000 },
          { name: 'discovery /servers', url: `${hcUrl}/servers`, intervalMs: 2000 },
        ],
      },
    ],
    polling: { prometheusMs: 2000, alertmanagerMs: 2000, sparklineMs: 5000 },
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(`${consoleHost.host.url}#/servers`);
  await region().waitFor({ timeout: 20_000 });
  // Every tile with its CPU value (rate() needs two scrapes).
  await waitFor('all 25 tiles with values', () => {
    const t = consoleHost.features.fleet.current().tiles;
    return t.length === 25 && t.filter((x) => x.up).every((x) => x.values.cpu !== null && x.values.netRx !== null);
  });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  hc?.closeAllConnections();
  await new Promise<void>((r) => (hc ? hc.close(() => r()) : r()));
  await Promise.allSettled([web?.stop(), db?.stop()]);
  await stopAll();
});

test('one tile per target, named by instance and state, worst first; summary counts match', async () => {
  await waitFor('25 tiles in the grid', async () => (await tiles().count()) === 25);
  const down = web.instances[5]!;
  const downTile = region().getByRole('button', { name: new RegExp(`^${down.replace('.', '\\.')} down`) });
  await downTile.waitFor();
  assert.equal((await instancesShown())[0], down, 'the down server sorts first');
  const state = consoleHost.features.fleet.current();
  const crit = state.tiles.find((t) => t.state === 'critical')!;
  await region().getByRole('button', { name: new RegExp(`^${crit.instance} critical`) }).waitFor();
  // Every tile's accessible name starts with its instance and state.
  const names = await tiles().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  for (const n of names) assert.match(n, /^\S+ (ok|warning|critical|down)/);
  // Summary bar shows the core's counts.
  const summary = page.getByRole('group', { name: 'Fleet summary' });
  for (const st of ['ok', 'warning', 'critical', 'down'] as const) {
    const expected = consoleHost.features.fleet.current().summary[st];
    await waitFor(`summary ${st}`, async () => (await summary.getByRole('button', { name: new RegExp(`^${expected} ${st}$`) }).count()) === 1);
  }
});

test('colours: critical, warning, down and ok tiles differ, with the theme colours', async () => {
  const colour = (st: string) => region().locator(`button.srv-tile[data-state="${st}"]`).first().evaluate((e) => getComputedStyle(e).borderLeftColor);
  const bg = (st: string) => region().locator(`button.srv-tile[data-state="${st}"]`).first().evaluate((e) => getComputedStyle(e).backgroundColor);
  const c = { ok: await colour('ok'), warning: await colour('warning'), critical: await colour('critical'), down: await colour('down') };
  assert.equal(new Set(Object.values(c)).size, 4, JSON.stringify(c));
  assert.equal(c.critical, 'rgb(180, 35, 24)', 'critical uses --crit of the light theme');
  assert.notEqual(await bg('critical'), await bg('ok'));
  // Metric values over a threshold are coloured too.
  const critMetric = region().locator('button.srv-tile[data-state="critical"] .lvl-critical').first();
  assert.equal(await critMetric.count(), 1);
});

test('keyboard: arrow keys move the focus between tiles', async () => {
  const names = await instancesShown();
  await tiles().first().focus();
  await page.keyboard.press('ArrowRight');
  await waitFor('second tile focused', async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-instance'))) === names[1]);
  await page.keyboard.press('End');
  await waitFor('last tile focused', async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-instance'))) === names[names.length - 1]);
  await page.keyboard.press('Home');
  await waitFor('first tile focused', async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-instance'))) === names[0]);
});

test('health checks are tiles of their own with status, latency and error text', async () => {
  const list = page.getByRole('list', { name: 'Health checks' });
  await list.getByRole('listitem', { name: 'bridge /health ok' }).waitFor();
  const bad = list.getByRole('listitem', { name: 'discovery /servers critical' });
  await bad.waitFor();
  assert.match(await bad.innerText(), /expected HTTP 200, got 503: upstream bridge unavailable/);
  assert.match(await bad.innerText(), /HTTP 503 · \d+ ms/);
});

test('sorting by name and by a metric', async () => {
  const sort = page.getByLabel('Sort servers');
  await sort.selectOption('name');
  const byName = await instancesShown();
  assert.deepEqual(byName, [...byName].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
  await sort.selectOption('memory');
  const byMem = await instancesShown();
  const mem = new Map(consoleHost.features.fleet.current().tiles.map((t) => [t.instance, t.values.memory ?? -Infinity]));
  const values = byMem.map((i) => mem.get(i)!);
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1]! >= values[i]!, `memory order at ${i}: ${values.join(',')}`);
  await sort.selectOption('worst');
});

test('grouping by job and filtering by label and text', async () => {
  await page.getByLabel('Group servers by').selectOption('job');
  const groups = region().getByRole('group', { name: /^job / });
  await waitFor('three job groups', async () => (await groups.count()) === 3);
  const labels = await groups.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.deepEqual([...labels].sort(), ['job db', 'job node', 'job web']);
  assert.equal(await region().getByRole('group', { name: 'job db' }).locator('button.srv-tile').count(), 10);
  await page.getByLabel('Filter servers').fill('job=db');
  await waitFor('only db tiles', async () => (await tiles().count()) === 10);
  assert.ok((await instancesShown()).every((i) => i.startsWith('db-')));
  await page.getByLabel('Filter servers').fill('web-00');
  await waitFor('web-00x tiles', async () => (await tiles().count()) === 9);
  await page.getByLabel('Filter servers').fill('no-such-host');
  await page.getByText('No server matches.').waitFor();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await waitFor('all tiles back', async () => (await tiles().count()) === 25);
  // The summary bar filters by state.
  await page.getByRole('group', { name: 'Fleet summary' }).getByRole('button', { name: /down$/ }).click();
  await waitFor('only down', async () => (await tiles().count()) === 1);
  await page.getByRole('group', { name: 'Fleet summary' }).getByRole('button', { name: /down$/ }).click();
  await page.getByLabel('Group servers by').selectOption('');
});

test('alerts firing show on their tiles; screenshots of the fleet', async () => {
  // The demo rules fire after `for: 30s`; Alertmanager adds its group wait.
  const withAlerts = await waitFor('a tile with alerts firing', () => consoleHost.features.fleet.current().tiles.find((t) => t.alertsFiring > 0), 120_000);
  await region().getByRole('button', { name: new RegExp(`^${withAlerts.instance} .*alerts? firing`) }).waitFor();
  // Sparklines are on a 30 s grid over the last hour: wait until a fresh Prometheus has three points of them.
  await waitFor('sparklines with three points', () => Object.values(consoleHost.features.fleet.currentSparklines().bySource.prometheus ?? {}).some((l) => l.cpu.filter((v) => v !== null).length >= 3), 120_000);
  await waitFor('sparklines drawn', async () => (await region().locator('.srv-spark svg path.spark-cpu[d^="M"]').count()) > 0, 20_000);
  await screenshotBothThemes(page, 'servers');
});

test('drill-down: larger charts over a chosen range, alerts firing, custom range errors, log pivot', async () => {
  const target = consoleHost.features.fleet.current().tiles.find((t) => t.alertsFiring > 0 && t.up)!;
  await region().getByRole('button', { name: new RegExp(`^${target.instance} `) }).click();
  const view = page.getByRole('region', { name: `Server ${target.instance}` });
  await view.waitFor();
  for (const title of ['CPU %', 'Memory %', 'Disk % (per filesystem)', 'Network (bytes/s)', 'Load (1m)']) {
    await view.getByRole('figure', { name: title }).waitFor();
  }
  await waitFor('chart lines', async () => (await view.locator('.srv-chart .recharts-line-curve').count()) >= 5);
  const alerts = view.getByRole('complementary', { name: 'Alerts firing' });
  await waitFor('alerts listed', async () => (await alerts.getByRole('listitem').count()) === target.alertsFiring);
  await view.getByRole('button', { name: '15m' }).click();
  assert.equal(await view.getByRole('button', { name: '15m' }).getAttribute('aria-pressed'), 'true');
  await waitFor('15m charts', async () => (await view.locator('.srv-chart .recharts-line-curve').count()) >= 5);
  await screenshotBothThemes(page, 'server-drilldown');

  // A custom range the wrong way round is refused with a clear message, keeping what was typed.
  await view.getByLabel('Custom range from').fill('2026-01-02T10:00');
  await view.getByLabel('Custom range to').fill('2026-01-01T10:00');
  await view.getByRole('button', { name: 'Apply custom' }).click();
  await page.getByRole('alert').filter({ hasText: '"To" must be after "From".' }).waitFor();
  assert.equal(await view.getByLabel('Custom range from').inputValue(), '2026-01-02T10:00');
  await view.getByLabel('Custom range from').fill('');
  const from = new Date(Date.now() - 30 * 60_000);
  const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await view.getByLabel('Custom range from').fill(local(from));
  await view.getByLabel('Custom range to').fill(local(new Date(Date.now() + 60_000)));
  await view.getByRole('button', { name: 'Apply custom' }).click();
  await waitFor('custom pressed', async () => (await view.getByRole('button', { name: 'Apply custom' }).getAttribute('aria-pressed')) === 'true');

  await view.getByRole('button', { name: 'Search logs' }).click();
  await waitFor('logs pane', async () => (await page.evaluate(() => location.hash)) === '#/logs');
  // Back to the servers: the drill-down is still open; Escape returns to the grid.
  await page.getByRole('navigation').getByRole('button', { name: 'Servers' }).click().catch(() => page.goto(`${consoleHost.host.url}#/servers`));
  await view.waitFor();
  await page.keyboard.press('Escape');
  await region().waitFor();
});

test('Prometheus gone: tiles keep their last values, visibly stale with their age', async () => {
  const before = await tiles().count();
  prom.kill();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('alert').filter({ hasText: /prometheus not answering: .+ — showing its last values/ }).waitFor({ timeout: 20_000 });
  await waitFor('stale tiles', async () => (await region().getByRole('button', { name: /stale, last value \d+s ago/ }).count()) === before, 20_000);
  assert.match(await tiles().first().innerText(), /stale · \d+s old/);
  await page.getByRole('group', { name: 'Fleet summary' }).getByText(`${before} stale`).waitFor();
});
