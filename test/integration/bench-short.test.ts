/**
 * The short benchmark inside the test suite (the full one is `npm run bench`): small N, real servers,
 * regressions asserted as counts and ratios only — never wall-clock times.
 * - Fleet: instant queries per poll are the same number for 10 and 200 synthetic servers (counting proxy).
 * - Alerts: a poll in which 1% of 2,000 alerts changed sends ≤ 2% of Alertmanager's payload to the renderer.
 * - Renderer (when dist/renderer is built and Chromium is there): the main-thread time of a 1% update is at
 *   most the main-thread time of the first full load of the same inbox.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, stopAll, type RunningServer } from '../support/real-servers';
import { startDemoStack, type DemoStack } from '../support/demo-stack';
import { startConsole, RENDERER_DIR, type RunningConsole } from '../../e2e/support/console-host';
import { CHROMIUM_PATH, launchChromium, newPage } from '../../e2e/support/chromium';
import { startCountingProxy, cycles, isInstant, type CountingProxy } from '../../bench/proxy';
import { alertmanagerClient, fetchAndParse, postAlerts, sleep, syntheticAlert, waitFor } from '../../bench/util';
import { waitForTargets } from '../../bench/fleet';
import { addProbe, messageCount, settle } from '../../bench/page-probe';
import { cdp, taskMetrics } from '../../bench/cdp';

const ALERTS = 2000;

describe('short bench: alerts', () => {
  let am: RunningServer;
  let consoleHost: RunningConsole;
  let browser: Browser | null = null;
  let page: Page | null = null;
  const haveRenderer = existsSync(join(RENDERER_DIR, 'index.html')) && existsSync(CHROMIUM_PATH);

  before(async () => {
    am = await startAlertmanager();
    await postAlerts(alertmanagerClient(am.url), 0, ALERTS);
    await waitFor('Alertmanager holds the alerts', async () => (await fetchAndParse(am.url)).count >= ALERTS, 60_000, 250);
    consoleHost = await startConsole({
      environments: [{ name: 'empty' }, { name: 'big', alertmanager: [{ name: 'alertmanager', url: am.url }] }],
      defaultEnvironment: 'empty',
      // Polls only when the test asks (alerts.refresh), so each measured window holds exactly one poll.
      polling: { alertmanagerMs: 600_000, prometheusMs: 600_000 },
    });
    if (haveRenderer) {
      browser = await launchChromium();
      ({ page } = await newPage(browser));
      await addProbe(page);
      await page.goto(`${consoleHost.host.url}#/alerts`);
      await page.getByRole('region', { name: 'Alerts' }).waitFor({ timeout: 30_000 });
    }
  });

  after(async () => {
    await browser?.close();
    await consoleHost?.stop();
    await stopAll();
  });

  test('1% changed: the renderer gets ≤ 2% of the Alertmanager payload, and its update costs no more than the first load', async (t) => {
    const session = page ? await cdp(page) : null;
    const load0 = session ? await taskMetrics(session) : null;
    const switched = await consoleHost.core.invoke('core.selectEnvironment', { name: 'big' });
    assert.equal(switched.ok, true);
    await waitFor('core has every alert', () => consoleHost.features.alerts.current().size === ALERTS, 60_000, 50);
    let loadTaskMs = 0;
    if (page && session && load0) {
      await waitFor('inbox shows every alert', async () => (await page!.locator('.list-count').textContent())?.startsWith(`${ALERTS} alerts`), 60_000, 50);
      await settle(page, 100);
      loadTaskMs = ((await taskMetrics(session)).task - load0.task) * 1000;
    }

    const changed = ALERTS / 100;
    await alertmanagerClient(am.url).postAlerts(Array.from({ length: changed }, (_, k) => syntheticAlert(k * 100, { summary: 'changed' })));
    let sent = 0;
    let diffs = 0;
    const unsubscribe = consoleHost.core.subscribe((e) => {
      sent += Buffer.byteLength(JSON.stringify({ t: 'evt', name: e.name, payload: e.payload }));
      if (e.name === 'alerts.update') diffs += 1;
    });
    const before = page ? await messageCount(page, 'alerts.update') : 0;
    const m0 = session ? await taskMetrics(session) : null;
    await consoleHost.core.invoke('alerts.refresh', {});
    await waitFor('the diff', () => diffs > 0, 30_000, 20);
    let updateTaskMs = 0;
    if (page && session && m0) {
      await waitFor('the diff in the page', async () => (await messageCount(page!, 'alerts.update')) > before, 30_000, 20);
      await settle(page, 100);
      updateTaskMs = ((await taskMetrics(session)).task - m0.task) * 1000;
    }
    unsubscribe();
    const payload = (await fetchAndParse(am.url)).bytes;
    t.diagnostic(`bytes to the renderer ${sent} of an Alertmanager payload of ${payload} (${((sent / payload) * 100).toFixed(2)}%)`);
    assert.equal(diffs, 1, 'one diff for one poll');
    assert.ok(sent / payload <= 0.02, `sent ${sent} bytes for a payload of ${payload}`);
    if (!page) {
      t.diagnostic('renderer ratio not checked: dist/renderer or Chromium missing (node scripts/build.mjs)');
      return;
    }
    t.diagnostic(`renderer main-thread: update ${updateTaskMs.toFixed(1)} ms vs first load ${loadTaskMs.toFixed(1)} ms`);
    assert.ok(loadTaskMs > 0, 'the first load took main-thread time');
    assert.ok(updateTaskMs <= loadTaskMs, `a 1% update (${updateTaskMs.toFixed(1)} ms) costs no more than loading everything (${loadTaskMs.toFixed(1)} ms)`);
  });
});

describe('short bench: fleet queries per poll do not grow with the fleet', () => {
  const stacks: DemoStack[] = [];
  const proxies: CountingProxy[] = [];
  const consoles: RunningConsole[] = [];

  after(async () => {
    for (const c of consoles) await c.stop();
    for (const p of proxies) await p.stop();
    await Promise.all(stacks.map((s) => s.stop()));
    await stopAll();
  });

  async function instantQueriesPerPoll(instances: number): Promise<number[]> {
    const stack = await startDemoStack({ syntheticInstances: instances });
    stacks.push(stack);
    await waitForTargets(stack, instances);
    const proxy = await startCountingProxy(stack.prometheusUrl);
    proxies.push(proxy);
    const c = await startConsole({
      environments: [{ name: 'fleet', prometheus: [{ name: 'prometheus', url: proxy.url }] }],
      polling: { prometheusMs: 1000, alertmanagerMs: 600_000, sparklineMs: 600_000 },
    });
    consoles.push(c);
    await waitFor('tiles for every server', () => c.features.fleet.current().tiles.length >= instances, 60_000, 100);
    await sleep(3500);
    await c.stop();
    consoles.splice(consoles.indexOf(c), 1);
    return cycles(proxy.log.filter(isInstant)).map((cy) => cy.length);
  }

  test('10 and 200 servers: the same number of instant queries per poll', async (t) => {
    const small = await instantQueriesPerPoll(10);
    const large = await instantQueriesPerPoll(200);
    t.diagnostic(`instant queries per poll: 10 servers ${small.join(',')}; 200 servers ${large.join(',')}`);
    assert.ok(small.length >= 2 && large.length >= 2, 'several polls seen');
    assert.equal(new Set(small).size, 1, `constant from poll to poll: ${small.join(',')}`);
    assert.deepEqual(new Set(large), new Set(small), `same count at 200 as at 10 servers: ${large.join(',')} vs ${small.join(',')}`);
  });
});
