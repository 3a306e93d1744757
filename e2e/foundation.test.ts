/**
 * The first vertical slice in a real browser: real Prometheus + Alertmanager + node exporter, the real core
 * and browser host, Debian's Chromium. Checks landmarks, tiles, alerts, health indicators with the exact
 * error text, the environment switcher and both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../test/support/demo-stack';
import { getFreePort } from '../test/support/free-port';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { PrometheusClient } from '../main/clients/prometheus';
import { createHttpClient } from '../main/clients/http';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

let stack: DemoStack;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
let closedPort: number;

before(async () => {
  stack = await startDemoStack({ syntheticInstances: 8 });
  closedPort = await getFreePort();
  const am = new AlertmanagerClient(createHttpClient({ name: 'am', url: stack.alertmanagerUrl }));
  await am.postAlerts([
    { labels: { alertname: 'HighCPUUsage', instance: 'server-003:9100', severity: 'critical', job: 'node' }, annotations: { summary: 'CPU above 95% for 5 minutes' } },
    { labels: { alertname: 'DiskSpaceLow', instance: 'server-005:9100', severity: 'warning', job: 'node' }, annotations: { summary: 'Disk 85% full' } },
  ]);
  consoleHost = await startConsole({
    environments: [
      { name: 'prod', prometheus: [{ name: 'prometheus', url: stack.prometheusUrl }], alertmanager: [{ name: 'alertmanager', url: stack.alertmanagerUrl }] },
      { name: 'staging', prometheus: [{ name: 'staging-prometheus', url: `http://127.0.0.1:${closedPort}` }] },
    ],
    polling: { prometheusMs: 1000, alertmanagerMs: 1000 },
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(consoleHost.host.url);
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stack?.stop();
});

test('the window has the four sections as landmarks and a status bar per source', async () => {
  const nav = page.getByRole('navigation', { name: 'Sections' });
  for (const name of ['Servers', 'Alerts', 'Logs', 'Incidents']) {
    await nav.getByRole('button', { name }).click();
    await page.getByRole('region', { name }).waitFor();
  }
  await nav.getByRole('button', { name: 'Servers' }).click();
  await page.getByRole('button', { name: /^prometheus ok/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: /^alertmanager ok/ }).waitFor();
});

test('Servers shows one tile per up target, as Prometheus itself reports them', async () => {
  const prom = new PrometheusClient(createHttpClient({ name: 'p', url: stack.prometheusUrl }));
  let up: Awaited<ReturnType<PrometheusClient['query']>> = [];
  for (let i = 0; i < 40 && up.length < 9; i++) {
    up = await prom.query('up');
    if (up.length < 9) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(up.length >= 9, `Prometheus should have the node exporter and 8 synthetic targets, has ${up.length}`);
  const region = page.getByRole('region', { name: 'Servers' });
  const first = up.find((s) => s.metric.instance?.startsWith('server-'))!;
  await region.getByRole('button', { name: new RegExp(first.metric.instance!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).first().waitFor({ timeout: 15_000 });
  await page.waitForFunction((n) => document.querySelectorAll('section[aria-label="Servers"] button[aria-label]').length >= n, up.length, { timeout: 15_000 });
  await screenshotBothThemes(page, 'foundation-servers');
});

test('Alerts lists what Alertmanager returns: alertname, instance, severity, age', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Alerts' }).click();
  const region = page.getByRole('region', { name: 'Alerts' });
  const row = region.getByRole('row', { name: /HighCPUUsage server-003:9100/ }).first();
  await row.waitFor({ timeout: 15_000 });
  const text = await row.innerText();
  assert.match(text, /HighCPUUsage/);
  assert.match(text, /server-003:9100/);
  assert.match(text, /critical/i);
  assert.match(text, /\d+[smhd]/);
  await region.getByRole('row', { name: /DiskSpaceLow server-005:9100/ }).first().waitFor();
  await screenshotBothThemes(page, 'foundation-alerts');
});

test('switching environment changes the polled sources; a failing one shows its exact error', async () => {
  await page.getByRole('combobox', { name: 'Environment' }).selectOption('staging');
  const chip = page.getByRole('button', { name: /^staging-prometheus unreachable/ });
  await chip.waitFor({ timeout: 15_000 });
  await chip.click();
  const popover = page.getByRole('status').filter({ hasText: 'staging-prometheus' });
  await popover.waitFor();
  assert.match(await popover.innerText(), new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}`));
  assert.equal(await page.getByRole('button', { name: /^prometheus ok/ }).count(), 0, 'prod sources are no longer polled');
  await screenshotBothThemes(page, 'foundation-source-error');
  await page.getByRole('combobox', { name: 'Environment' }).selectOption('prod');
  await page.getByRole('button', { name: /^prometheus ok/ }).waitFor({ timeout: 15_000 });
});

test('the theme follows the OS by default and can be forced', async () => {
  const themeIs = (t: string) => page.waitForFunction((want) => document.documentElement.dataset.theme === want, t, { timeout: 5000 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await themeIs('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await themeIs('light');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await themeIs('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'a forced theme ignores the OS');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  await themeIs('light');
});
