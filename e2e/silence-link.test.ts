/**
 * Silence links in Chromium against a REAL Alertmanager: the console opened at
 * `#/alerts/silence/new?matchers=…` shows the silence editor filled in, with its preview of matching alerts,
 * and creates nothing until Create; "Copy link" gives a link that reads back to what is typed (and its browser
 * spelling opens the same editor); an invalid link names its problem and opens no editor; the Electron host's
 * `ui.openSilence` event (emitted here by the core, as main/electron/main.ts does) opens the editor too, and
 * a link the host refused shows its error the same way. A link that arrives while the open editor holds edits
 * keeps them and offers the link in a notice ("Open the link" / "Keep mine"); an editor without edits is replaced.
 * A link refused while the editor is open shows its error inside the editor (the pane behind the modal is out of
 * sight), and what is typed stays.
 * Screenshots of the prefilled editor, the error, the notice, the error in the editor and the host's refusal, in
 * both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startAlertmanager, stopAll, type RunningServer } from '../test/support/real-servers';
import { AlertmanagerClient } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import { formatSilenceLink, parseSilenceLink, type SilenceLink } from '../preload/contract';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { waitFor } from '../test/support/wait';

let am: RunningServer;
let client: AlertmanagerClient;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;

const LINK: SilenceLink = {
  matchers: [
    { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
    { name: 'instance', value: 'db-.*', isRegex: true, isEqual: true },
  ],
  durationMs: 2.5 * 3_600_000,
  comment: 'Disk swap on the db tier, "CHG-42" — back by 06:00',
};

function route(link: SilenceLink): string {
  const r = formatSilenceLink(link, 'route');
  assert.ok(r.ok);
  return r.value;
}

before(async () => {
  am = await startAlertmanager();
  client = new AlertmanagerClient(createHttpClient({ name: 'am', url: am.url }));
  const alert = (alertname: string, instance: string, severity: string, summary: string) => ({ labels: { alertname, instance, severity, job: 'node' }, annotations: { summary } });
  await client.postAlerts([
    alert('DiskFull', 'db-1:9100', 'critical', '/var 97% full'),
    alert('DiskFull', 'db-2:9100', 'warning', '/var 91% full'),
    alert('DiskFull', 'web-1:9100', 'warning', '/ 90% full'),
    alert('HighCPUUsage', 'db-1:9100', 'warning', 'CPU above 95% for 5 minutes'),
  ]);
  consoleHost = await startConsole({ environments: [{ name: 'prod', alertmanager: [{ name: 'alertmanager', url: am.url }] }], polling: { alertmanagerMs: 1000 }, user: 'ic-on-call' });
  await waitFor('the core holding the 4 alerts', () => consoleHost.features.alerts.current().size === 4, 20_000);
  browser = await launchChromium();
  const origin = new URL(consoleHost.host.url).origin;
  ({ page } = await newPage(browser, { permissions: ['clipboard-read', 'clipboard-write'], origin }));
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  await stopAll();
});

const dialog = () => page.getByRole('dialog', { name: 'Silence editor' });
const preview = () => dialog().getByRole('status', { name: 'Preview' });

async function editorMatchers(): Promise<[string, string, string][]> {
  const rows = await dialog().locator('.matcher-row').count();
  const out: [string, string, string][] = [];
  for (let i = 1; i <= rows; i++) {
    out.push([
      await dialog().getByRole('textbox', { name: `Label name ${i}` }).inputValue(),
      await dialog().getByRole('combobox', { name: `Operator ${i}` }).inputValue(),
      await dialog().getByRole('textbox', { name: `Value ${i}` }).inputValue(),
    ]);
  }
  return out;
}

test('the route opens the editor filled in, with the preview count; nothing is created until Create', async () => {
  await page.goto(`${consoleHost.host.url}${route(LINK)}`);
  await dialog().waitFor();
  await dialog().getByRole('heading', { name: /New silence · from a link/ }).waitFor();
  assert.deepEqual(await editorMatchers(), [
    ['alertname', '=', 'DiskFull'],
    ['instance', '=~', 'db-.*'],
  ]);
  await preview().getByText('Matches 2 current alerts').waitFor();
  assert.match(await preview().innerText(), /db-1:9100[\s\S]*db-2:9100/);
  assert.equal(await dialog().getByRole('radio', { name: '2h30m', exact: true }).isChecked(), true, 'the link\'s duration is a choice of its own');
  assert.equal(await dialog().getByRole('textbox', { name: 'Comment' }).inputValue(), LINK.comment);
  // The editor opened before the settings arrived: the author follows the configured user once they do.
  await waitFor('the configured author', async () => (await dialog().getByRole('textbox', { name: 'Author' }).inputValue()) === 'ic-on-call', 10_000);
  // The route is read once: the address bar is back at the pane.
  assert.equal(new URL(page.url()).hash, '#/alerts');
  assert.equal((await client.silences()).length, 0, 'opening a link creates nothing');
  await page.setViewportSize({ width: 1280, height: 860 });
  await screenshotBothThemes(page, 'silence-link-editor');
});

test('"Copy link" gives a link that reads back to what is typed; its browser spelling opens the same editor; Create creates it', async () => {
  // Change what the link opened with: one more matcher, the 4h preset, another comment.
  await dialog().getByRole('button', { name: 'Add matcher' }).click();
  await dialog().getByRole('textbox', { name: 'Label name 3' }).fill('severity');
  await dialog().getByRole('combobox', { name: 'Operator 3' }).selectOption('!=');
  await dialog().getByRole('textbox', { name: 'Value 3' }).fill('info');
  await dialog().getByRole('radio', { name: '4h', exact: true }).check();
  await dialog().getByRole('textbox', { name: 'Comment' }).fill('Planned: disk swap \\ "db" tier ✓');
  await preview().getByText('Matches 2 current alerts').waitFor();
  await dialog().getByRole('button', { name: 'Copy link' }).click();
  const appLink = await dialog().getByRole('textbox', { name: 'Silence link' }).inputValue();
  const expected: SilenceLink = {
    matchers: [...LINK.matchers, { name: 'severity', value: 'info', isRegex: false, isEqual: false }],
    durationMs: 4 * 3_600_000,
    comment: 'Planned: disk swap \\ "db" tier ✓',
  };
  assert.ok(appLink.startsWith('ops-console://silence/new?matchers='), appLink);
  assert.deepEqual(parseSilenceLink(appLink), { ok: true, value: expected });
  await dialog().getByRole('status').getByText('Link copied to the clipboard', { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), appLink, 'the app link is what the clipboard holds');
  const browserLink = await dialog().getByRole('textbox', { name: 'Browser link' }).inputValue();
  assert.ok(browserLink.startsWith(`${new URL(consoleHost.host.url).origin}/#/alerts/silence/new?matchers=`), browserLink);
  assert.deepEqual(parseSilenceLink(browserLink), { ok: true, value: expected });
  await screenshotBothThemes(page, 'silence-link-copied');
  // Typing on hides the link: it was for what was typed then.
  await dialog().getByRole('textbox', { name: 'Comment' }).fill('Planned: disk swap');
  assert.equal(await dialog().getByRole('textbox', { name: 'Silence link' }).count(), 0);

  // The browser spelling, opened in a fresh page load: the same editor.
  await page.goto('about:blank');
  await page.goto(browserLink);
  await dialog().waitFor();
  assert.deepEqual(await editorMatchers(), [
    ['alertname', '=', 'DiskFull'],
    ['instance', '=~', 'db-.*'],
    ['severity', '!=', 'info'],
  ]);
  assert.equal(await dialog().getByRole('radio', { name: '4h', exact: true }).isChecked(), true);
  await preview().getByText('Matches 2 current alerts').waitFor();
  assert.equal((await client.silences()).length, 0);
  await dialog().getByRole('button', { name: 'Create silence' }).click();
  await dialog().waitFor({ state: 'detached' });
  const created = await waitFor('the silence in Alertmanager', async () => (await client.silences()).find((s) => s.status.state === 'active'));
  assert.equal(created.comment, expected.comment);
  assert.equal(created.createdBy, 'ic-on-call');
  assert.deepEqual(
    created.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]),
    expected.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]),
  );
  const hours = (Date.parse(created.endsAt) - Date.parse(created.startsAt)) / 3_600_000;
  assert.ok(Math.abs(hours - 4) < 0.02, `4h, got ${hours}`);
  await client.expireSilence(created.id);
});

test('an invalid link names its problem and opens no editor', async () => {
  // Pasted into the address bar of the open console: only the hash changes.
  await page.goto(`${consoleHost.host.url}#/alerts`);
  await page.getByRole('region', { name: 'Alerts' }).waitFor();
  const bad = '#/alerts/silence/new?matchers=' + encodeURIComponent('{alertname="DiskFull",instance=~"db-[0-9"}') + '&duration=2h';
  await page.evaluate((hash) => (location.hash = hash), bad);
  const error = page.getByRole('alert').filter({ hasText: 'This silence link cannot be opened' });
  await error.waitFor();
  assert.match(await error.innerText(), /parameter matchers: invalid regular expression in instance=~"db-\[0-9": .*Unterminated character class/);
  assert.equal(await dialog().count(), 0, 'no editor with half a link');
  await page.setViewportSize({ width: 1280, height: 520 });
  await screenshotBothThemes(page, 'silence-link-error');

  // A fresh load of a link with an unknown parameter: named too; a good link afterwards replaces the error.
  await page.goto('about:blank');
  await page.goto(`${consoleHost.host.url}#/alerts/silence/new?matchers=${encodeURIComponent('{alertname="DiskFull"}')}&until=tomorrow`);
  await error.getByText('unknown parameter "until"; a silence link takes matchers, duration, comment').waitFor();
  assert.equal(await dialog().count(), 0);
  await page.evaluate((hash) => (location.hash = hash), route({ matchers: [LINK.matchers[0]!] }));
  await dialog().waitFor();
  assert.equal(await error.count(), 0);
  await preview().getByText('Matches 3 current alerts').waitFor();
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await client.silences()).filter((s) => s.status.state === 'active').length, 0);
});

test("the Electron host's ui.openSilence event opens the editor on whatever pane is shown", async () => {
  await page.getByRole('button', { name: 'Servers' }).first().click();
  consoleHost.core.emit('ui.openSilence', { ok: true, link: { matchers: [{ name: 'alertname', value: 'HighCPUUsage', isRegex: false, isEqual: true }], comment: 'from chat' } });
  await dialog().waitFor();
  assert.deepEqual(await editorMatchers(), [['alertname', '=', 'HighCPUUsage']]);
  assert.equal(await dialog().getByRole('textbox', { name: 'Comment' }).inputValue(), 'from chat');
  await preview().getByText('Matches 1 current alert').waitFor();
  await page.getByRole('region', { name: 'Alerts' }).waitFor();
  await dialog().getByRole('button', { name: 'Cancel' }).click();
});

const notice = () => dialog().getByRole('status').filter({ hasText: 'A silence link arrived' });
const comment = () => dialog().getByRole('textbox', { name: 'Comment' });
const TYPED_COMMENT = 'My own words <b>stay</b>';

/** Opens the editor from a link, then types as a user would: another value, a comment, the 15m preset. */
async function openEditorWithEdits(): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.evaluate((hash) => (location.hash = hash), route({ matchers: [{ name: 'alertname', value: 'HighCPUUsage', isRegex: false, isEqual: true }] }));
  await dialog().waitFor();
  await dialog().getByRole('textbox', { name: 'Value 1' }).fill('DiskFull');
  await comment().fill(TYPED_COMMENT);
  await dialog().getByRole('radio', { name: '15m', exact: true }).check();
}

/** What openEditorWithEdits typed is still in the editor. */
async function assertTypedStays(): Promise<void> {
  assert.deepEqual(await editorMatchers(), [['alertname', '=', 'DiskFull']], 'what was typed is still there');
  assert.equal(await comment().inputValue(), TYPED_COMMENT);
  assert.equal(await dialog().getByRole('radio', { name: '15m', exact: true }).isChecked(), true);
}

test('a link that arrives while the editor holds edits keeps them and offers the link: "Keep mine" dismisses, "Open the link" replaces', async () => {
  await openEditorWithEdits();

  // A link by the route (pasted into the address bar of the open console).
  await page.evaluate((hash) => (location.hash = hash), route(LINK));
  await notice().waitFor();
  assert.match(await notice().innerText(), /A silence link arrived: \{alertname="DiskFull",instance=~"db-\.\*"\}/);
  assert.match(await notice().innerText(), /2 matchers · duration 2h30m · comment “Disk swap on the db tier, "CHG-42" — back by 06:00”/);
  await assertTypedStays();
  assert.equal(await dialog().getByRole('radio', { name: '2h30m', exact: true }).count(), 0);
  assert.equal(new URL(page.url()).hash, '#/alerts');
  await preview().getByText('Matches 3 current alerts').waitFor();
  await screenshotBothThemes(page, 'silence-link-arrived');

  await notice().getByRole('button', { name: 'Keep mine' }).click();
  assert.equal(await notice().count(), 0);
  await assertTypedStays();

  // A link by the Electron host's event: offered the same way; "Open the link" fills the form with it.
  const fromChat: SilenceLink = { matchers: [{ name: 'instance', value: 'db-1:9100', isRegex: false, isEqual: true }], durationMs: 4 * 3_600_000, comment: 'from chat' };
  consoleHost.core.emit('ui.openSilence', { ok: true, link: fromChat });
  await notice().getByText('{instance="db-1:9100"}', { exact: false }).waitFor();
  assert.equal(await comment().inputValue(), TYPED_COMMENT);
  await notice().getByRole('button', { name: 'Open the link' }).click();
  await waitFor('the form holding the link', async () => (await comment().inputValue()) === 'from chat', 10_000);
  assert.equal(await notice().count(), 0);
  assert.deepEqual(await editorMatchers(), [['instance', '=', 'db-1:9100']]);
  assert.equal(await dialog().getByRole('radio', { name: '4h', exact: true }).isChecked(), true);
  await preview().getByText('Matches 2 current alerts').waitFor();

  // An editor without edits is simply replaced by the next link, no notice.
  consoleHost.core.emit('ui.openSilence', { ok: true, link: { matchers: [LINK.matchers[0]!] } });
  await waitFor('the editor replaced', async () => JSON.stringify(await editorMatchers()) === JSON.stringify([['alertname', '=', 'DiskFull']]), 10_000);
  assert.equal(await notice().count(), 0);
  assert.equal(await comment().inputValue(), '');
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await client.silences()).filter((s) => s.status.state === 'active').length, 0, 'nothing created');
});

test('a link refused while the editor is open shows its error inside the editor; what was typed stays', async () => {
  await openEditorWithEdits();
  const inEditor = () => dialog().getByRole('alert').filter({ hasText: 'This silence link cannot be opened' });
  const inPane = () => page.getByRole('alert').filter({ hasText: 'no editor was opened' });

  // A bad link by the route (pasted into the address bar of the open console): its error is in the dialog.
  const bad = '#/alerts/silence/new?matchers=' + encodeURIComponent('{alertname="DiskFull",instance=~"db-[0-9"}') + '&duration=2h';
  await page.evaluate((hash) => (location.hash = hash), bad);
  await inEditor().waitFor();
  assert.ok(await inEditor().isVisible());
  assert.match(await inEditor().innerText(), /what you typed here stays and nothing was created/);
  assert.match(await inEditor().innerText(), /parameter matchers: invalid regular expression in instance=~"db-\[0-9": .*Unterminated character class/);
  assert.equal(await inPane().count(), 0, 'not behind the editor');
  await assertTypedStays();
  assert.equal(new URL(page.url()).hash, '#/alerts');
  await preview().getByText('Matches 3 current alerts').waitFor();
  await screenshotBothThemes(page, 'silence-link-error-in-editor');

  await inEditor().getByRole('button', { name: 'Dismiss link error' }).click();
  assert.equal(await inEditor().count(), 0);
  await assertTypedStays();

  // A link the Electron host refused: its reason and its text, as text, in the dialog.
  const text = 'ops-console://silence/new?matchers={alertname="DiskFull"}&until=<img src=x onerror=alert(1)>';
  consoleHost.core.emit('ui.openSilence', { ok: false, error: 'unknown parameter "until"; a silence link takes matchers, duration, comment', text });
  await inEditor().getByText('unknown parameter "until"', { exact: false }).waitFor();
  assert.ok((await inEditor().innerText()).includes(`Link: ${text}`), 'the link as text, not markup');
  assert.equal(await dialog().locator('img').count(), 0);
  assert.equal(await inPane().count(), 0);
  await assertTypedStays();

  // A good link next: offered as before (the edits stay), in place of the error.
  consoleHost.core.emit('ui.openSilence', { ok: true, link: { matchers: [{ name: 'instance', value: 'db-1:9100', isRegex: false, isEqual: true }] } });
  await notice().getByText('{instance="db-1:9100"}', { exact: false }).waitFor();
  assert.equal(await inEditor().count(), 0);
  await assertTypedStays();

  // Closed, the editor takes nothing with it: the next refused link shows in the pane, as before.
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  await page.evaluate((hash) => (location.hash = hash), bad);
  await inPane().waitFor();
  assert.equal(await dialog().count(), 0);
  await inPane().getByRole('button', { name: 'Dismiss link error' }).click();
  assert.equal((await client.silences()).filter((s) => s.status.state === 'active').length, 0, 'nothing created');
});

test("a link the Electron host refused shows its error and text in the Alerts pane; a payload the window does not read is refused", async () => {
  await page.getByRole('button', { name: 'Servers' }).first().click();
  const text = 'ops-console://silence/new?matchers={instance=~"db-[0-9"}&comment=<img src=x onerror=alert(1)>';
  consoleHost.core.emit('ui.openSilence', { ok: false, error: 'parameter matchers: invalid regular expression in instance=~"db-[0-9": Unterminated character class', text });
  const error = page.getByRole('alert').filter({ hasText: 'This silence link cannot be opened' });
  await error.waitFor();
  await page.getByRole('region', { name: 'Alerts' }).waitFor();
  assert.match(await error.innerText(), /parameter matchers: invalid regular expression in instance=~"db-\[0-9": Unterminated character class/);
  assert.ok((await error.innerText()).includes(`Link: ${text}`), 'the link as text, not markup');
  assert.equal(await error.locator('img').count(), 0);
  assert.equal(await dialog().count(), 0);
  await page.setViewportSize({ width: 1280, height: 520 });
  await screenshotBothThemes(page, 'silence-link-refused');
  await error.getByRole('button', { name: 'Dismiss link error' }).click();
  assert.equal(await error.count(), 0);

  // Not the contract's shape (a bare link, as the first version of the event sent): refused, nothing opened.
  consoleHost.core.emit('ui.openSilence', { matchers: LINK.matchers } as never);
  await error.getByText('the app passed on a silence link in a form this window does not read').waitFor();
  assert.equal(await dialog().count(), 0);
  await error.getByRole('button', { name: 'Dismiss link error' }).click();
});
