/**
 * The alert inbox in Chromium against a REAL Alertmanager (alerts posted through its API) and a real Prometheus
 * (a rule with a long `for`, for pending alerts): acknowledge in the UI and check Alertmanager's own API, silence
 * with preview (including a refusal that keeps what was typed), expire, keyboard, screenshots in both themes.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient, type GettableSilence } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor as waitForShared } from '../test/support/wait';

let am: RunningServer;
let prom: RunningServer;
let client: AlertmanagerClient;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
let rulesDir: string;

const cpu1 = { alertname: 'HighCPUUsage', instance: 'server-001:9100', severity: 'critical', job: 'node', team: 'infrastructure' };
const cpu2 = { alertname: 'HighCPUUsage', instance: 'server-002:9100', severity: 'critical', job: 'node', team: 'infrastructure' };
const disk = { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'warning', job: 'node', team: 'storage' };
const load = { alertname: 'HighLoadAverage', instance: 'server-004:9100', severity: 'warning', job: 'node', team: 'infrastructure' };
const info = { alertname: 'HighCapacityUsage', instance: 'server-005:9100', severity: 'info', job: 'node', team: 'capacity' };

const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15000) => waitForShared(what, fn, timeoutMs, { intervalMs: 150 });

function matchesAllLabelsExactly(s: GettableSilence, labels: Record<string, string>): boolean {
  return s.matchers.length === Object.keys(labels).length && s.matchers.every((m) => !m.isRegex && m.isEqual && labels[m.name] === m.value);
}

before(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'ops-console-e2e-rules-'));
  const rules = join(rulesDir, 'pending.yml');
  writeFileSync(
    rules,
    `groups:\n  - name: capacity\n    interval: 1s\n    rules:\n      - alert: DiskWillFillIn4h\n        expr: label_replace(vector(1), "instance", "db-2:9100", "", "")\n        for: 15m\n        labels:\n          severity: warning\n        annotations:\n          summary: "Disk on db-2 fills within 4 hours at the current rate"\n`,
  );
  [am, prom] = await Promise.all([startAlertmanager(), startPrometheus({ ruleFiles: [rules] })]);
  client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  await client.postAlerts([
    { labels: cpu1, startsAt: minutesAgo(42), annotations: { summary: 'CPU above 95% for 5 minutes', description: 'CPU usage is 97.3% on server-001.', runbook_url: 'https://runbooks.example.com/cpu#high' }, generatorURL: 'http://prometheus.example:9090/graph?g0.expr=cpu' },
    { labels: cpu2, startsAt: minutesAgo(12), annotations: { summary: 'CPU above 95% for 5 minutes', runbook_url: 'javascript:alert(1)' } },
    { labels: disk, startsAt: minutesAgo(180), annotations: { summary: 'Disk 85% full on /var' } },
    { labels: load, startsAt: minutesAgo(3), annotations: { summary: 'Load average 14.2 on 8 cores' } },
    { labels: info, startsAt: minutesAgo(600), annotations: { summary: 'Memory above 75% for 1h' } },
  ]);
  consoleHost = await startConsole({
    environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: am.url }], prometheus: [{ name: 'prometheus', url: prom.url }] }],
    polling: { alertmanagerMs: 1000, prometheusMs: 2000 },
    user: 'ic-on-call',
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(`${consoleHost.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).getByRole('row', { name: /HighCPUUsage server-001:9100/ }).waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stopAll();
  rmSync(rulesDir, { recursive: true, force: true });
});

const region = () => page.getByRole('region', { name: 'Alerts' });
const row = (re: RegExp) => region().getByRole('row', { name: re });

test('the inbox: grouped by alertname, critical first, pending alerts apart as early warnings', async () => {
  const names = await region().getByRole('row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  const alertRows = names.filter((n) => !n.startsWith('alertname '));
  assert.match(alertRows[0] ?? '', /^HighCPUUsage server-002:9100 critical/, 'critical first, newest first within severity');
  assert.match(alertRows[1] ?? '', /^HighCPUUsage server-001:9100/);
  assert.ok(names.some((n) => /^alertname HighCPUUsage: 2 alerts/.test(n)), 'group header');
  const infoIndex = alertRows.findIndex((n) => n.startsWith('HighCapacityUsage'));
  assert.equal(infoIndex, alertRows.length - 1, 'info last');
  await region().getByRole('button', { name: /Early warnings: 1 pending alert/ }).waitFor({ timeout: 20_000 });
  await region().getByRole('button', { name: /Early warnings/ }).click();
  const pending = region().getByRole('listitem', { name: /pending DiskWillFillIn4h db-2:9100/ });
  await pending.waitFor();
  assert.match(await pending.innerText(), /fires in 1\d?m|fires in \d+m/);
  await screenshotBothThemes(page, 'alerts');
});

test('acknowledge in the UI: Alertmanager\'s own API then has an ACK! silence matching the alert', async () => {
  await row(/HighCPUUsage server-001:9100/).getByRole('button', { name: 'Acknowledge' }).click();
  const silence = await waitFor('ACK silence in Alertmanager', async () => (await client.silences()).find((s) => s.status.state === 'active' && s.comment.startsWith('ACK!') && matchesAllLabelsExactly(s, cpu1)));
  assert.equal(silence.createdBy, 'ic-on-call');
  assert.equal(silence.comment, 'ACK! acknowledged in Ops Console by ic-on-call');
  const minutes = (Date.parse(silence.endsAt) - Date.parse(silence.startsAt)) / 60_000;
  assert.ok(Math.abs(minutes - 15) < 0.1, `15 minutes by default, got ${minutes}`);
  // Acknowledged is its own state, showing who and how long ago.
  const acked = row(/HighCPUUsage server-001:9100 critical acknowledged/);
  await acked.waitFor({ timeout: 10_000 });
  assert.match(await acked.innerText(), /ack ic-on-call \d+s ago/);
  await acked.getByRole('button', { name: 'Unacknowledge' }).waitFor();
});

test('the detail pane: labels, annotations, links only for http(s), times, receivers, the ACK silence with its author', async () => {
  await row(/HighCPUUsage server-001:9100/).click();
  const detail = page.getByRole('region', { name: 'Alert detail' });
  await detail.waitFor();
  const text = await detail.innerText();
  assert.match(text, /CPU above 95% for 5 minutes/);
  assert.match(text, /CPU usage is 97.3% on server-001/);
  assert.match(text, /Acknowledged by ic-on-call \d+s ago/);
  assert.match(text, /Started[\s\S]*42m ago/);
  assert.match(text, /Receivers\s+default/);
  assert.match(text, /ic-on-call: ACK! acknowledged in Ops Console by ic-on-call/);
  assert.equal(await detail.getByRole('link', { name: 'https://runbooks.example.com/cpu#high' }).count(), 1);
  assert.equal(await detail.getByRole('link', { name: /prometheus.example:9090\/graph/ }).count(), 1);
  await detail.getByRole('button', { name: 'Unacknowledge' }).waitFor();
  await detail.getByRole('button', { name: 'Expire' }).waitFor();
  await screenshotBothThemes(page, 'alert-detail');
  // A javascript: runbook is shown as text, never as a link.
  await row(/HighCPUUsage server-002:9100/).click();
  await detail.getByText(/javascript:alert\(1\) \(not an http\(s\) link; not opened\)/).waitFor();
  assert.equal(await detail.getByRole('link', { name: /javascript/ }).count(), 0);
  await detail.getByRole('button', { name: 'Close detail' }).click();
});

test('silence with preview: a refusal shows Alertmanager\'s text and keeps what was typed; then create; then expire', async () => {
  await row(/DiskSpaceLow db-1:9100/).getByRole('button', { name: 'Silence' }).click();
  const dialog = page.getByRole('dialog', { name: 'Silence editor' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Value 1' }).inputValue(), 'DiskSpaceLow', 'prefilled with the alert labels');
  await dialog.getByRole('status', { name: 'Preview' }).getByText('Matches 1 current alert').waitFor();
  // Broaden: team=~"storage|infrastructure", drop the other matchers but alertname-less.
  const count = await dialog.locator('.matcher-row').count();
  for (let i = count; i >= 1; i--) await dialog.getByRole('button', { name: `Remove matcher ${i}` }).click();
  await dialog.getByRole('button', { name: 'Add matcher' }).click();
  await dialog.getByRole('textbox', { name: 'Label name 1' }).fill('team');
  await dialog.getByRole('combobox', { name: 'Operator 1' }).selectOption('=~');
  await dialog.getByRole('textbox', { name: 'Value 1' }).fill('.*');
  await dialog.getByRole('radio', { name: '4h', exact: true }).check();
  await dialog.getByRole('button', { name: 'Create silence' }).click();
  await dialog.getByRole('alert').getByText('A comment is required', { exact: false }).waitFor();
  await dialog.getByRole('textbox', { name: 'Comment' }).fill('Storage migration CHG-1234');
  await dialog.getByRole('button', { name: 'Create silence' }).click();
  // Alertmanager refuses a silence whose matchers all match the empty string; its own words are shown.
  const refused = dialog.locator('.refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /at least one matcher must not match the empty string/);
  assert.equal(await dialog.getByRole('textbox', { name: 'Comment' }).inputValue(), 'Storage migration CHG-1234', 'the comment survives the refusal');
  assert.equal(await dialog.getByRole('textbox', { name: 'Value 1' }).inputValue(), '.*');
  await dialog.getByRole('textbox', { name: 'Value 1' }).fill('storage|infrastructure');
  await dialog.getByRole('status', { name: 'Preview' }).getByText('Matches 4 current alerts').waitFor();
  await dialog.getByRole('button', { name: 'Add matcher' }).click();
  await dialog.getByRole('textbox', { name: 'Label name 2' }).fill('severity');
  await dialog.getByRole('combobox', { name: 'Operator 2' }).selectOption('!=');
  await dialog.getByRole('textbox', { name: 'Value 2' }).fill('critical');
  await dialog.getByRole('status', { name: 'Preview' }).getByText('Matches 2 current alerts').waitFor();
  await screenshotBothThemes(page, 'silence-editor');
  await dialog.getByRole('button', { name: 'Create silence' }).click();
  await dialog.waitFor({ state: 'detached' });
  const created = await waitFor('silence in Alertmanager', async () => (await client.silences()).find((s) => s.status.state === 'active' && s.comment === 'Storage migration CHG-1234'));
  assert.equal(created.createdBy, 'ic-on-call');
  const hours = (Date.parse(created.endsAt) - Date.parse(created.startsAt)) / 3600_000;
  assert.ok(Math.abs(hours - 4) < 0.02, `4h, got ${hours}`);
  assert.deepEqual(created.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]), [['team', 'storage|infrastructure', true, true], ['severity', 'critical', false, false]]);
  // Silenced alerts leave the default view; the silenced toggle shows them.
  await row(/DiskSpaceLow db-1:9100/).waitFor({ state: 'detached', timeout: 10_000 });
  await region().getByRole('button', { name: /^silenced 2/ }).click();
  await row(/DiskSpaceLow db-1:9100 warning silenced/).waitFor();
  await region().getByRole('button', { name: /^silenced/ }).click();

  // Expire from the silences view.
  await region().getByRole('button', { name: /^Silences \d+/ }).click();
  await region().getByRole('searchbox', { name: 'Search silences' }).fill('CHG-1234');
  const item = region().getByRole('listitem', { name: /Storage migration CHG-1234/ });
  await item.waitFor();
  await item.getByRole('button', { name: 'Expire' }).click();
  await waitFor('expired in Alertmanager', async () => (await client.silences()).find((s) => s.id === created.id && s.status.state === 'expired'));
  await region().getByRole('button', { name: /^Expired \d+/ }).click();
  await region().getByRole('listitem', { name: /Storage migration CHG-1234/ }).waitFor();
  await region().getByRole('button', { name: /^Inbox/ }).click();
  await row(/DiskSpaceLow db-1:9100 warning active/).waitFor({ timeout: 10_000 });
});

test('keyboard: / filters with matcher syntax, j / k move, Enter opens, a acknowledges, u unacknowledges, s silences, ? lists the keys', async () => {
  await page.keyboard.press('/');
  const filter = region().getByRole('searchbox', { name: 'Filter alerts' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Filter alerts');
  await filter.fill('instance=~"server-.*" severity!="critical"');
  await page.keyboard.press('Enter');
  await region().getByText(/2 of 5 alerts shown/).waitFor();
  // A broken filter names the problem and keeps the last valid one.
  await filter.fill('instance=~"server-(.*"');
  await region().getByText(/invalid regular expression in instance=~/).waitFor();
  await region().getByText(/2 of 5 alerts shown/).waitFor();
  await filter.fill('severity="warning"');
  await page.keyboard.press('Enter');
  await region().getByText(/2 of 5 alerts shown/).waitFor();
  // Rows: [group DiskSpaceLow, DiskSpaceLow, group HighLoadAverage, HighLoadAverage]
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await page.keyboard.press('j');
  const selected = region().locator('[role="row"][aria-selected="true"]');
  assert.match((await selected.getAttribute('aria-label')) ?? '', /^HighLoadAverage server-004:9100/);
  await page.keyboard.press('Enter');
  await page.getByRole('region', { name: 'Alert detail' }).getByRole('heading', { name: 'HighLoadAverage' }).waitFor();
  await page.keyboard.press('a');
  await waitFor('ACK from the keyboard', async () => (await client.silences()).find((s) => s.status.state === 'active' && s.comment.startsWith('ACK!') && matchesAllLabelsExactly(s, load)));
  await row(/HighLoadAverage server-004:9100 warning acknowledged/).waitFor({ timeout: 10_000 });
  await page.keyboard.press('u');
  await row(/HighLoadAverage server-004:9100 warning active/).waitFor({ timeout: 10_000 });
  assert.equal((await client.silences()).filter((s) => s.status.state === 'active' && matchesAllLabelsExactly(s, load)).length, 0, 'u expired the ACK silence in Alertmanager');
  await page.keyboard.press('s');
  const dialog = page.getByRole('dialog', { name: 'Silence editor' });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  assert.match(await help.innerText(), /acknowledge the alert or group/);
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await filter.fill('');
});

describe('scale: 50,000 alerts from a real Alertmanager', () => {
  const TOTAL = 50_000;
  let bigAm: RunningServer;
  let bigConsole: RunningConsole;
  let bigPage: Page;
  const diffSizes: number[] = [];

  before(async () => {
    bigAm = await startAlertmanager();
    const big = new AlertmanagerClient(createHttpClient({ name: 'big', url: bigAm.url, timeoutMs: 60_000 }));
    const names = ['HighCPUUsage', 'HighMemoryUsage', 'DiskSpaceLow', 'InstanceDown', 'HighLoadAverage', 'HighNetworkTraffic', 'SustainedHighCPU', 'LowMemoryAvailable'];
    const sev = ['critical', 'warning', 'warning', 'info'];
    const started = new Date(Date.now() - 3600_000).toISOString();
    for (let b = 0; b < TOTAL; b += 5000) {
      await big.postAlerts(
        Array.from({ length: 5000 }, (_, j) => {
          const i = b + j;
          return { labels: { alertname: names[i % names.length]!, instance: `server-${String(i).padStart(5, '0')}:9100`, severity: sev[i % sev.length]!, job: 'node' }, annotations: { summary: `synthetic alert ${i}` }, startsAt: started };
        }),
      );
    }
    bigConsole = await startConsole({
      environments: [{ name: 'big', alertmanager: [{ name: 'alertmanager', url: bigAm.url, timeoutMs: 60_000 }] }],
      polling: { alertmanagerMs: 4000, timeoutMs: 60_000 },
    });
    bigConsole.core.subscribe((e) => {
      if (e.name === 'alerts.update' && e.payload.kind === 'diff') diffSizes.push(e.payload.upserted.length + e.payload.removed.length);
    });
    ({ page: bigPage } = await newPage(browser));
  });

  after(async () => {
    await bigPage?.context().close();
    await bigConsole?.stop();
    await bigAm?.stop();
  });

  test('the inbox stays responsive: virtual rows only, keyboard and filter work, small changes travel as small diffs', async (t) => {
    await waitFor('core has 50,000 alerts', async () => bigConsole.features.alerts.current().size === TOTAL, 120_000);
    let mark = performance.now();
    await bigPage.goto(`${bigConsole.host.url}#/alerts`);
    const reg = bigPage.getByRole('region', { name: 'Alerts' });
    await reg.getByText(`${TOTAL} alerts`, { exact: true }).waitFor({ timeout: 60_000 });
    t.diagnostic(`first paint of 50,000 alerts: ${Math.round(performance.now() - mark)} ms`);
    const domRows = await reg.locator('[role="row"]').count();
    assert.ok(domRows > 5 && domRows < 200, `virtualized: ${domRows} rows in the DOM for 50,000 alerts`);

    // Group by instance: 50,000 groups, still virtual.
    mark = performance.now();
    await reg.getByRole('combobox', { name: 'Group by' }).selectOption('');
    await reg.getByRole('row', { name: /^(HighCPUUsage|HighLoadAverage) server-\d+:9100 critical/ }).first().waitFor();
    t.diagnostic(`switch to flat list: ${Math.round(performance.now() - mark)} ms`);

    mark = performance.now();
    for (let i = 0; i < 20; i++) await bigPage.keyboard.press('j');
    await bigPage.waitForFunction(() => document.querySelector('[role="row"][aria-selected="true"]')?.getAttribute('aria-rowindex') === '21');
    t.diagnostic(`20 × j: ${Math.round(performance.now() - mark)} ms`);

    mark = performance.now();
    await reg.getByRole('searchbox', { name: 'Filter alerts' }).fill('alertname="DiskSpaceLow" instance=~"server-0.*"');
    await reg.getByText(/^1250 of 50000 alerts shown$/).waitFor({ timeout: 30_000 });
    t.diagnostic(`matcher filter over 50,000: ${Math.round(performance.now() - mark)} ms`);
    await reg.getByRole('searchbox', { name: 'Filter alerts' }).fill('');

    // A handful of new alerts: the renderer is told about those, not the whole 50,000.
    diffSizes.length = 0;
    const big = new AlertmanagerClient(createHttpClient({ name: 'big', url: bigAm.url, timeoutMs: 60_000 }));
    await big.postAlerts(Array.from({ length: 5 }, (_, i) => ({ labels: { alertname: 'FreshAlert', instance: `fresh-${i}:9100`, severity: 'critical' } })));
    await waitFor('diff with the new alerts', async () => diffSizes.length > 0, 60_000);
    assert.ok(diffSizes.every((n) => n <= 10), `diffs carry only what changed: ${diffSizes.join(', ')}`);
    mark = performance.now();
    await bigPage.getByRole('region', { name: 'Alerts' }).getByText(`${TOTAL + 5} alerts`, { exact: true }).waitFor({ timeout: 30_000 });
    t.diagnostic(`diff of 5 applied and shown: ${Math.round(performance.now() - mark)} ms after the core emitted it`);
    await reg.getByRole('row', { name: /^FreshAlert fresh-\d:9100 critical active new/ }).first().waitFor();
  });
});
