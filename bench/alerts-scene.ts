/** The inbox scene of figures 1–3: a real Alertmanager with N alerts, the console in-process, Chromium on #/alerts. */
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, type RunningServer } from '../test/support/real-servers';
import { newPage } from '../e2e/support/chromium';
import { startConsole, type RunningConsole } from '../e2e/support/console-host';
import { alertmanagerClient, fetchAndParse, postAlerts, waitFor } from './util';
import { addProbe } from './page-probe';

export interface AlertsScene {
  total: number;
  am: RunningServer;
  console: RunningConsole;
  page: Page;
  /** Closes the page and the console; the Alertmanager (and its alerts) stays for later figures. */
  close(): Promise<void>;
}

export const ALERT_LIST_ROW = '[aria-label="Alert list"] [role="row"]';

/**
 * The console starts on an environment without sources, the page is loaded and idle; the figures switch to
 * environment "big" when they start the clock (that switch starts the first Alertmanager poll).
 */
export async function startAlertsScene(browser: Browser, total: number, pollMs: number): Promise<AlertsScene> {
  // Alertmanager runs on other machines in use, not on the commander's laptop; here it shares two cores with the
  // console and Chromium, and a poll (20 MB at 50,000 alerts) keeps it busy on both for 1-2 s, its garbage
  // collection after that too. Under SCHED_IDLE it still gets every core that the console and the page leave
  // idle (all of them while they wait for its answer), but it no longer preempts them. (A trace of figure 3b's
  // long tasks: the page's main thread ran 11 of their 108 ms, and /proc showed Alertmanager on both cores
  // meanwhile; in 2b's window it took 100-160 ms of CPU in ~100 ms, at nice 10.)
  const am = await startAlertmanager({ schedIdle: true });
  await postAlerts(alertmanagerClient(am.url), 0, total);
  await waitFor(`Alertmanager holds ${total} alerts`, async () => (await fetchAndParse(am.url)).count >= total, 120_000, 1000);
  const console = await startConsole({
    environments: [
      { name: 'empty' },
      { name: 'big', alertmanager: [{ name: 'alertmanager', url: am.url, timeoutMs: 120_000 }] },
    ],
    defaultEnvironment: 'empty',
    polling: { alertmanagerMs: pollMs, prometheusMs: 15_000, timeoutMs: 120_000 },
  });
  const { page } = await newPage(browser);
  await addProbe(page);
  await page.goto(`${console.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).waitFor({ timeout: 60_000 });
  return {
    total,
    am,
    console,
    page,
    async close() {
      await page.context().close();
      await console.stop();
    },
  };
}

export async function listCountText(page: Page): Promise<string> {
  return (await page.locator('.list-count').textContent()) ?? '';
}
