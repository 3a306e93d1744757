/**
 * Incidents in Chromium against a REAL Alertmanager: declare from alerts, acknowledge one in the
 * Alerts pane and see it on the incident's timeline, compose and copy a status update, export
 * (JSON and the self-contained HTML report), then open the export in a FRESH console (new data
 * folder, no config, no backends) in a fresh browser profile and see the same timeline; a
 * truncated file shows its error and changes nothing. Screenshots in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import type { IncidentDetail } from '../preload/contract';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

let am: RunningServer;
let live: RunningConsole;
let browser: Browser;
let page: Page;
let workDir: string;
let exportPath = '';
let exportedTimeline: string[] = [];

const cpu = { alertname: 'HighCPUUsage', instance: 'web-1:9100', severity: 'critical', job: 'node' };
const disk = { alertname: 'DiskSpaceLow', instance: 'web-1:9100', severity: 'warning', job: 'node' };
const other = { alertname: 'HighLoadAverage', instance: 'db-3:9100', severity: 'warning', job: 'node' };

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'ops-console-e2e-incidents-'));
  am = await startAlertmanager();
  const client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  await client.postAlerts([
    { labels: cpu, startsAt: minutesAgo(18), annotations: { summary: 'CPU above 95% on web-1 for 5 minutes', runbook_url: 'https://runbooks.example.com/cpu' } },
    { labels: disk, startsAt: minutesAgo(9), annotations: { summary: 'Disk 93% full on /var (web-1)' } },
    { labels: other, startsAt: minutesAgo(4), annotations: { summary: 'Load average 14 on 8 cores' } },
  ]);
  live = await startConsole({ environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: am.url }] }], polling: { alertmanagerMs: 1000 }, user: 'ic-on-call' });
  browser = await launchChromium();
  ({ page } = await newPage(browser, { permissions: ['clipboard-read', 'clipboard-write'], origin: new URL(live.host.url).origin }));
  await page.goto(`${live.host.url}#/incidents`);
  await page.getByRole('region', { name: 'Incidents' }).waitFor();
});

after(async () => {
  await browser?.close();
  await live?.stop();
  await stopAll();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const region = () => page.getByRole('region', { name: 'Incidents' });
const timelineTexts = async (p: Page) => p.locator('.inc-entry-text').allInnerTexts();

test('declare an incident from two firing alerts', async () => {
  // The pane's own button opens the dialog (from nothing) …
  await region().getByRole('button', { name: 'Declare incident', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  await dialog.getByText('HighCPUUsage').waitFor({ timeout: 20_000 });
  assert.equal(await dialog.getByRole('checkbox', { checked: true }).count(), 0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // … and the Alerts pane hands over the alert it shows.
  await page.goto(`${live.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).getByRole('row', { name: /HighCPUUsage web-1:9100/ }).click();
  await page.getByRole('region', { name: 'Alert detail' }).getByRole('button', { name: 'Declare incident from alert' }).click();
  await dialog.waitFor();
  assert.ok(await dialog.getByRole('checkbox', { name: /HighCPUUsage/ }).isChecked());
  await dialog.getByRole('checkbox', { name: /DiskSpaceLow/ }).check();
  await dialog.getByLabel('User impact').fill('Checkout pages time out for about 30% of users');
  await dialog.getByLabel('Affected services (comma-separated)').fill('checkout');
  await dialog.getByRole('button', { name: 'Declare', exact: true }).click();
  await region().getByRole('heading', { name: 'CPU above 95% on web-1 for 5 minutes' }).waitFor();
  const list = live.core.invoke('incidents.list', {});
  const r = await list;
  assert.ok(r.ok);
  assert.equal((r.result as unknown[]).length, 1);
  await region().getByText('Since declared').waitFor();
  assert.equal(await region().getByLabel('Severity').inputValue(), 'critical');
});

test('acknowledge a linked alert in the Alerts pane: it shows on the incident timeline', async () => {
  await page.goto(`${live.host.url}#/alerts`);
  const alerts = page.getByRole('region', { name: 'Alerts' });
  await alerts.getByRole('row', { name: /HighCPUUsage web-1:9100/ }).click();
  await page.getByRole('region', { name: 'Alert detail' }).getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await page.getByRole('region', { name: 'Alert detail' }).getByRole('button', { name: 'Unacknowledge' }).waitFor({ timeout: 15_000 });
  await page.goto(`${live.host.url}#/incidents`);
  const entry = region().getByRole('listitem').filter({ hasText: /Acknowledged HighCPUUsage/ });
  await entry.first().waitFor({ timeout: 10_000 });
  assert.match(await entry.first().innerText(), /ic-on-call/);
  // Filter by kind: only acknowledgements.
  await region().getByRole('group', { name: 'Filter timeline' }).getByRole('button', { name: /Acknowledged/ }).click();
  assert.equal(await region().locator('.inc-entry').count(), 1);
  await region().getByRole('group', { name: 'Filter timeline' }).getByRole('button', { name: /Acknowledged/ }).click();
  // A manual note, starred.
  await region().getByLabel('Timeline entry').fill('Rolled back deploy 2026.11.21-3 on web-1');
  await region().getByRole('button', { name: 'Add entry' }).click();
  const note = region().locator('.inc-entry').filter({ hasText: 'Rolled back deploy' });
  await note.waitFor();
  await note.getByRole('button', { name: 'Star entry' }).click();
  await note.getByRole('button', { name: 'Unstar entry' }).waitFor();
  await page.locator('.inc-main').evaluate((el) => el.scrollTo(0, 0));
  await screenshotBothThemes(page, 'incident');
});

test('compose a status update: live data filled, empty placeholders highlighted, copied as text and Markdown, posted to the timeline', async () => {
  const composer = region().getByRole('region', { name: 'Composer' });
  await composer.getByLabel('Template').selectOption({ label: 'Status Update' });
  const preview = composer.getByLabel('Message preview');
  await preview.getByText('INCIDENT UPDATE: CPU above 95% on web-1 for 5 minutes').waitFor();
  assert.match(await preview.innerText(), /Status: Investigating/i);
  // Progress, next steps and ETA are still empty: highlighted.
  assert.ok((await preview.locator('mark').count()) >= 2);
  await composer.getByLabel('Progress (what has been done)').fill('Rolled back the deploy; CPU is falling');
  await composer.getByLabel('Next steps').fill('Watch CPU for 15 minutes');
  await composer.getByLabel('ETA (estimated resolution)').fill('09:30 UTC');
  await preview.getByText('Progress: Rolled back the deploy; CPU is falling').waitFor();
  await composer.getByText('Every placeholder is filled.').waitFor();
  assert.equal(await preview.locator('mark').count(), 0);
  await composer.getByRole('button', { name: 'Copy as text' }).click();
  await composer.getByRole('status').filter({ hasText: /Copied|clipboard/ }).waitFor();
  const copied = (await composer.getByLabel('Message to copy').count()) > 0 ? await composer.getByLabel('Message to copy').inputValue() : await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /^INCIDENT UPDATE: CPU above 95% on web-1 for 5 minutes/);
  assert.match(copied, /Next Steps: Watch CPU for 15 minutes/);
  await composer.getByRole('button', { name: 'Copy as Markdown' }).click();
  await composer.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'incident-composer');
  await composer.getByRole('button', { name: 'Post to timeline' }).click();
  await region().locator('.inc-entry.kind-message').first().waitFor();
  await region().getByRole('region', { name: 'Messages' }).getByText(/Progress: Rolled back the deploy/).waitFor();
});

test('export: the JSON file is versioned and holds the timeline; the HTML report loads nothing from outside', async () => {
  // Evidence: an alert attached in the pane; a chart snapshot and log lines as the drill-down and Logs hooks hand them over.
  const evidence = region().getByRole('region', { name: 'Evidence' });
  const pick = evidence.getByLabel('Alert to attach');
  await pick.selectOption((await pick.locator('option', { hasText: 'HighCPUUsage' }).getAttribute('value')) ?? '');
  await evidence.getByRole('button', { name: 'Attach alert' }).click();
  await evidence.getByText('runbook_url').waitFor();
  const ids = await live.core.invoke('incidents.list', {});
  assert.ok(ids.ok);
  const incidentId = (ids.result as { id: string }[])[0]!.id;
  const t0 = Date.now() - 30 * 60_000;
  const points: [number, number][] = Array.from({ length: 60 }, (_, i) => [t0 + i * 30_000, i < 35 ? 40 + i * 1.6 : 96 - (i - 35) * 2]);
  const chart = await live.core.invoke('incidents.attachEvidence', { incidentId, evidence: { kind: 'chart', title: 'CPU busy % on web-1', unit: '%', query: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",instance="web-1:9100"}[1m])))', series: [{ name: 'web-1:9100', points }] } });
  assert.ok(chart.ok);
  const logs = await live.core.invoke('incidents.attachEvidence', { incidentId, evidence: { kind: 'logs', title: 'nginx upstream timeouts', query: 'host:web-1 AND level:error', lines: [{ time: new Date(t0 + 600_000).toISOString(), level: 'error', message: 'upstream timed out (110: Connection timed out) while reading response header', fields: { host: 'web-1' } }] } });
  assert.ok(logs.ok);
  await evidence.getByRole('img', { name: 'Chart: CPU busy % on web-1' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), region().getByRole('button', { name: 'Export', exact: true }).click()]);
  exportPath = join(workDir, download.suggestedFilename());
  await download.saveAs(exportPath);
  const doc = JSON.parse(readFileSync(exportPath, 'utf8')) as { format: string; version: number; incident: { title: string }; timeline: { text: string; at: number }[] };
  assert.equal(doc.format, 'ops-console.incident');
  assert.equal(doc.version, 1);
  assert.equal(doc.incident.title, 'CPU above 95% on web-1 for 5 minutes');
  const sorted = [...doc.timeline].sort((a, b) => a.at - b.at);
  assert.deepEqual(doc.timeline.map((e) => e.at), sorted.map((e) => e.at));
  exportedTimeline = doc.timeline.map((e) => e.text);
  assert.ok(exportedTimeline.some((t) => /Acknowledged HighCPUUsage/.test(t)));
  const live1 = await live.core.invoke('incidents.list', {});
  assert.ok(live1.ok);
  const id = (live1.result as { id: string }[])[0]!.id;
  const detail = await live.core.invoke('incidents.get', { id });
  assert.ok(detail.ok);
  assert.equal((detail.result as IncidentDetail).timeline.length, exportedTimeline.length);

  const [html] = await Promise.all([page.waitForEvent('download'), region().getByRole('button', { name: 'Export HTML report' }).click()]);
  const htmlPath = join(workDir, html.suggestedFilename());
  await html.saveAs(htmlPath);
  const text = readFileSync(htmlPath, 'utf8');
  assert.match(text, /Rolled back deploy 2026\.11\.21-3/);
  assert.doesNotMatch(text, /<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['"]?https?:/i);
});

test('a fresh console with no backends opens the export read-only with the same timeline; a truncated file shows its error and changes nothing', async () => {
  assert.ok(exportPath, 'the export test ran');
  const fresh = await startConsole(null);
  const { context, page: p } = await newPage(browser);
  try {
    await p.goto(`${fresh.host.url}#/incidents`);
    const reg = p.getByRole('region', { name: 'Incidents' });
    await reg.waitFor();
    const [chooser] = await Promise.all([p.waitForEvent('filechooser'), reg.getByRole('button', { name: 'Open exported incident' }).click()]);
    await chooser.setFiles(exportPath);
    await reg.getByText(/Read-only review of/).waitFor();
    await reg.getByRole('heading', { name: 'CPU above 95% on web-1 for 5 minutes' }).waitFor();
    assert.deepEqual(await timelineTexts(p), exportedTimeline);
    assert.equal(await reg.getByRole('button', { name: 'Add entry' }).count(), 0, 'read-only: no entry form');
    await reg.getByRole('region', { name: 'Messages' }).getByText(/Progress: Rolled back the deploy/).waitFor();
    // The chart renders from its stored points with no backend at all.
    await reg.getByRole('img', { name: 'Chart: CPU busy % on web-1' }).locator('.recharts-line-curve').first().waitFor();
    await reg.getByText('upstream timed out', { exact: false }).waitFor();
    await p.locator('.inc-main').evaluate((el) => el.scrollTo(0, 0));
    await screenshotBothThemes(p, 'incident-review');

    const cut = join(workDir, 'truncated.json');
    const full = readFileSync(exportPath, 'utf8');
    writeFileSync(cut, full.slice(0, Math.floor(full.length / 2)));
    const [chooser2] = await Promise.all([p.waitForEvent('filechooser'), reg.getByRole('button', { name: 'Open exported incident' }).click()]);
    await chooser2.setFiles(cut);
    const err = reg.getByRole('alert').filter({ hasText: 'Could not open truncated.json' });
    await err.waitFor();
    assert.match(await err.innerText(), /cut off|ends early|truncated/i);
    assert.match(await err.innerText(), /Nothing was changed/);
    // The review that was open is still there; the fresh console has no live incidents.
    assert.deepEqual(await timelineTexts(p), exportedTimeline);
    const list = await fresh.core.invoke('incidents.list', {});
    assert.ok(list.ok);
    assert.deepEqual(list.result, []);
  } finally {
    await context.close();
    await fresh.stop();
  }
});
