/**
 * Extending a silence in Chromium against a REAL Alertmanager: the +1h / +4h / +1d steps, a custom
 * duration ("2h30m") with the new end shown before it is sent, a typo named and kept in the box, and an
 * end before the current one refused in the form — each checked in Alertmanager's own API (the core's own
 * refusal is in test/integration/silence-extend.test.ts).
 * Screenshots in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor as waitForShared } from '../test/support/wait';

const H = 3_600_000;
let am: RunningServer;
let client: AlertmanagerClient;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;
let silenceEnd = 0;

const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15000) => waitForShared(what, fn, timeoutMs, { intervalMs: 150 });

/** The one active silence with this comment, as Alertmanager holds it. */
async function held(comment: string): Promise<{ id: string; endsAt: number }> {
  const s = (await client.silences()).find((x) => x.status.state === 'active' && x.comment === comment);
  assert.ok(s, `an active silence "${comment}" in Alertmanager`);
  return { id: s.id, endsAt: Date.parse(s.endsAt) };
}

before(async () => {
  am = await startAlertmanager();
  client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  await client.postAlerts([{ labels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'warning', job: 'node' }, annotations: { summary: 'Disk 85% full on /var' } }]);
  silenceEnd = Date.now() + H;
  await client.postSilence({
    matchers: [{ name: 'alertname', value: 'DiskSpaceLow', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(silenceEnd).toISOString(),
    createdBy: 'storage-oncall',
    comment: 'Storage migration CHG-1234',
  });
  consoleHost = await startConsole({ environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: am.url }] }], polling: { alertmanagerMs: 1000 }, user: 'ic-on-call' });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 1280, height: 640 });
  await page.goto(`${consoleHost.host.url}#/alerts`);
  await region().getByRole('button', { name: /^Silences \d+/ }).click();
  await item().waitFor({ timeout: 20_000 });
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stopAll();
});

const region = () => page.getByRole('region', { name: 'Alerts' });
const item = () => region().getByRole('listitem', { name: /Storage migration CHG-1234/ });

test('+4h moves the end four hours past the current end, in Alertmanager', async () => {
  const before = await held('Storage migration CHG-1234');
  await item().getByRole('button', { name: 'Extend by 4 hours' }).click();
  const after = await waitFor('the new end in Alertmanager', async () => {
    const s = (await client.silences()).find((x) => x.status.state === 'active' && x.comment === 'Storage migration CHG-1234');
    return s && Date.parse(s.endsAt) > before.endsAt ? { endsAt: Date.parse(s.endsAt) } : null;
  });
  // Counted from the current end (which is in the future), not from the click.
  assert.equal(after.endsAt - before.endsAt, 4 * H);
  await region().getByText(/Extended silence .* until/).waitFor();
});

test('custom: a typo is named and kept; "2h30m" shows the new end first; an earlier end is refused', async () => {
  await item().getByRole('button', { name: 'Extend by a custom duration or until a time' }).click();
  const form = item().getByRole('form', { name: /Extend silence/ });
  const box = form.getByRole('textbox', { name: 'Extend by or until' });
  await box.fill('2h30');
  await form.getByRole('alert').getByText('"2h30": 30 has no unit; use w, d, h, m or s (e.g. 30m).').waitFor();
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  await form.getByRole('button', { name: 'Extend' }).click();
  assert.equal(await box.inputValue(), '2h30', 'what was typed stays');
  await screenshotBothThemes(page, 'silence-extend-error');

  const start = await held('Storage migration CHG-1234');
  await box.fill('2h30m');
  await form.getByText(/New end: .* more\)/).waitFor();
  assert.equal(await box.getAttribute('aria-invalid'), 'false');
  await screenshotBothThemes(page, 'silence-extend');
  await form.getByRole('button', { name: 'Extend' }).click();
  await form.waitFor({ state: 'detached' });
  const after = await waitFor('2h30m later in Alertmanager', async () => {
    const s = (await client.silences()).find((x) => x.status.state === 'active' && x.comment === 'Storage migration CHG-1234');
    return s && Date.parse(s.endsAt) > start.endsAt ? { endsAt: Date.parse(s.endsAt) } : null;
  });
  assert.equal(after.endsAt - start.endsAt, 2.5 * H);

  // An end time before the current end: the form says why, and nothing reaches Alertmanager.
  await item().getByRole('button', { name: 'Extend by a custom duration or until a time' }).click();
  const again = item().getByRole('form', { name: /Extend silence/ });
  const earlier = new Date(after.endsAt - H).toISOString().slice(0, 16) + 'Z';
  await again.getByRole('textbox', { name: 'Extend by or until' }).fill(earlier);
  await again.getByRole('alert').getByText(/is not after the silence's current end .*; to end it sooner, expire it/).waitFor();
  await again.getByRole('button', { name: 'Extend' }).click();
  assert.equal((await held('Storage migration CHG-1234')).endsAt, after.endsAt, 'unchanged in Alertmanager');
  assert.equal(await again.getByRole('textbox', { name: 'Extend by or until' }).inputValue(), earlier);
  await again.getByRole('button', { name: 'Cancel' }).click();
  await again.waitFor({ state: 'detached' });
});
