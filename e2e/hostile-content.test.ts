/**
 * Hostile content in Chromium: a REAL Alertmanager holds alerts whose labels and annotations carry HTML,
 * script and javascript: URLs (payloads that set window.__pwned if they ever ran), 1 MB strings and
 * deeply nested JSON text; a REAL Prometheus scrapes a target whose instance label is markup. The real
 * core + browser host serve the console. Checks: nothing runs, the payloads read as literal text, no
 * javascript: link exists or opens, huge strings are cut for display, the page stays usable.
 */
import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { startEsTestServer, type EsTestServer, type LogDoc } from '../test/support/es-test-server/index';
import { serializeIncidentExport } from '../main/incidents/export-format';
import { makeIncident } from '../main/incidents/test-fixtures';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=1</script>';
const JS_URL = 'javascript:window.__pwned=1';
const HUGE = `${'HUGE-'.repeat(200_000)}END`; // 1 MB
const DEEP = `${'{"a":['.repeat(5_000)}1${']}'.repeat(5_000)}`;

let am: RunningServer;
let prom: RunningServer;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
const popups: string[] = [];
const dialogs: string[] = [];
let hugeDetailLen = 0;
let es: EsTestServer;
let workDir: string;

before(async () => {
  am = await startAlertmanager();
  prom = await startPrometheus({ scrapeIntervalSec: 1 });
  // A second Prometheus scrapes the first under a hostile instance label: the Servers pane shows it as a tile.
  const hostileProm = await startPrometheus({
    scrapeConfigs: [{ job_name: 'hostile', static_configs: [{ targets: [new URL(prom.url).host], labels: { instance: IMG } }] }],
  });
  const client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  await client.postAlerts([
    {
      labels: { alertname: 'HostileMarkup', instance: IMG, severity: 'critical', team: SCRIPT },
      annotations: { summary: IMG, description: SCRIPT, runbook_url: JS_URL, note: `<a href="${JS_URL}">click me</a>` },
      endsAt,
    },
    { labels: { alertname: 'HugeStrings', instance: 'huge:9100', severity: 'warning', big: HUGE.slice(0, 100_000) }, annotations: { summary: HUGE, description: HUGE }, endsAt },
    { labels: { alertname: 'DeepJson', instance: 'deep:9100', severity: 'warning' }, annotations: { summary: 'deeply nested JSON in an annotation', payload: DEEP }, endsAt },
  ]);
  // Log lines with the same payloads (the message and the host field).
  const now = Date.now();
  const doc = (i: number, message: string, host = 'web-1'): LogDoc => ({ '@timestamp': new Date(now - (10 - i) * 60_000).toISOString(), service: 'hostile', level: 'ERROR', message, host, trace_id: `hostile${i}` });
  es = await startEsTestServer({
    flavor: 'elasticsearch',
    version: '8.15.0',
    initialDocs: [doc(1, IMG), doc(2, SCRIPT, IMG), doc(3, `see ${JS_URL} for details`), doc(4, HUGE), doc(5, DEEP)],
  });
  workDir = mkdtempSync(join(tmpdir(), 'ops-console-hostile-'));
  consoleHost = await startConsole({
    environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: am.url }], prometheus: [{ name: 'hostile-prometheus', url: hostileProm.url }], elasticsearch: [{ name: 'logs', url: es.url, index: 'logs-*' }] }],
    polling: { alertmanagerMs: 1000, prometheusMs: 1000 },
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  page.on('popup', (p) => popups.push(p.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${consoleHost.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).getByRole('row', { name: /^HostileMarkup / }).first().waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await es?.stop();
  await stopAll();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const pwned = (): Promise<unknown> => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
const region = () => page.getByRole('region', { name: 'Alerts', exact: true });

test('alert labels and annotations with markup and script read as text and never run', async () => {
  const row = region().getByRole('row', { name: /^HostileMarkup / }).first();
  const rowText = await row.innerText();
  assert.ok(rowText.includes(IMG), `the instance reads literally: ${rowText.slice(0, 200)}`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> element was created from a label');
  await row.click();
  const detail = page.getByRole('region', { name: 'Alert detail' });
  await detail.waitFor();
  const text = await detail.innerText();
  assert.ok(text.includes(SCRIPT), 'the description shows the <script> as text');
  assert.ok(text.includes(IMG), 'the summary shows the <img> as text');
  assert.ok(text.includes(`<a href="${JS_URL}">click me</a>`), 'an annotation holding a link element is text');
  const injected = await page.evaluate(() => ({
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned')).length,
    imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
  }));
  assert.deepEqual(injected, { scripts: 0, imgs: 0, jsLinks: 0 });
  assert.equal(await pwned(), undefined, 'no payload ran');
});

test('a javascript: runbook_url is not a link and cannot be opened', async () => {
  const detail = page.getByRole('region', { name: 'Alert detail' });
  const plain = detail.getByText(`${JS_URL} (not an http(s) link; not opened)`);
  await plain.waitFor();
  assert.equal(await detail.getByRole('link', { name: /javascript/ }).count(), 0);
  assert.equal(await detail.getByRole('button', { name: /runbook/i }).count(), 0, 'no "open runbook" button for a javascript: URL');
  await plain.click();
  await plain.dblclick();
  // Even asked directly over the bridge, the core refuses to open it.
  const refused = await consoleHost.core.invoke('core.openExternal', { url: JS_URL });
  assert.equal(refused.ok, false);
  assert.deepEqual(popups, []);
  assert.deepEqual(dialogs, []);
  assert.equal(await pwned(), undefined);
  await screenshotBothThemes(page, 'hostile-content');
});

test('1 MB strings and deeply nested JSON text: no crash, the inbox row is cut, the page stays usable', async () => {
  const huge = region().getByRole('row', { name: /^HugeStrings / }).first();
  await huge.waitFor();
  const rowLen = (await huge.innerText()).length;
  await huge.click();
  const detail = page.getByRole('region', { name: 'Alert detail' });
  await detail.getByText(/huge:9100/).first().waitFor();
  const detailLen = (await detail.innerText()).length;
  // The deep JSON annotation shows as text too.
  await region().getByRole('row', { name: /^DeepJson / }).first().click();
  await detail.getByText(/deeply nested JSON in an annotation/).first().waitFor();
  const deepShown = await detail.innerText();
  assert.ok(deepShown.includes('{"a":[{"a":['), 'the nested JSON reads as text');
  // Still responsive: filtering works after the huge alert was rendered.
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  assert.equal(await pwned(), undefined);
  console.log(`hostile-content: HugeStrings row text ${rowLen} chars, detail text ${detailLen} chars (source strings 1,000,003 chars)`);
  assert.ok(rowLen < 20_000, `the inbox row is cut for display (${rowLen} chars)`);
  hugeDetailLen = detailLen;
});

test('the alert detail cuts a 1 MB annotation for display', () => {
    assert.ok(hugeDetailLen > 0 && hugeDetailLen < 300_000, `the detail shows ${hugeDetailLen} characters of two 1 MB annotations`);
});

test('a Prometheus target whose instance label is markup shows as a text tile', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Servers' }).click();
  const servers = page.getByRole('region', { name: 'Servers' });
  const tile = servers.locator(`[data-instance="${IMG.replace(/"/g, '\\"')}"]`).first();
  await tile.waitFor({ timeout: 20_000 });
  assert.ok((await tile.innerText()).includes(IMG));
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await pwned(), undefined);
});

test('log messages and fields with markup and script read as text and never run; a 1 MB line is cut', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Logs' }).click();
  const logs = page.getByRole('region', { name: 'Logs', exact: true });
  const box = logs.getByRole('searchbox', { name: 'Query' });
  await box.fill('service:hostile');
  await box.press('Enter');
  const rows = logs.locator('.log-scroll .log-row');
  await rows.filter({ hasText: '<script>window.__pwned=1</script>' }).first().waitFor({ timeout: 20_000 });
  const texts = await rows.evaluateAll((rs) => rs.map((r) => r.textContent ?? ''));
  assert.ok(texts.some((t) => t.includes(IMG)), 'the <img> message reads literally');
  assert.ok(texts.some((t) => t.includes(JS_URL)), 'the javascript: text reads literally');
  const longest = Math.max(...texts.map((t) => t.length));
  // Cut for display: the 1 MB row holds a couple of thousand characters and takes no more room than an ordinary one.
  const heights = await rows.evaluateAll((rs) => rs.map((r) => ({ len: (r.textContent ?? '').length, text: (r.querySelector('.log-message')?.textContent ?? '').trim(), h: r.getBoundingClientRect().height })));
  const normal = Math.max(...heights.filter((x) => x.len < 1000).map((x) => x.h));
  const hugeRow = heights.find((x) => x.text.startsWith('HUGE-HUGE-'));
  assert.ok(hugeRow, 'the 1 MB line is listed');
  assert.ok(hugeRow.len < 5_000 && /more characters/.test(hugeRow.text), `the 1 MB line is cut in the DOM too (${hugeRow.len} characters)`);
  assert.ok(hugeRow.h <= Math.max(normal * 3, 120), `a 1 MB log line is cut for display (row ${hugeRow.h}px high, ordinary rows ${normal}px)`);
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '')).length,
  }));
  assert.deepEqual(injected, { imgs: 0, jsLinks: 0 });
  // Open the line with markup in its host field.
  await rows.filter({ hasText: '<script>window.__pwned=1</script>' }).first().click();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await pwned(), undefined);
  console.log(`hostile-content: longest log row ${longest} chars in the DOM; row heights ${JSON.stringify(heights.map((x) => Math.round(x.h)))} px`);
  await screenshotBothThemes(page, 'hostile-content-logs');
});

test('an imported incident with markup and script in its title, impact and timeline reads as text; a javascript: link is refused', async () => {
  const T = Date.now() - 3_600_000;
  const text = serializeIncidentExport(
    {
      incident: makeIncident({ id: 'INC-9', title: IMG, impact: SCRIPT, commander: IMG, declaredAt: T, updatedAt: T, nextUpdateDueAt: T + 1_800_000, links: [{ title: SCRIPT, url: 'https://runbooks.example.org/x' }] }),
      timeline: [{ id: 'e1', at: T + 60_000, recordedAt: T + 60_000, kind: 'manual', text: `${SCRIPT} ${IMG} ${JS_URL}`, author: IMG, starred: false, system: false }],
      evidence: [],
      messages: [],
      templates: [],
    },
    { exportedAt: Date.now() },
  );
  const good = join(workDir, 'hostile-incident.json');
  writeFileSync(good, text);
  const doc = JSON.parse(text) as { incident: { links: { title: string; url: string }[] } };
  doc.incident.links = [{ title: 'click', url: JS_URL }];
  const bad = join(workDir, 'javascript-link.json');
  writeFileSync(bad, JSON.stringify(doc));

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Incidents' }).click();
  const reg = page.getByRole('region', { name: 'Incidents', exact: true });
  await reg.waitFor();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), reg.getByRole('button', { name: 'Open exported incident' }).click()]);
  await chooser.setFiles(good);
  await reg.getByText(/Read-only review of/).waitFor({ timeout: 10_000 });
  const shown = await reg.innerText();
  assert.ok(shown.includes(IMG), 'the title reads literally');
  assert.ok(shown.includes(SCRIPT), 'the impact / timeline read literally');
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(await pwned(), undefined);
  await screenshotBothThemes(page, 'hostile-content-incident');

  const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), reg.getByRole('button', { name: 'Open exported incident' }).click()]);
  await chooser2.setFiles(bad);
  const err = reg.getByRole('alert').filter({ hasText: 'javascript-link.json' });
  await err.waitFor({ timeout: 10_000 });
  assert.match(await err.innerText(), /links|url|http/i);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  assert.deepEqual(popups, []);
  assert.equal(await pwned(), undefined);
});
