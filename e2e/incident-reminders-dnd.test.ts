/**
 * Overdue incident reminders while Do-not-disturb is on: the Incidents pane still lists them (the
 * reminder list is never held) and says that notifications wait for the summary at the end of DND.
 * The holding and the summary themselves are unit-tested on a fake clock (main/notify).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { NotifyNotification } from '../preload/contract';
import { IncidentStore } from '../main/incidents/store';
import { openIncidentService } from '../main/incidents/incident-service';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';
import { RECORD_WEB_NOTIFICATIONS } from './support/recorded-notifications';

const H = 3_600_000;
let dataDir: string;
let running: RunningConsole;
let browser: Browser;
let page: Page;
const notes: NotifyNotification[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ops-console-e2e-reminders-'));
  // An incident declared three hours ago: its first response and status page targets are overdue.
  const store = new IncidentStore({ dataDir });
  const earlier = await openIncidentService(store, { now: () => Date.now() - 3 * H, user: 'ic-on-call' });
  earlier.invoke('incidents.declare', { title: 'Checkout errors', severity: 'high' });
  store.flushSync();
  running = await startConsole({ environments: [{ name: 'prod' }], user: 'ic-on-call' }, { dataDir });
  running.core.subscribe((e) => {
    if (e.name === 'notify.notification') notes.push(e.payload);
  });
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.setViewportSize({ width: 1280, height: 560 });
  await page.goto(`${running.host.url}#/incidents`);
});

after(async () => {
  await browser?.close();
  await running?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('overdue reminders stay listed during Do-not-disturb, with a note that notifications wait for its summary', async () => {
  const region = page.getByRole('region', { name: 'Incidents' });
  const banner = region.getByRole('alert').filter({ hasText: 'Checkout errors: First response overdue by' });
  await banner.waitFor({ timeout: 20_000 });
  assert.equal(await banner.getByText(/Do-not-disturb is on/).count(), 0, 'no note while DND is off');

  const r = await running.core.invoke('notify.setDoNotDisturb', { preset: '1h' });
  assert.ok(r.ok);
  await banner.getByText(/Do-not-disturb is on until .*: reminders are not sent as notifications; you get one summary when it ends\./).waitFor();
  assert.match(await banner.innerText(), /Checkout errors: First response overdue by/, 'the reminder list is not held');
  await screenshotBothThemes(page, 'incident-reminders-dnd');

  // Nothing was held (the targets were notified once at start, before DND): switching it off sends nothing.
  const delivered = running.features.notify.deliveredCount;
  const reminded = notes.filter((n) => n.kind === 'reminder').length;
  await running.core.invoke('notify.setDoNotDisturb', { until: null });
  await banner.getByText(/Do-not-disturb is on/).waitFor({ state: 'detached' });
  assert.equal(running.features.notify.deliveredCount, delivered);
  assert.equal(notes.filter((n) => n.kind === 'dnd-summary').length, 0, 'nothing was held, so no summary');
  assert.equal(notes.filter((n) => n.kind === 'reminder').length, reminded, 'and no reminder again');
});

test('clicking a reminder notification (browser mode) opens its incident in the Incidents pane', async () => {
  const { page: p } = await newPage(browser, { permissions: ['notifications'], origin: new URL(running.host.url).origin });
  // Plain source text: a function would be serialised after tsx compiled it, with helpers the page lacks.
  await p.addInitScript(RECORD_WEB_NOTIFICATIONS);
  try {
    const list = await running.core.invoke('incidents.list', {});
    assert.ok(list.ok);
    const checkout = (list.result as { id: string; title: string }[]).find((i) => i.title === 'Checkout errors')!;
    const dns = await running.core.invoke('incidents.declare', { title: 'DNS failures', severity: 'critical' });
    assert.ok(dns.ok);
    await p.goto(`${running.host.url}#/incidents`);
    const region = p.getByRole('region', { name: 'Incidents' });
    await region.getByText('DNS failures').first().click();
    await region.getByRole('heading', { name: /DNS failures/ }).waitFor();
    await p.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Alerts' }).click();
    await p.getByRole('region', { name: 'Alerts' }).waitFor();

    // A new due time on the Checkout incident goes overdue (DND is off): one notification, naming the incident.
    running.core.emit('incidents.reminders', [
      { incidentId: checkout.id, incidentTitle: 'Checkout errors', kind: 'status-update', dueAt: Date.now() - 60_000, overdue: true, message: 'Status update overdue by 1 min' },
    ]);
    await p.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length > 0);
    assert.equal(await p.evaluate(() => (window as unknown as { __notes: { title: string }[] }).__notes[0]!.title), `${checkout.id}: Status update overdue by 1 min`);
    await p.evaluate(() => (window as unknown as { __notes: { onclick: () => void }[] }).__notes[0]!.onclick());
    await region.getByRole('heading', { name: /Checkout errors/ }).waitFor();
  } finally {
    await p.close();
  }
});
