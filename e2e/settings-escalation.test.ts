/**
 * Settings → Escalation in Chromium against the real core and browser host: an environment's level
 * shows what its empty fields inherit and from where (global, escalation-matrix.json, the runbook);
 * editing a contact and saving updates the incident view's escalation matrix; an invalid contact
 * shows the schema's error next to the field, names its path, and keeps what was typed. Screenshots
 * of the section in both themes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage, screenshotBothThemes } from './support/chromium';
import { startConsole, type RunningConsole } from './support/console-host';

let dataDir: string;
let consoleHost: RunningConsole;
let browser: Browser;
let page: Page;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ops-console-e2e-escalation-'));
  // The installation's older matrix file: level 3's contacts come from here.
  writeFileSync(join(dataDir, 'escalation-matrix.json'), JSON.stringify({ levels: [{ level: 3, contacts: ['ops-managers@example.com'] }] }));
  consoleHost = await startConsole(
    {
      environments: [{ name: 'prod', escalation: { levels: [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0102'] }] } }, { name: 'staging' }],
      escalation: { levels: [{ level: 1, contacts: ['pager: ops-primary'] }] },
      user: 'ic-on-call',
    },
    { dataDir },
  );
  const declared = await consoleHost.core.invoke('incidents.declare', { title: 'Checkout latency above 2 s', severity: 'critical' });
  assert.ok(declared.ok, declared.ok ? '' : declared.error.message);
  browser = await launchChromium();
  ({ page } = await newPage(browser));
  await page.goto(`${consoleHost.host.url}#/incidents`);
  await page.getByRole('region', { name: 'Incidents' }).getByRole('heading', { name: 'Checkout latency above 2 s' }).waitFor();
});

after(async () => {
  await browser?.close();
  await consoleHost?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const matrix = () => page.getByRole('region', { name: 'Escalation matrix' });
const dialog = () => page.getByRole('region', { name: 'Settings' });

async function openEscalation(): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await dialog().waitFor();
  await dialog().getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Escalation' }).click();
}

test("an environment's level overrides the global one field by field; empty fields say what they inherit and from where", async () => {
  await matrix().getByText('Dana +1 555 0102').waitFor();
  await openEscalation();
  const prod2 = dialog().getByRole('group', { name: 'prod level 2' });
  assert.equal(await prod2.getByRole('textbox', { name: 'Title' }).inputValue(), 'Senior engineer + team lead');
  assert.equal(await prod2.getByRole('textbox', { name: 'Contact 1' }).inputValue(), 'Dana +1 555 0102');
  const global1 = dialog().getByRole('group', { name: 'Global level 1' });
  assert.equal(await global1.getByRole('textbox', { name: 'Contact 1' }).inputValue(), 'pager: ops-primary');
  await global1.getByText("Empty: inherits “On-call engineer” from the runbook's matrix").waitFor();

  // prod gets a level 1 of its own with only a title: its contacts still come from the global level.
  await dialog().getByRole('button', { name: 'Add prod level' }).click();
  const prod1 = dialog().getByRole('group', { name: 'prod level 1' });
  await prod1.getByText('Empty: inherits pager: ops-primary from the global levels').waitFor();
  await prod1.getByRole('textbox', { name: 'Title' }).fill('Primary on-call (payments)');
  const inForce = dialog().getByRole('table', { name: 'Escalation in force for prod' });
  const rows = await inForce.getByRole('row').allInnerTexts();
  assert.match(rows[1] ?? '', /L1\s+Primary on-call \(payments\)\s+this environment\s+pager: ops-primary\s+the global levels/);
  assert.match(rows[2] ?? '', /L2\s+Senior engineer \+ team lead\s+this environment\s+Dana \+1 555 0102\s+this environment/);
  assert.match(rows[3] ?? '', /L3\s+Engineering manager \+ operations manager\s+the runbook's matrix\s+ops-managers@example\.com\s+escalation-matrix\.json in the data folder/);
  assert.match(rows[4] ?? '', /L4\s+CTO \+ executive team\s+the runbook's matrix\s+no contacts\s+the runbook's matrix/);
  // The new level is listed before level 2. Moving level 2 up swaps what the two levels hold (the
  // numbers stay in place); moving it back down leaves everything as it was.
  assert.equal(await prod1.getByRole('button', { name: 'Move up' }).isDisabled(), true);
  await dialog().getByRole('group', { name: 'prod level 2' }).getByRole('button', { name: 'Move up' }).click();
  assert.equal(await prod1.getByRole('textbox', { name: 'Title' }).inputValue(), 'Senior engineer + team lead');
  assert.equal(await prod1.getByRole('textbox', { name: 'Contact 1' }).inputValue(), 'Dana +1 555 0102');
  assert.equal(await dialog().getByRole('group', { name: 'prod level 2' }).getByRole('textbox', { name: 'Title' }).inputValue(), 'Primary on-call (payments)');
  await prod1.getByRole('button', { name: 'Move down' }).click();
  assert.equal(await dialog().getByRole('group', { name: 'prod level 2' }).getByRole('textbox', { name: 'Title' }).inputValue(), 'Senior engineer + team lead');
  assert.equal(await prod1.getByRole('textbox', { name: 'Title' }).inputValue(), 'Primary on-call (payments)');
  await dialog().getByRole('button', { name: 'Add prod level' }).click();
  await dialog().getByRole('button', { name: 'Add prod level' }).click();
  assert.equal(await dialog().getByRole('button', { name: 'Add prod level' }).isDisabled(), true, 'four levels at most');
  await dialog().getByRole('group', { name: 'prod level 1' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'settings-escalation');
  await dialog().getByRole('button', { name: 'Discard changes' }).click();
  assert.equal(await dialog().getByRole('group', { name: 'prod level 1' }).count(), 0);
});

test("an invalid contact shows the schema's error at the field and keeps what was typed; nothing is saved", async () => {
  const before = JSON.stringify(consoleHost.core.settings);
  const prod2 = dialog().getByRole('group', { name: 'prod level 2' });
  await prod2.getByRole('button', { name: 'Add contact' }).click();
  await prod2.getByRole('textbox', { name: 'Contact 2' }).fill('   ');
  await prod2.getByRole('textbox', { name: 'Contact 1' }).fill('Dana +1 555 0199');
  await dialog().getByRole('button', { name: 'Save' }).click();
  const footer = dialog().getByRole('alert').filter({ hasText: 'environments[0].escalation.levels[0].contacts[1]' });
  await footer.waitFor();
  assert.match((await footer.textContent()) ?? '', /^settings: environments\[0\]\.escalation\.levels\[0\]\.contacts\[1\]: must not be empty/);
  const bad = prod2.getByRole('textbox', { name: 'Contact 2' });
  assert.equal(await bad.getAttribute('aria-invalid'), 'true');
  const describedBy = (await bad.getAttribute('aria-describedby')) ?? '';
  assert.equal((await page.locator(`[id="${describedBy}"]`).textContent())?.trim(), 'must not be empty');
  assert.equal(await bad.inputValue(), '   ', 'what was typed stays');
  assert.equal(await prod2.getByRole('textbox', { name: 'Contact 1' }).inputValue(), 'Dana +1 555 0199');
  assert.equal(JSON.stringify(consoleHost.core.settings), before, 'the running configuration did not change');
  await dialog().getByText('Unsaved changes').waitFor();
  await prod2.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshotBothThemes(page, 'settings-escalation-error');
});

test("a contact edited and saved shows in the incident's escalation view", async () => {
  const prod2 = dialog().getByRole('group', { name: 'prod level 2' });
  await prod2.getByRole('button', { name: 'Remove contact 2' }).click();
  // The error went with the bad entry.
  assert.equal(await prod2.locator('[aria-invalid="true"]').count(), 0);
  await dialog().getByRole('button', { name: 'Save' }).click();
  await dialog().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.deepEqual(consoleHost.core.settings?.environments[0]?.escalation?.levels, [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0199'] }]);
  const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as { settings: { environments: { escalation?: unknown }[] } };
  assert.deepEqual(saved.settings.environments[0]?.escalation, { levels: [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0199'] }] });
  await dialog().getByRole('button', { name: 'Close settings' }).click();
  const level2 = matrix().getByRole('listitem').filter({ hasText: 'L2' });
  await level2.getByText('Dana +1 555 0199').waitFor();
  assert.equal(await matrix().getByText('Dana +1 555 0102').count(), 0);
  // The other layers are still in force.
  await matrix().getByRole('listitem').filter({ hasText: 'L1' }).getByText('pager: ops-primary').waitFor();
  await matrix().getByRole('listitem').filter({ hasText: 'L3' }).getByText('ops-managers@example.com').waitFor();
});
