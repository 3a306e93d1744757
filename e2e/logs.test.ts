/**
 * The Logs pane in Chromium against the Elasticsearch-protocol stand-in (test/support/es-test-server,
 * as Elasticsearch 8.15) and a real Prometheus scraping a synthetic fleet (for the server-tile pivot):
 * the runbooks' queries typed as is, hits, <mark> highlight, histogram total = hit count, filter
 * for/out, drag on the histogram, live tail pause/resume, the server's error text, export, pivot,
 * screenshots in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startPrometheus, stopAll } from '../test/support/real-servers';
import { startSyntheticExporter, syntheticScrapeConfig, type SyntheticExporter } from '../test/support/synthetic-exporter';
import { startEsTestServer, type EsTestServer, type LogDoc } from '../test/support/es-test-server/index';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor as waitForShared } from '../test/support/wait';

const AUTH_QUERY = 'service:synapse AND level:ERROR AND message:"Authentication failed"';
const SLOW_QUERY = 'service:bridge AND processing_time:>1000';

let es: EsTestServer;
let fleet: SyntheticExporter;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30000) => waitForShared(what, fn, timeoutMs, { intervalMs: 100 });

const region = () => page.getByRole('region', { name: 'Logs' });
const queryBox = () => region().getByRole('searchbox', { name: 'Query' });
const totalText = () => region().locator('.logs-total').innerText();
const totalNumber = async () => Number((await totalText()).replace(/[^\d]/g, ''));
const rows = () => region().locator('.log-scroll .log-row');

async function runQuery(q: string): Promise<void> {
  await queryBox().fill('');
  await queryBox().pressSequentially(q, { delay: 2 });
  assert.equal(await queryBox().inputValue(), q, 'typed exactly');
  await queryBox().press('Enter');
  await waitFor('search done', async () => {
    if (!(await region().getByRole('button', { name: 'Search', exact: true }).isEnabled())) return false;
    if ((await region().getByRole('alert', { name: 'Query error' }).count()) > 0) return true;
    const summary = region().locator('.logs-summary:not([data-loading])');
    return (await summary.count()) > 0 && (await summary.getAttribute('data-query')) === q;
  });
}

function expectedFor(pred: (d: LogDoc) => boolean, from: number, to: number): LogDoc[] {
  return es.docs.filter((d) => {
    const t = Date.parse(d['@timestamp']);
    return t >= from && t <= to && pred(d);
  });
}
const isAuth = (d: LogDoc) => d.service === 'synapse' && d.level === 'ERROR' && /authentication failed/i.test(d.message);

before(async () => {
  [es, fleet] = await Promise.all([
    startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 20_000, seed: 1, spanMs: 7 * 24 * 3_600_000 }),
    startSyntheticExporter({ instances: 3, seed: 5 }),
  ]);
  const prom = await startPrometheus({ scrapeConfigs: [syntheticScrapeConfig(fleet, { scrapeIntervalSec: 1 })] });
  consoleHost = await startConsole({
    environments: [
      {
        name: 'production',
        prometheus: [{ name: 'prometheus', url: prom.url }],
        elasticsearch: [{ name: 'logs (stand-in)', url: es.url, index: 'logs-*' }],
      },
    ],
    polling: { prometheusMs: 2000, elasticsearchMs: 1000 },
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(`${consoleHost.host.url}#/logs`);
  await region().waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await Promise.allSettled([es?.stop(), fleet?.stop()]);
  await stopAll();
});

test('the runbook query as typed: hits, <mark> highlight, histogram total equals the hit count', async () => {
  await region().getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await runQuery(AUTH_QUERY);
  const total = await totalNumber();
  const now = Date.now();
  // The range starts when the button was clicked: between these two counts.
  const most = expectedFor(isAuth, now - 7 * 86_400_000 - 60_000, now).length;
  const least = expectedFor(isAuth, now - 7 * 86_400_000 + 60_000, now).length;
  assert.ok(total > 0 && total >= least && total <= most, `total ${total} vs ${least}..${most}`);
  assert.match(await totalText(), /^[\d,]+ hits$/);
  await waitFor('rows', async () => (await rows().count()) > 5);
  // Every visible message has its matches marked.
  const msgs = await rows().locator('.log-message').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', marks: [...e.querySelectorAll('mark')].map((m) => (m.textContent ?? '').toLowerCase()) })));
  for (const m of msgs) {
    assert.match(m.text, /Authentication failed/);
    assert.ok(m.marks.includes('authentication') && m.marks.includes('failed'), JSON.stringify(m));
  }
  const levels = await rows().locator('.log-level').allInnerTexts();
  assert.ok(levels.every((l) => l === 'ERROR'));
  const errColour = await rows().first().locator('.log-level').evaluate((e) => getComputedStyle(e).color);
  assert.equal(errColour, 'rgb(180, 35, 24)', 'ERROR in --crit');
  // Time is local, UTC on hover.
  const title = await rows().first().locator('.log-time').getAttribute('title');
  assert.match(title ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z UTC$/);
  // Histogram: bars present, their counts add up to the hit count.
  const hist = region().locator('.logs-histogram');
  assert.equal(Number(await hist.getAttribute('data-total')), total);
  await waitFor('histogram bars', async () => (await hist.locator('.recharts-bar-rectangle').count()) > 0);
  // Newest first.
  const times = await rows().locator('.log-time').allInnerTexts();
  const sorted = [...times].sort().reverse();
  assert.deepEqual(times, sorted);
  await screenshotBothThemes(page, 'logs');
});

test('expanding a hit shows the whole document; filter for and filter out from a field value', async () => {
  const first = rows().first();
  await first.click();
  const doc = region().getByRole('region', { name: 'Document' }).first();
  await doc.waitFor();
  for (const f of ['@timestamp', 'host', 'level', 'message', 'service', 'trace_id']) await doc.locator('dt', { hasText: new RegExp(`^${f}$`) }).first().waitFor();
  await doc.locator('mark').first().waitFor();
  await screenshotBothThemes(page, 'logs-expanded');
  const host = (await doc.locator('.log-doc-row').filter({ has: page.locator('dt', { hasText: /^host$/ }) }).locator('.log-doc-value').innerText()).trim();
  const totalBefore = await totalNumber();

  // Surrounding documents: the same host's lines before and after, the hit itself marked.
  await doc.getByRole('button', { name: 'Surrounding on this host' }).click();
  const sur = region().getByRole('region', { name: 'Surrounding documents' });
  await sur.locator('li[aria-current="true"]').waitFor();
  await waitFor('surrounding rows', async () => (await sur.locator('li').count()) > 10);
  const anchorText = await sur.locator('li[aria-current="true"] .log-message').innerText();
  assert.match(anchorText, /Authentication failed/);
  const surTimes = await sur.locator('li .log-time').allInnerTexts();
  assert.deepEqual(surTimes, [...surTimes].sort().reverse(), 'newest first around the hit');
  await sur.getByRole('button', { name: 'Close surrounding documents' }).click();

  await doc.getByRole('button', { name: `Filter out host: ${host}` }).click();
  await region().getByRole('list', { name: 'Filters' }).getByText(`NOT host: ${host}`).waitFor();
  await waitFor('filtered out', async () => (await totalNumber()) < totalBefore);
  const hostsOut = await rows().locator('.log-cell').allInnerTexts();
  assert.ok(!hostsOut.includes(host), 'no row from the excluded host');
  await region().getByRole('button', { name: `Remove filter NOT host: ${host}` }).click();
  await waitFor('filter removed', async () => (await totalNumber()) === totalBefore);

  // Filter for, from the sidebar's top values.
  const sidebar = region().getByRole('complementary', { name: 'Fields' });
  const hostField = sidebar.getByRole('region', { name: 'Field host' });
  const topHost = (await hostField.locator('.fv-text').first().innerText()).trim();
  await hostField.getByRole('button', { name: `Filter for host: ${topHost}` }).click();
  await region().getByRole('list', { name: 'Filters' }).getByText(`host: ${topHost}`).waitFor();
  await waitFor('filtered for', async () => (await totalNumber()) < totalBefore);
  const hostsIn = await rows().evaluateAll((els) => els.map((e) => e.querySelectorAll('.log-cell')[1]?.textContent ?? ''));
  assert.ok(hostsIn.length > 0 && hostsIn.every((h) => h === topHost), JSON.stringify(hostsIn.slice(0, 5)));
  const now = Date.now();
  const n = await totalNumber();
  assert.ok(n <= expectedFor((d) => isAuth(d) && d.host === topHost, now - 7 * 86_400_000 - 120_000, now).length && n >= expectedFor((d) => isAuth(d) && d.host === topHost, now - 7 * 86_400_000 + 60_000, now).length);
  await region().getByRole('button', { name: `Remove filter host: ${topHost}` }).click();
  await waitFor('filter removed', async () => (await totalNumber()) === totalBefore);
});

test('the numeric-range runbook query; dragging across the histogram narrows the range', async () => {
  await runQuery(SLOW_QUERY);
  const total = await totalNumber();
  assert.ok(total > 0);
  const vals = await rows().evaluateAll((els) => els.length);
  assert.ok(vals > 0);
  const hist = region().locator('.logs-histogram');
  assert.equal(Number(await hist.getAttribute('data-total')), total);
  // Open a document to check processing_time > 1000.
  await rows().first().click();
  const doc = region().getByRole('region', { name: 'Document' }).first();
  const pt = await doc.locator('.log-doc-row').filter({ has: page.locator('dt', { hasText: /^processing_time$/ }) }).locator('.log-doc-value').innerText();
  assert.ok(Number(pt) > 1000, pt);
  await rows().first().click();

  const box = (await hist.locator('.recharts-surface').boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.7, y, { steps: 8 });
  await page.mouse.up();
  await waitFor('absolute range', async () => (await region().getByRole('group', { name: 'Time range' }).locator('button[aria-pressed="true"]').innerText()).includes('→'));
  await waitFor('narrowed', async () => {
    const n = await totalNumber();
    return n > 0 && n < total;
  });
  const narrowed = Number(await hist.getAttribute('data-total'));
  assert.equal(narrowed, await totalNumber(), 'histogram agrees with the new total');
});

test('the server\'s error text is shown beside the query, and what was typed stays', async () => {
  await runQuery('service:(synapse AND');
  const err = region().getByRole('alert', { name: 'Query error' });
  await err.waitFor();
  assert.match(await err.innerText(), /HTTP 400: .*Failed to parse query \[service:\(synapse AND\]/);
  assert.equal(await queryBox().inputValue(), 'service:(synapse AND');
});

test('live tail appends new hits on top, keeps the scroll position, pauses and resumes', async () => {
  await region().getByRole('group', { name: 'Time range' }).getByRole('button', { name: '24h' }).click();
  await runQuery('service:synapse');
  assert.ok((await totalNumber()) > 100, 'enough rows to scroll');
  await waitFor('no error', async () => (await region().getByRole('alert', { name: 'Query error' }).count()) === 0);
  const start = await totalNumber();
  await region().getByRole('button', { name: '▶ Live tail' }).click();
  await region().getByRole('button', { name: 'Pause' }).waitFor();
  const mk = (i: number): LogDoc => ({ '@timestamp': new Date(Date.now() + i).toISOString(), service: 'synapse', level: 'WARN', message: `tail e2e line ${i}`, host: 'server-001', trace_id: `e2e${i}` });
  es.append([mk(1), mk(2)]);
  await waitFor('tail hits on top', async () => (await rows().first().locator('.log-message').innerText()) === 'tail e2e line 2', 15_000);
  assert.equal(await rows().nth(1).locator('.log-message').innerText(), 'tail e2e line 1');
  assert.equal(await totalNumber(), start + 2);

  // Scrolled down: new hits do not move the rows being read.
  const scroller = region().getByTestId('log-scroll');
  await scroller.evaluate((e) => (e.scrollTop = 200));
  await sleep(200);
  const topRowBefore = await scroller.evaluate((e) => {
    const box = e.getBoundingClientRect();
    const el = document.elementFromPoint(box.left + 300, box.top + 5)?.closest('.log-row');
    return el?.getAttribute('data-id') ?? null;
  });
  es.append([mk(3), mk(4), mk(5)]);
  await waitFor('three more', async () => (await totalNumber()) === start + 5, 15_000);
  await sleep(200);
  const topRowAfter = await scroller.evaluate((e) => {
    const box = e.getBoundingClientRect();
    const el = document.elementFromPoint(box.left + 300, box.top + 5)?.closest('.log-row');
    return el?.getAttribute('data-id') ?? null;
  });
  assert.ok(topRowBefore);
  assert.equal(topRowAfter, topRowBefore, 'the row at the top of the view stays');

  await region().getByRole('button', { name: 'Pause' }).click();
  await region().getByRole('button', { name: 'Resume' }).waitFor();
  es.append([mk(6)]);
  await sleep(2500);
  assert.equal(await totalNumber(), start + 5, 'nothing added while paused');
  await region().getByRole('button', { name: 'Resume' }).click();
  await waitFor('the paused line arrives after resume', async () => (await totalNumber()) === start + 6, 15_000);
  await region().getByRole('button', { name: 'Stop' }).click();
  await region().getByRole('button', { name: '▶ Live tail' }).waitFor();
});

test('scrolling to the end loads the next page; Load more shows how many of the total are loaded', async () => {
  await region().getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await runQuery('*');
  assert.ok((await totalNumber()) > 10_000);
  const more = region().getByRole('button', { name: /^Load more \(500 of [\d,]+ hits shown\)$/ });
  await more.waitFor();
  await region().getByTestId('log-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
  await region().getByRole('button', { name: /^Load more \(1,000 of [\d,]+ hits shown\)$/ }).waitFor();
  await region().getByRole('button', { name: /^Load more/ }).click();
  await region().getByRole('button', { name: /^Load more \(1,500 of [\d,]+ hits shown\)$/ }).waitFor();
  const times = await rows().locator('.log-time').allInnerTexts();
  assert.deepEqual(times, [...times].sort().reverse(), 'newest first across pages');
});

test('export NDJSON and CSV download the current results', async () => {
  await region().getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7d' }).click();
  await runQuery(AUTH_QUERY);
  const total = await totalNumber();
  const [nd] = await Promise.all([page.waitForEvent('download'), region().getByRole('button', { name: 'Export NDJSON' }).click()]);
  assert.match(nd.suggestedFilename(), /\.ndjson$/);
  const ndText = await (await import('node:fs/promises')).readFile((await nd.path())!, 'utf8');
  assert.equal(ndText.trimEnd().split('\n').length, total);
  const [csv] = await Promise.all([page.waitForEvent('download'), region().getByRole('button', { name: 'Export CSV' }).click()]);
  assert.match(csv.suggestedFilename(), /\.csv$/);
  const csvText = await (await import('node:fs/promises')).readFile((await csv.path())!, 'utf8');
  assert.equal(csvText.split('\r\n')[0], "'@timestamp,service,host,message");
});

test('saved searches and recent queries', async () => {
  await region().getByRole('button', { name: 'Save search…' }).click();
  await region().getByRole('textbox', { name: 'Saved search name' }).fill('Auth failures');
  await region().getByRole('button', { name: 'Save', exact: true }).click();
  await waitFor('saved', async () => (await region().getByRole('combobox', { name: 'Saved searches' }).locator('option', { hasText: 'Auth failures' }).count()) === 1);
  const recent = await region().getByRole('combobox', { name: 'Recent queries' }).locator('option').allInnerTexts();
  assert.ok(recent.includes(AUTH_QUERY) && recent.includes(SLOW_QUERY), JSON.stringify(recent));
  await queryBox().fill('level:DEBUG');
  await region().getByRole('combobox', { name: 'Saved searches' }).selectOption('Auth failures');
  await waitFor('saved query applied', async () => (await queryBox().inputValue()) === AUTH_QUERY);
});

test('pivot from a server tile: a search scoped to its host around the chosen window', async () => {
  await page.getByRole('navigation').getByRole('button', { name: 'Servers' }).click();
  const instance = fleet.instances[0]!;
  const servers = page.getByRole('region', { name: 'Servers' });
  await servers.getByRole('button', { name: new RegExp(`^${instance} `) }).click({ timeout: 30_000 });
  const view = page.getByRole('region', { name: `Server ${instance}` });
  await view.getByRole('button', { name: 'Search logs' }).click();
  await region().waitFor();
  const host = instance.replace(/:\d+$/, '');
  await waitFor('pivot query', async () => (await queryBox().inputValue()) === `host:"${host}"`);
  await waitFor('pivot results', async () => (await region().locator('.logs-total').count()) > 0 && (await rows().count()) > 0);
  const hostCells = await rows().evaluateAll((els) => els.map((e) => e.querySelectorAll('.log-cell')[1]?.textContent ?? ''));
  assert.ok(hostCells.every((h) => h === host), JSON.stringify(hostCells.slice(0, 5)));
  assert.match(await region().getByRole('group', { name: 'Time range' }).locator('button[aria-pressed="true"]').innerText(), /→/);
});
