import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleCore } from '../core/console-core';
import { loadConfigFile } from '../config/load';
import type { SettingsState } from '../../preload/contract';
import { SettingsService, SETTINGS_FILE, WEAK_SECRET_PREFIX } from './settings-service';
import { createMemorySecretStore, createEnvSecretStore, type SecretStore } from './secret-store';

const TOKEN = 'tok-9f8e7d6c5b4a-SECRET';
const PASSWORD = 'pw-Zq81!-SECRET';
const NEW_PASSWORD = 'new-pw-77xx-SECRET';

const BASE = {
  environments: [
    {
      name: 'prod',
      prometheus: [{ name: 'main', url: 'http://127.0.0.1:9090', bearerToken: TOKEN, headers: { 'X-Api-Key': 'hdr-SECRET', 'X-Team': 'ops' } }],
      alertmanager: [{ name: 'am', url: 'http://127.0.0.1:9093', basicAuth: { username: 'ops', password: PASSWORD } }],
    },
  ],
  user: 'from-file',
};

async function setup(opts: { secrets?: SecretStore; dataDir?: string } = {}) {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ops-settings-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(BASE));
  const config = await loadConfigFile(configPath);
  const core = new ConsoleCore({ config, configPath, host: { kind: 'electron', dataDir: dir, openExternal: async () => false } });
  const secrets = opts.secrets ?? createMemorySecretStore();
  const service = new SettingsService(core, { secrets });
  return { dir, configPath, core, service, secrets };
}

async function ok<T>(p: Promise<{ ok: true; result: unknown } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.result as T;
}

function assertNoSecrets(text: string, values: string[]): void {
  for (const v of values) assert.equal(text.includes(v), false, `secret ${v.slice(0, 4)}… leaked`);
}

test('export carries no secret: secret fields become secretRef, credential headers are dropped', async () => {
  const t = await setup();
  const res = await ok<{ text: string; fileName: string }>(t.core.invoke('settings.export', {}));
  assertNoSecrets(res.text, [TOKEN, PASSWORD, 'hdr-SECRET']);
  const parsed = JSON.parse(res.text) as typeof BASE;
  assert.deepEqual(parsed.environments[0]?.prometheus[0]?.bearerToken, { secretRef: 'prod/prometheus/main/bearerToken' });
  assert.deepEqual(parsed.environments[0]?.prometheus[0]?.headers, { 'X-Team': 'ops' });
  assert.match(res.fileName, /^ops-console-settings-\d{4}-\d{2}-\d{2}\.json$/);
  // What the renderer sees has no secret either.
  const state = await ok<SettingsState>(t.core.invoke('settings.get', {}));
  assertNoSecrets(JSON.stringify(state), [TOKEN, PASSWORD]);
  assert.equal(state.storedSecrets['prod/alertmanager/am/password'], true);
  rmSync(t.dir, { recursive: true, force: true });
});

test('a typed secret goes to the secret store, never to the settings file; the config file is never written', async () => {
  const t = await setup();
  const state = await ok<SettingsState>(t.core.invoke('settings.get', {}));
  const envs = structuredClone((state.config as typeof BASE).environments);
  envs[0]!.alertmanager[0]!.basicAuth.password = NEW_PASSWORD;
  const after = await ok<SettingsState>(t.core.invoke('settings.update', { patch: { environments: envs, user: 'alice' } }));
  assert.deepEqual(after.savedKeys.sort(), ['environments', 'user']);
  const file = readFileSync(join(t.dir, SETTINGS_FILE), 'utf8');
  assertNoSecrets(file, [TOKEN, PASSWORD, NEW_PASSWORD]);
  assert.equal((t.secrets as ReturnType<typeof createMemorySecretStore>).values.get('prod/alertmanager/am/password'), NEW_PASSWORD);
  assert.deepEqual(JSON.parse(readFileSync(t.configPath, 'utf8')), BASE);
  // The running config uses the saved user name; the unchanged config-file token is still used in memory.
  assert.equal(t.core.settings?.user, 'alice');
  assert.equal(t.core.settings?.environments[0]?.prometheus[0]?.bearerToken, TOKEN);
  assert.deepEqual(t.core.settings?.environments[0]?.alertmanager[0]?.basicAuth?.password, { secretRef: 'prod/alertmanager/am/password' });
  // Saved with an atomic write: no temp file left, and a restart reads the edits back.
  assert.deepEqual(readdirSync(t.dir).filter((n) => n.includes('.tmp-')), []);
  const again = await setup({ dataDir: t.dir });
  assert.equal(again.core.settings?.user, 'alice');
  rmSync(t.dir, { recursive: true, force: true });
});

test('weak secret storage (basic_text) asks first: refused with weak-secret-storage until allowed', async () => {
  const weak = createMemorySecretStore({ weak: true });
  const t = await setup({ secrets: weak });
  const envs = structuredClone(BASE.environments);
  envs[0]!.alertmanager[0]!.basicAuth.password = NEW_PASSWORD;
  const refused = await t.core.invoke('settings.update', { patch: { environments: envs } });
  assert.equal(refused.ok, false);
  assert.ok(!refused.ok && refused.error.code === 'conflict' && refused.error.message.startsWith(WEAK_SECRET_PREFIX));
  assert.equal(weak.values.size, 0);
  assert.throws(() => readFileSync(join(t.dir, SETTINGS_FILE)), /ENOENT/);
  await ok(t.core.invoke('settings.update', { patch: { environments: envs }, allowWeakSecrets: true }));
  assert.equal(weak.values.get('prod/alertmanager/am/password'), NEW_PASSWORD);
  rmSync(t.dir, { recursive: true, force: true });
});

test('browser mode refuses to store a secret and names the environment variable to set', async () => {
  const t = await setup({ secrets: createEnvSecretStore({}) });
  const envs = structuredClone(BASE.environments);
  envs[0]!.alertmanager[0]!.basicAuth.password = NEW_PASSWORD;
  const r = await t.core.invoke('settings.update', { patch: { environments: envs } });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error.message : '', /OPS_CONSOLE_SECRET_PROD_ALERTMANAGER_AM_PASSWORD/);
  assertNoSecrets(!r.ok ? r.error.message : '', [NEW_PASSWORD]);
  rmSync(t.dir, { recursive: true, force: true });
});

test('import: bad JSON and invalid values give a clear error naming the key, and change nothing', async () => {
  const t = await setup();
  const before = JSON.stringify(t.core.settings);
  const notJson = await t.core.invoke('settings.import', { text: '{"environments": [' });
  assert.ok(!notJson.ok);
  assert.match(notJson.error.message, /^import: not valid JSON/);
  const badUrl = await t.core.invoke('settings.import', { text: JSON.stringify({ environments: [{ name: 'x', prometheus: [{ name: 'p', url: 'ftp://nope' }] }] }) });
  assert.ok(!badUrl.ok);
  assert.match(badUrl.error.message, /environments\[0\]\.prometheus\[0\]\.url: must start with http/);
  const badTheme = await t.core.invoke('settings.import', { text: JSON.stringify({ environments: [{ name: 'x' }], theme: 'neon' }) });
  assert.ok(!badTheme.ok);
  assert.match(badTheme.error.message, /theme/);
  const badKey = await t.core.invoke('settings.update', { patch: { colour: 'red' } });
  assert.ok(!badKey.ok);
  assert.match(badKey.error.message, /^colour: not a setting/);
  assert.equal(JSON.stringify(t.core.settings), before);
  assert.throws(() => readFileSync(join(t.dir, SETTINGS_FILE)), /ENOENT/);
  rmSync(t.dir, { recursive: true, force: true });
});

test('export then import round-trips the environment list; reset goes back to the config file', async () => {
  const t = await setup();
  await ok(t.core.invoke('settings.update', { patch: { theme: 'dark', user: 'bob' } }));
  const exported = await ok<{ text: string }>(t.core.invoke('settings.export', {}));
  const other = await setup();
  const state = await ok<SettingsState>(other.core.invoke('settings.import', { text: exported.text }));
  assert.equal(other.core.settings?.theme, 'dark');
  assert.equal(other.core.settings?.user, 'bob');
  assert.equal((state.config as typeof BASE).environments[0]?.prometheus[0]?.url, 'http://127.0.0.1:9090');
  const reset = await ok<SettingsState>(other.core.invoke('settings.reset', {}));
  assert.deepEqual(reset.savedKeys, []);
  assert.equal(other.core.settings?.user, 'from-file');
  rmSync(t.dir, { recursive: true, force: true });
  rmSync(other.dir, { recursive: true, force: true });
});

test('an unreadable settings file is set aside and reported, not lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ops-settings-'));
  writeFileSync(join(dir, SETTINGS_FILE), '{ this is not json');
  const t = await setup({ dataDir: dir });
  const state = t.service.state();
  assert.match(state.problem ?? '', /saved settings ignored/);
  assert.ok(readdirSync(dir).some((n) => n.startsWith(`${SETTINGS_FILE}.unreadable-`)));
  assert.equal(t.core.settings?.user, 'from-file');
  rmSync(dir, { recursive: true, force: true });
});

test('testConnection refuses a bad URL with the schema message before connecting', async () => {
  const t = await setup();
  const bad = await ok<{ ok: boolean; message: string }>(t.core.invoke('settings.testConnection', { kind: 'prometheus', connection: { name: 'x', url: 'ftp://x' } }));
  assert.equal(bad.ok, false);
  assert.match(bad.message, /url: must start with http/);
  rmSync(t.dir, { recursive: true, force: true });
});
