/**
 * Launches the real Electron host with playwright's _electron where Electron's binary exists. Where it
 * does not (no download possible on this machine), the test is skipped and says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary } from '../scripts/lib/electron-binary.mjs';

const bin = findElectronBinary();
if (!bin.path) console.log(`SKIPPED electron e2e: ${bin.why}`);

test('Electron host: secure window, typed bridge, navigation denied', { skip: bin.path ? false : bin.why }, async () => {
  const { _electron } = await import('playwright');
  const dir = mkdtempSync(join(tmpdir(), 'ops-electron-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ environments: [{ name: 'prod' }] }));
  const app = await _electron.launch({ executablePath: bin.path ?? undefined, args: ['.', '--config', config], env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: '1' } });
  try {
    const win = await app.firstWindow();
    await win.getByRole('navigation', { name: 'Sections' }).waitFor();
    // No Node in the page (nodeIntegration off, sandbox on), only the one object the preload exposes.
    const globals = await win.evaluate(() => ({
      process: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
      bridge: typeof (window as unknown as { opsConsoleIpc?: unknown }).opsConsoleIpc,
    }));
    assert.deepEqual(globals, { process: 'undefined', require: 'undefined', bridge: 'object' });
    const before = win.url();
    await win.evaluate(() => {
      location.href = 'https://example.org/';
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(win.url(), before);
  } finally {
    await app.close();
  }
});

test('Electron host: tray tooltip, native notification path, closing the window keeps the app in the tray', { skip: bin.path ? false : bin.why }, async () => {
  const { _electron } = await import('playwright');
  const dir = mkdtempSync(join(tmpdir(), 'ops-electron-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ environments: [{ name: 'prod' }] }));
  const app = await _electron.launch({ executablePath: bin.path ?? undefined, args: ['.', '--config', config], env: { ...process.env, ELECTRON_DISABLE_SECURITY_WARNINGS: '1', OPS_CONSOLE_E2E: '1' } });
  try {
    const win = await app.firstWindow();
    await win.getByRole('navigation', { name: 'Sections' }).waitFor();
    const tooltip = await app.evaluate(() => (globalThis as unknown as { __opsConsoleE2E: { tooltip(): string } }).__opsConsoleE2E.tooltip());
    assert.match(tooltip, /^Ops Console · prod: no critical alerts/);
    // A test notification goes through the same sink native notifications use.
    await win.evaluate(() => (window as unknown as { opsConsoleIpc: { invoke(n: string, a: unknown): Promise<unknown> } }).opsConsoleIpc.invoke('notify.test', {}));
    const shown = await app.evaluate(() => (globalThis as unknown as { __opsConsoleE2E: { shown: string[] } }).__opsConsoleE2E.shown);
    assert.deepEqual(shown, ['Ops Console test notification']);
    // Closing hides to the tray: the window still exists, hidden, and the app runs on.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    await new Promise((r) => setTimeout(r, 300));
    const state = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()));
    assert.deepEqual(state, [false]);
  } finally {
    await app.close();
  }
});
