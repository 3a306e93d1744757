/**
 * Faults as the user sees them, in Chromium: REAL Prometheus and Alertmanager behind the fault proxy, the
 * real core + browser host. While the user has a filter typed and the silence editor open with a comment,
 * both backends start failing (502, then dropped connections) and come back. Checks: the alerts and
 * tiles stay on screen, the status bar names the exact error, nothing the user typed is lost, and the
 * sources return to ok by themselves.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../test/support/real-servers';
import { startFaultProxy, CANNED, type FaultProxy } from '../test/support/fault-proxy';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

let am: RunningServer;
let prom: RunningServer;
let amProxy: FaultProxy;
let promProxy: FaultProxy;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
let inboxTextWhileDown = '';
let filterAfterSwitch = '';

const FILTER = 'severity="critical" checkout';
const COMMENT = 'Maintenance window for the checkout DB failover — do not lose this text';

before(async () => {
  [am, prom] = await Promise.all([startAlertmanager(), startPrometheus()]);
  amProxy = await startFaultProxy({ target: am.url });
  promProxy = await startFaultProxy({ target: prom.url });
  const client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  await client.postAlerts([
    { labels: { alertname: 'CheckoutErrors', instance: 'checkout-1:9100', severity: 'critical' }, annotations: { summary: 'checkout 5xx above 5%' }, endsAt },
    { labels: { alertname: 'CheckoutLatency', instance: 'checkout-2:9100', severity: 'critical' }, annotations: { summary: 'checkout p99 above 2 s' }, endsAt },
    { labels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'warning' }, annotations: { summary: 'Disk 85% full' }, endsAt },
  ]);
  consoleHost = await startConsole({
    environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: amProxy.url }], prometheus: [{ name: 'prometheus', url: promProxy.url }] }],
    polling: { alertmanagerMs: 500, prometheusMs: 500, timeoutMs: 1000 },
  });
  // Prometheus scrapes itself within a second or two; the Servers pane needs that first tile.
  for (let i = 0; i < 100 && consoleHost.features.fleet.current().tiles.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(`${consoleHost.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).getByRole('row', { name: /^CheckoutErrors / }).waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await amProxy?.close();
  await promProxy?.close();
  await stopAll();
});

const region = () => page.getByRole('region', { name: 'Alerts', exact: true });
const chip = (name: string, state: RegExp) => page.getByRole('contentinfo', { name: 'Source health' }).getByRole('button', { name: new RegExp(`^${name} ${state.source}`) });

test('backends failing while the user types: alerts stay, the exact error shows, nothing typed is lost, recovery by itself', async () => {
  // The user is in the middle of something: a filter typed, a silence being written.
  await region().getByRole('row', { name: /^CheckoutErrors / }).getByRole('button', { name: 'Silence' }).click();
  const editor = page.getByRole('dialog', { name: 'Silence editor' });
  await editor.waitFor();
  await editor.getByRole('textbox', { name: 'Comment' }).fill(COMMENT);

  amProxy.setMode('http502');
  promProxy.setMode('http502');
  await chip('alertmanager', /degraded/).waitFor({ timeout: 20_000 });
  await chip('prometheus', /degraded/).waitFor({ timeout: 20_000 });
  assert.equal(await editor.getByRole('textbox', { name: 'Comment' }).inputValue(), COMMENT, 'the silence comment survives the outage');
  await screenshotBothThemes(page, 'faults-degraded-editor');
  await editor.getByRole('button', { name: 'Cancel' }).click();

  await region().getByLabel('Filter alerts').fill(FILTER);
  // Worse: connections now hang until the timeout.
  amProxy.setMode('drop');
  await chip('alertmanager', /unreachable/).waitFor({ timeout: 20_000 });
  const rows = await region().getByRole('row').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
  assert.ok(rows.some((r) => r.startsWith('CheckoutErrors ')) && rows.some((r) => r.startsWith('CheckoutLatency ')), `the last good alerts stay on screen: ${rows.join(' | ')}`);
  await chip('alertmanager', /unreachable/).click();
  const popover = page.getByRole('status').filter({ hasText: 'alertmanager' });
  await popover.waitFor();
  assert.match(await popover.innerText(), /timed out after 1000 ms/);
  await screenshotBothThemes(page, 'faults-unreachable');
  await page.keyboard.press('Escape');
  inboxTextWhileDown = await region().innerText();
  assert.equal(await region().getByLabel('Filter alerts').inputValue(), FILTER, 'the filter survives the outage');

  // Servers: the tile of the failing Prometheus stays, marked stale with the age of its last value.
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('button', { name: 'Servers' }).click();
  const stale = page.getByRole('region', { name: 'Servers' }).getByRole('button', { name: /stale, last value \d+[smh] ago/ }).first();
  await stale.waitFor({ timeout: 20_000 });
  await screenshotBothThemes(page, 'faults-servers-stale');
  await nav.getByRole('button', { name: 'Alerts' }).click();
  filterAfterSwitch = await region().getByLabel('Filter alerts').inputValue();

  amProxy.setMode('pass');
  promProxy.setMode('pass');
  await chip('alertmanager', /ok/).waitFor({ timeout: 30_000 });
  await chip('prometheus', /ok/).waitFor({ timeout: 30_000 });
  const after = await region().getByRole('row').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
  assert.ok(after.some((r) => r.startsWith('CheckoutErrors ')));
  assert.ok(!JSON.stringify(after).includes(CANNED.http502.body));
});

test('the inbox says its alerts are stale, and since when, while every Alertmanager fails', () => {
  assert.match(inboxTextWhileDown, /Alerts are stale: last updated \d\d:\d\d:\d\d \(\d+[smh]/);
});

test('the alert filter survives a trip to another section', () => {
  assert.equal(filterAfterSwitch, FILTER);
});

test('an incident being declared during an outage keeps its title, impact and ticked alerts, and declares once the user submits', async () => {
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await nav.getByRole('button', { name: 'Incidents' }).click();
  const reg = page.getByRole('region', { name: 'Incidents', exact: true });
  await reg.getByRole('button', { name: 'Declare incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  await dialog.waitFor();
  const title = 'Checkout failing for EU customers';
  const impact = 'About 30 % of checkouts return 5xx since 09:12';
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('User impact').fill(impact);
  const alertBox = dialog.getByRole('checkbox', { name: /CheckoutErrors/ });
  await alertBox.check();

  amProxy.setMode('drop');
  await chip('alertmanager', /unreachable/).waitFor({ timeout: 20_000 });
  assert.equal(await dialog.getByLabel('Title').inputValue(), title);
  assert.equal(await dialog.getByLabel('User impact').inputValue(), impact);
  assert.equal(await alertBox.isChecked(), true, 'the ticked alert stays ticked while Alertmanager is unreachable');
  await screenshotBothThemes(page, 'faults-declare-draft');
  amProxy.setMode('pass');
  await chip('alertmanager', /ok/).waitFor({ timeout: 30_000 });
  assert.equal(await dialog.getByLabel('Title').inputValue(), title);
  assert.equal(await alertBox.isChecked(), true);
  await dialog.getByRole('button', { name: /^Declare/ }).click();
  await reg.getByRole('heading', { name: title }).waitFor({ timeout: 10_000 });
  const list = await consoleHost.core.invoke('incidents.list', {});
  assert.ok(list.ok && JSON.stringify(list.result).includes(title));
});
