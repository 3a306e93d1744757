/**
 * Settings in Chromium against REAL Prometheus and Alertmanager: add a source, "Test connection" shows the
 * exact network error (closed port) and then success, save; export carries no secret; import errors name
 * the key and change nothing, a good import applies; theme saved in Settings; screenshots in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../test/support/real-servers';
import { getFreePort } from '../test/support/free-port';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

const TOKEN = 'e2e-bearer-SECRET-4b7d9a';
let prom: RunningServer;
let am: RunningServer;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
let closedPort: number;

before(async () => {
  [prom, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
  closedPort = await getFreePort();
  consoleHost = await startConsole({
    environments: [{ name: 'prod', prometheus: [{ name: 'prom', url: prom.url, bearerToken: TOKEN }], alertmanager: [{ name: 'am', url: am.url }] }],
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(consoleHost.host.url);
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stopAll();
});

test('add a Prometheus source: Test connection shows the exact error, then success; Save applies and persists', async () => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('region', { name: 'Settings' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Add Prometheus source' }).click();
  const added = dialog.getByRole('group', { name: 'Prometheus prometheus-2' });
  await added.getByRole('textbox', { name: 'Prometheus URL' }).fill(`http://127.0.0.1:${closedPort}`);
  await added.getByRole('button', { name: 'Test connection' }).click();
  const result = added.getByRole('status', { name: /Test result/ });
  await result.waitFor();
  assert.equal((await result.textContent())?.trim(), `✗ connect ECONNREFUSED 127.0.0.1:${closedPort}`);
  await screenshotBothThemes(page, 'settings');

  await added.getByRole('textbox', { name: 'Prometheus URL' }).fill(prom.url);
  await added.getByRole('button', { name: 'Test connection' }).click();
  await added.getByRole('status', { name: /Test result/ }).filter({ hasText: 'Connected: Prometheus' }).waitFor();

  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const env = consoleHost.core.settings?.environments[0];
  assert.deepEqual(env?.prometheus.map((p) => [p.name, p.url]), [
    ['prom', prom.url],
    ['prometheus-2', prom.url],
  ]);
  // The config-file token is still used in memory, and never written to the settings file.
  assert.equal(env?.prometheus[0]?.bearerToken, TOKEN);
  const file = join(consoleHost.dataDir, 'settings.json');
  assert.ok(existsSync(file));
  assert.equal(readFileSync(file, 'utf8').includes(TOKEN), false);
});

test('export has no secret; a bad import names the key and changes nothing; a good one applies', async () => {
  const dialog = page.getByRole('region', { name: 'Settings' });
  await dialog.getByRole('button', { name: 'Import / export' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export settings' }).click()]);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  assert.equal(text.includes(TOKEN), false);
  const exported = JSON.parse(text) as { environments: { prometheus: { bearerToken?: unknown }[] }[]; user: string };
  assert.deepEqual(exported.environments[0]?.prometheus[0]?.bearerToken, { secretRef: 'prod/prometheus/prom/bearerToken' });

  const before = JSON.stringify(consoleHost.core.settings);
  const box = dialog.getByRole('textbox', { name: 'Settings JSON to import' });
  await box.fill(JSON.stringify({ ...exported, polling: { alertmanagerMs: 'fast' } }));
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const err = dialog.getByRole('alert');
  await err.waitFor();
  assert.match((await err.textContent()) ?? '', /^import: polling\.alertmanagerMs: /);
  assert.equal(JSON.stringify(consoleHost.core.settings), before);
  assert.equal(await box.inputValue(), JSON.stringify({ ...exported, polling: { alertmanagerMs: 'fast' } }), 'what was typed stays');

  await box.fill(JSON.stringify({ ...exported, user: 'imported-ic' }));
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByRole('status').filter({ hasText: 'Imported.' }).waitFor();
  assert.equal(consoleHost.core.settings?.user, 'imported-ic');
});

test('theme chosen in Settings is applied and saved', async () => {
  const dialog = page.getByRole('region', { name: 'Settings' });
  await dialog.getByRole('button', { name: 'General' }).click();
  await dialog.getByRole('combobox', { name: 'Settings theme' }).selectOption('dark');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(consoleHost.core.settings?.theme, 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'an explicit theme ignores the OS scheme');
});
