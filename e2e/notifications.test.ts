/**
 * Browser-mode notifications in Chromium (permission granted in the test context) against a REAL
 * Alertmanager: a critical alert posted to it gives exactly one Web Notification and the page title
 * carries the count; a warning does not notify; clicking the notification opens that alert.
 * window.Notification is wrapped by an init script that records every construction.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { launchChromium, newPage } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor as waitForShared } from '../test/support/wait';
import { RECORD_WEB_NOTIFICATIONS } from './support/recorded-notifications';

let am: RunningServer;
let client: AlertmanagerClient;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15000) => waitForShared(what, fn, timeoutMs, { intervalMs: 100 });
const recorded = () => page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes.map(({ title, body }) => ({ title, body })));

before(async () => {
  am = await startAlertmanager();
  client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  consoleHost = await startConsole({ environments: [{ name: 'prod', alertmanager: [{ name: 'am', url: am.url }] }], polling: { alertmanagerMs: 300 } });
  browser = await launchChromium();
  const origin = new URL(consoleHost.host.url).origin;
  ({ page } = await newPage(browser, { permissions: ['notifications'], origin }));
  // Plain source text: a function would be serialised after tsx compiled it, with helpers (__name) the page lacks.
  await page.addInitScript(RECORD_WEB_NOTIFICATIONS);
  await page.goto(consoleHost.host.url);
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stopAll();
});

test('permission is granted in this context, so no "Enable" button is offered', async () => {
  assert.equal(await page.evaluate(() => Notification.permission), 'granted');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('region', { name: 'Settings' });
  await dialog.getByRole('button', { name: 'Notifications' }).click();
  await dialog.getByText('Desktop notifications are on for this browser').waitFor();
  assert.equal(await dialog.getByRole('button', { name: 'Enable desktop notifications' }).count(), 0);
  await dialog.getByRole('button', { name: 'Close settings' }).click();
});

test('a critical alert posted to Alertmanager gives exactly one notification and "(1)" in the title', async () => {
  await client.postAlerts([{ labels: { alertname: 'DiskFull', instance: 'db-1:9100', severity: 'critical' }, annotations: { summary: 'Disk / is 99% full' }, startsAt: new Date().toISOString() }]);
  await waitFor('the title count', async () => (await page.title()) === '(1) Ops Console');
  const notes = await waitFor('a notification', async () => {
    const n = await recorded();
    return n.length > 0 && n;
  });
  assert.equal(notes.length, 1);
  assert.match(notes[0]!.title, /DiskFull/);
  assert.match(notes[0]!.body, /Disk \/ is 99% full/);
  // More polls of the same alert: still one.
  assert.equal(consoleHost.features.alerts.current().size, 1);
  await sleep(1500);
  assert.equal((await recorded()).length, 1);
});

test('a warning does not notify, and the count stays at the criticals', async () => {
  await client.postAlerts([{ labels: { alertname: 'HighLoad', instance: 'web-1:9100', severity: 'warning' }, annotations: { summary: 'load 12' }, startsAt: new Date().toISOString() }]);
  await waitFor('the warning in the alert list', async () => consoleHost.features.alerts.current().size === 2);
  await sleep(1000); // several more polls
  assert.equal((await recorded()).length, 1);
  assert.equal(await page.title(), '(1) Ops Console');
  assert.equal(consoleHost.features.notify.status().criticalCount, 1);
});

test('clicking the notification opens that alert in the Alerts pane', async () => {
  await page.evaluate(() => {
    const n = (window as unknown as { __notes: { onclick: (() => void) | null }[] }).__notes[0];
    n?.onclick?.();
  });
  await waitFor('the Alerts pane', async () => (await page.evaluate(() => location.hash)) === '#/alerts');
  const fp = [...consoleHost.features.alerts.current().values()].find((a) => a.labels.alertname === 'DiskFull')?.fingerprint;
  assert.ok(fp);
  assert.equal(consoleHost.features.notify.status().criticalAlerts[0]?.fingerprint, fp);
});
