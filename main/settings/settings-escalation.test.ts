/** Settings saves the global `escalation` section like the other keys: validated by the config schema, errors by path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleCore } from '../core/console-core';
import { loadConfigFile } from '../config/load';
import { SettingsService, SETTINGS_FILE } from './settings-service';
import { createMemorySecretStore } from './secret-store';

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ops-settings-esc-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ environments: [{ name: 'prod' }], escalation: { levels: [{ level: 1, contacts: ['from-file'] }] } }));
  const core = new ConsoleCore({ config: await loadConfigFile(configPath), configPath, host: { kind: 'electron', dataDir: dir, openExternal: async () => false } });
  new SettingsService(core, { secrets: createMemorySecretStore() });
  return { dir, core };
}

test('escalation is a setting: saved to settings.json over the config file, and refused by field path when bad', async () => {
  const t = await setup();
  const levels = [{ level: 1, title: 'On-call engineer', contacts: ['pager: ops-primary'] }, { level: 2, contacts: [] }];
  const r = await t.core.invoke('settings.update', { patch: { escalation: { levels } } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(t.core.settings?.escalation?.levels, levels);
  const file = JSON.parse(readFileSync(join(t.dir, SETTINGS_FILE), 'utf8')) as { settings: { escalation: unknown } };
  assert.deepEqual(file.settings.escalation, { levels });

  const bad = await t.core.invoke('settings.update', { patch: { escalation: { levels: [{ level: 1 }, { level: 2, contacts: ['  '] }] } } });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error.message, /^settings: escalation\.levels\[1\]\.contacts\[0\]: must not be empty/);
  assert.deepEqual(t.core.settings?.escalation?.levels, levels, 'nothing changed');

  const env = await t.core.invoke('settings.update', { patch: { environments: [{ name: 'prod', escalation: { levels: [{ level: 5 }] } }] } });
  assert.match(env.ok ? '' : env.error.message, /^settings: environments\[0\]\.escalation\.levels\[0\]\.level: must be 1, 2, 3 or 4/);
  rmSync(t.dir, { recursive: true, force: true });
});

test('an import carries the escalation section', async () => {
  const t = await setup();
  const text = JSON.stringify({ environments: [{ name: 'prod' }], escalation: { levels: [{ level: 3, contacts: ['ops-managers@example.com'] }] } });
  const r = await t.core.invoke('settings.import', { text });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(t.core.settings?.escalation?.levels, [{ level: 3, contacts: ['ops-managers@example.com'] }]);
  rmSync(t.dir, { recursive: true, force: true });
});
