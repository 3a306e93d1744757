/**
 * Electron's security checklist, asserted on the code that ships (https://www.electronjs.org/docs/latest/tutorial/security):
 * main/electron/*.ts and preload/preload.ts are bundled here with 'electron' replaced by a recording stub,
 * so the real functions run and we check what they do (webPreferences, CSP, window-open/navigation
 * handlers, permission handler, IPC sender check, vetted openExternal). Plus: argument validation of
 * every request, the browser host's loopback/token/origin rules beyond main/browser-host/server.test.ts,
 * and secrets never written to disk, sent to the renderer or logged.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importWithElectronStub } from '../support/electron-stub';
import WebSocket from 'ws';
import { ConsoleCore } from '../../main/core/console-core';
import { requests } from '../../preload/contract';
import { startBrowserHost } from '../../main/browser-host/server';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../support/real-servers';
import { serializeIncidentExport } from '../../main/incidents/export-format';
import { makeIncident } from '../../main/incidents/test-fixtures';
import { createMemorySecretStore } from '../../main/settings/secret-store';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const src = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...listSources(rel));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push(rel);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Electron layer, run against a stub of the 'electron' module

interface Stub {
  headerHooks: ((details: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)[];
  permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | null;
  permissionCheck: ((wc: unknown, permission: string) => boolean) | null;
  opened: string[];
  ipcHandlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
}

const STUB_SOURCE = `
const s = globalThis.__electronStub;
export const session = { defaultSession: {
  webRequest: { onHeadersReceived: (fn) => s.headerHooks.push(fn) },
  setPermissionRequestHandler: (fn) => { s.permissionRequest = fn; },
  setPermissionCheckHandler: (fn) => { s.permissionCheck = fn; },
} };
export const shell = { openExternal: async (u) => { s.opened.push(u); } };
export const ipcMain = { handle: (ch, fn) => s.ipcHandlers.set(ch, fn), removeHandler: (ch) => s.ipcHandlers.delete(ch) };
export class BrowserWindow {}
export const safeStorage = {};
`;

const stub: Stub = { headerHooks: [], permissionRequest: null, permissionCheck: null, opened: [], ipcHandlers: new Map() };
(globalThis as { __electronStub?: Stub }).__electronStub = stub;

let tmp: string;
let security: typeof import('../../main/electron/security');
let ipc: typeof import('../../main/electron/ipc');

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ops-console-security-'));
  security = await importWithElectronStub<typeof security>('main/electron/security.ts', STUB_SOURCE, tmp);
  ipc = await importWithElectronStub<typeof ipc>('main/electron/ipc.ts', STUB_SOURCE, tmp);
});

after(async () => {
  await stopAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Electron checklist', () => {
  test('webPreferences: context isolation, sandbox, no Node in any frame, web security on, no webview', () => {
    const p = security.secureWebPreferences('/x/preload.cjs');
    assert.equal(p.contextIsolation, true);
    assert.equal(p.sandbox, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.notEqual(p.webSecurity, false);
    assert.equal(p.allowRunningInsecureContent, false);
    assert.equal(p.webviewTag, false);
    assert.equal(p.experimentalFeatures, false);
    // Every window is built from these preferences, and nothing else in the code turns them off.
    assert.match(src('main/electron/window.ts'), /webPreferences:\s*secureWebPreferences\(/);
    for (const f of listSources('main')) {
      const text = src(f);
      assert.doesNotMatch(text, /(contextIsolation|sandbox|webSecurity)\s*:\s*false|nodeIntegration\s*:\s*true/, `${f} weakens webPreferences`);
    }
  });

  test('a strict Content-Security-Policy is set on every response', () => {
    security.installSessionPolicies();
    assert.equal(stub.headerHooks.length, 1);
    let headers: Record<string, string[]> = {};
    stub.headerHooks[0]!({ responseHeaders: { 'X-Other': ['1'] } }, (r) => {
      headers = r.responseHeaders;
    });
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    assert.equal(csp, security.ELECTRON_CSP);
    assert.match(csp, /default-src 'none'/);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert.equal(scriptSrc.trim(), "'self'", 'scripts only from the app itself: no inline, no eval');
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.deepEqual(headers['X-Other'], ['1']);
  });

  test('permission requests: only notifications are granted', () => {
    assert.ok(stub.permissionRequest && stub.permissionCheck, 'setPermissionRequestHandler and setPermissionCheckHandler installed');
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'midi', 'pointerLock', 'fullscreen', 'display-capture', 'hid', 'serial', 'usb']) {
      let granted: boolean | null = null;
      stub.permissionRequest(null, p, (ok) => (granted = ok));
      assert.equal(granted, false, `${p} refused`);
      assert.equal(stub.permissionCheck(null, p), false);
    }
    let notif: boolean | null = null;
    stub.permissionRequest(null, 'notifications', (ok) => (notif = ok));
    assert.equal(notif, true);
  });

  test('new windows are denied; navigation away from the app is prevented; webviews are refused', () => {
    const appUrl = 'file:///opt/ops-console/dist/renderer/index.html';
    type OpenHandler = (d: { url: string }) => { action: string };
    const captured: { open: OpenHandler | null } = { open: null };
    const listeners = new Map<string, (e: { preventDefault(): void; defaultPrevented?: boolean }, url?: string) => void>();
    const contents = {
      setWindowOpenHandler: (fn: OpenHandler) => (captured.open = fn),
      on: (ev: string, fn: (e: { preventDefault(): void }, url?: string) => void) => listeners.set(ev, fn),
    };
    security.lockDownContents(contents as never, appUrl);
    const openHandler = captured.open;
    assert.ok(openHandler, 'setWindowOpenHandler installed');
    stub.opened.length = 0;
    for (const url of ['https://runbooks.example/cpu', 'javascript:window.__pwned=1', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'http://127.0.0.1:9090/graph']) {
      assert.equal(openHandler({ url }).action, 'deny', `window.open(${url}) creates no window`);
    }
    assert.deepEqual(stub.opened, ['https://runbooks.example/cpu', 'http://127.0.0.1:9090/graph'], 'only http(s) links go to the system browser');
    const nav = listeners.get('will-navigate');
    assert.ok(nav, 'will-navigate handled');
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      let prevented = false;
      nav!({ preventDefault: () => (prevented = true) }, url);
      assert.ok(prevented, `navigation to ${url} prevented`);
    }
    let self = false;
    nav!({ preventDefault: () => (self = true) }, appUrl);
    assert.equal(self, false, 'reloading the app itself is allowed');
    let webview = false;
    listeners.get('will-attach-webview')?.({ preventDefault: () => (webview = true) });
    assert.ok(webview, 'will-attach-webview prevented');
  });

  test('openExternal: only vetted http(s) URLs reach the shell', async () => {
    stub.opened.length = 0;
    for (const url of ['javascript:window.__pwned=1', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 'data:text/html,x', 'vbscript:msgbox(1)', 'not a url']) {
      assert.equal(await security.openExternalSafely(url), false, url);
    }
    assert.equal(await security.openExternalSafely('https://example.org/a?b=1'), true);
    assert.deepEqual(stub.opened, ['https://example.org/a?b=1']);
    // Every shell.openExternal call in the code goes through safeExternalUrl first.
    for (const f of listSources('main')) {
      const text = src(f);
      const calls = text.match(/shell\.openExternal\(([^)]*)\)/g) ?? [];
      for (const call of calls) assert.match(call, /shell\.openExternal\(safe\)/, `${f}: ${call} must pass a safeExternalUrl result`);
      if (calls.length) assert.match(text, /const safe = safeExternalUrl\(/);
    }
  });

  test('IPC: requests from any frame but the app page are refused; arguments go through the core schemas', async () => {
    const appUrl = 'file:///opt/ops-console/dist/renderer/index.html';
    const core = new ConsoleCore({ config: null, host: { kind: 'electron', dataDir: tmp, openExternal: async () => false } });
    ipc.wireIpc(core, () => null, appUrl);
    const handler = [...stub.ipcHandlers.values()][0];
    assert.ok(handler, 'ipcMain.handle registered');
    for (const frame of [undefined, 'https://evil.example/index.html', 'http://127.0.0.1/dist/renderer/index.html', 'file:///tmp/other.html', 'devtools://devtools/x']) {
      const res = (await handler({ senderFrame: frame ? { url: frame } : null }, 'core.hello', {})) as { ok: boolean; error?: { message: string } };
      assert.equal(res.ok, false, `frame ${frame} refused`);
      assert.match(res.error?.message ?? '', /untrusted frame/);
    }
    const ok = (await handler({ senderFrame: { url: `${appUrl}#/alerts` } }, 'core.hello', {})) as { ok: boolean };
    assert.equal(ok.ok, true);
    const bad = (await handler({ senderFrame: { url: appUrl } }, 'core.openExternal', { url: 42 })) as { ok: boolean; error?: { code: string } };
    assert.deepEqual([bad.ok, bad.error?.code], [false, 'invalid-argument']);
    assert.equal(security.isTrustedSender(appUrl, appUrl), true);
    assert.equal(security.isTrustedSender('file:///evil/index.html', appUrl), false);
  });

  test("only main/electron/** and preload/preload.ts import 'electron'", () => {
    const offenders: string[] = [];
    for (const dir of ['main', 'preload', 'renderer']) {
      for (const f of listSources(dir)) {
        if (f.startsWith(join('main', 'electron')) || f === join('preload', 'preload.ts')) continue;
        if (/from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(src(f))) offenders.push(f);
      }
    }
    assert.deepEqual(offenders, []);
    // The preload exposes exactly two functions and no Node or Electron object.
    const preload = src('preload/preload.ts');
    assert.equal((preload.match(/exposeInMainWorld\(/g) ?? []).length, 1);
    assert.doesNotMatch(preload, /exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });

  test('the renderer never turns outside data into markup or code', () => {
    for (const f of listSources('renderer/src')) {
      const text = src(f);
      assert.doesNotMatch(text, /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\(|\beval\(|new Function\(/, `${f} builds markup or code from strings`);
      for (const call of text.match(/window\.open\([^)]*\)/g) ?? []) assert.match(call, /noopener/, `${f}: ${call} needs noopener`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Argument validation: every request refuses wrong shapes

describe('argument validation in ConsoleCore.invoke', () => {
  const core = new ConsoleCore({ config: null, host: { kind: 'browser', dataDir: tmpdir(), openExternal: async () => false } });

  test('unknown requests, wrong types, extra keys, oversize strings and prototype keys are refused with invalid-argument', async () => {
    for (const name of ['nope', '__proto__', 'constructor', 42, null, 'core.hello\u0000']) {
      const r = await core.invoke(name, {});
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, 'unknown-request');
    }
    const cases: [string, unknown][] = [
      ['core.selectEnvironment', { name: ['x'] }],
      ['core.selectEnvironment', { name: 'x'.repeat(10_000) }],
      ['core.selectEnvironment', { name: 'prod', extra: 1 }],
      ['core.openExternal', { url: 'https://x/'.padEnd(9000, 'a') }],
      ['core.setVisibility', { visible: 'yes' }],
      ['core.hello', { __proto__: { polluted: true }, x: 1 }],
      ['core.hello', 'not an object'],
    ];
    for (const [name, args] of cases) {
      const r = await core.invoke(name, args);
      assert.equal(r.ok, false, `${name} ${JSON.stringify(args).slice(0, 60)}`);
      if (!r.ok) assert.equal(r.error.code, 'invalid-argument');
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('every request schema is strict and bounds its strings (no unbounded input from the renderer)', () => {
    const unbounded: string[] = [];
    const huge = 'x'.repeat(64 * 1024 * 1024);
    for (const [name, spec] of Object.entries(requests)) {
      const probe = spec.args.safeParse({ __unexpected_key__: 1 });
      assert.equal(probe.success, false, `${name} accepts unknown keys`);
      // Any top-level string field has a max length.
      const shape = (spec.args as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean }; def?: { type?: string } }> }).shape ?? {};
      for (const [key, field] of Object.entries(shape)) {
        // File contents (incident import: up to 20 MiB) may be big, but never unbounded.
        if (field.safeParse('short').success && field.safeParse('x'.repeat(1_000_000)).success && field.safeParse(huge).success) unbounded.push(`${name}.${key}`);
      }
    }
    assert.deepEqual(unbounded, [], 'string arguments without a max length');
  });

  test('core.openExternal refuses every non-http(s) link', async () => {
    for (const url of ['javascript:window.__pwned=1', 'file:///etc/passwd', 'data:text/html,x', 'chrome://settings']) {
      const r = await core.invoke('core.openExternal', { url });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error.message, /only http and https links open/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Browser mode (extends main/browser-host/server.test.ts)

describe('browser mode: loopback, random token, same-origin WebSocket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ops-console-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const core = new ConsoleCore({ config: null, host: { kind: 'browser', dataDir: dir, openExternal: async () => false } });

  function upgrade(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
  }

  test('each start gets a different random token of at least 128 bits; non-loopback binds are refused', async () => {
    const a = await startBrowserHost({ core, rendererDir: dir });
    const b = await startBrowserHost({ core, rendererDir: dir });
    try {
      assert.notEqual(a.token, b.token);
      assert.ok(Buffer.from(a.token, 'base64url').length >= 16);
      assert.match(a.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.org']) {
        await assert.rejects(startBrowserHost({ core, rendererDir: dir, host }), /not a loopback address/);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('requests without the token, with a token of another run, or by POST are refused', async () => {
    const h = await startBrowserHost({ core, rendererDir: dir });
    const other = await startBrowserHost({ core, rendererDir: dir });
    try {
      assert.equal((await fetch(`${h.origin}/index.html`)).status, 403);
      assert.equal((await fetch(`${h.origin}/?token=${other.token}`)).status, 403);
      assert.equal((await fetch(`${h.origin}/?token=${h.token.slice(0, -1)}`)).status, 403);
      assert.equal((await fetch(`${h.origin}/`, { headers: { cookie: `ops_console_token=${other.token}` } })).status, 403);
      assert.equal((await fetch(`${h.origin}/?token=${h.token}`, { method: 'POST', body: 'x' })).status, 405);
      const ok = await fetch(h.url);
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
      assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      await h.close();
      await other.close();
    }
  });

  test('WebSocket upgrades: no Origin, another origin, or another port are refused even with the token', async () => {
    const h = await startBrowserHost({ core, rendererDir: dir });
    try {
      const ws = `${h.origin.replace('http', 'ws')}/bridge?token=${h.token}`;
      const port = Number(new URL(h.origin).port);
      assert.equal(await upgrade(ws, {}), 403, 'no Origin header');
      assert.equal(await upgrade(ws, { origin: 'null' }), 403, 'opaque origin (file://, sandboxed iframe)');
      assert.equal(await upgrade(ws, { origin: `http://localhost:${port}` }), 403, 'same port, other host name (DNS rebinding)');
      assert.equal(await upgrade(ws, { origin: `http://127.0.0.1:${port + 1}` }), 403, 'another local port');
      assert.equal(await upgrade(ws, { origin: `https://127.0.0.1:${port}` }), 403, 'another scheme');
      assert.equal(await upgrade(`${h.origin.replace('http', 'ws')}/other?token=${h.token}`, { origin: h.origin }), 403, 'another path');
      assert.equal(await upgrade(ws, { origin: h.origin }), 101, 'our own page');
    } finally {
      await h.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets: never on disk in plain text, never sent to the renderer, never logged

describe('secrets', () => {
  const BASIC_PW = 'S3cret-Basic-Pw-7f3a9c';
  const BEARER = 'tok-Bearer-Secret-91b2e4d0';
  let prometheus: RunningServer;
  let am: RunningServer;

  before(async () => {
    [prometheus, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
  });

  test('a console with a basic-auth password and a bearer token writes, emits and logs neither', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-secrets-'));
    const needles = [BASIC_PW, BEARER, Buffer.from(`ops:${BASIC_PW}`).toString('base64'), Buffer.from(BASIC_PW).toString('base64')];
    const logged: string[] = [];
    const origOut = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      logged.push(String(chunk));
      return true;
    };
    const events: string[] = [];
    let c: ReturnType<typeof createConsole> | null = null;
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      const config = parseConfig(
        JSON.stringify({
          environments: [
            {
              name: 'secure',
              prometheus: [{ name: 'prom', url: prometheus.url, basicAuth: { username: 'ops', password: BASIC_PW } }],
              alertmanager: [
                { name: 'am', url: am.url, bearerToken: BEARER },
                // A failing source: its error text is shown to the user and must not carry the secret either.
                { name: 'am-down', url: 'http://127.0.0.1:9/', bearerToken: BEARER },
              ],
            },
          ],
          polling: { prometheusMs: 250, alertmanagerMs: 250, timeoutMs: 1000 },
        }),
      );
      c = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false } });
      c.core.subscribe((ev) => events.push(JSON.stringify(ev)));
      await c.core.start();
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !(c.core.activeRuntime?.health().every((h) => h.consecutiveFailures > 0 || h.state === 'ok') && c.features.fleet.current().tiles.length > 0)) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const hello = await c.core.invoke('core.hello', {});
      events.push(JSON.stringify(hello));
      // Settings export: what a user shares or backs up.
      const exported = await c.core.invoke('settings.export', {});
      assert.equal(exported.ok, true, JSON.stringify(exported));
      if (exported.ok) writeFileSync(join(dataDir, 'exported-settings.json'), (exported.result as { text: string }).text);
      const settingsState = await c.core.invoke('settings.get', {});
      events.push(JSON.stringify(settingsState));
      // Incident export whose free text holds both secrets the way people paste them.
      const incidentText = serializeIncidentExport(
        {
          incident: makeIncident({ impact: `curl -H "Authorization: Bearer ${BEARER}" https://ops:${BASIC_PW}@prom.example/api/v1/query; password=${BASIC_PW}` }),
          timeline: [],
          evidence: [],
          messages: [],
          templates: [],
        },
        { exportedAt: Date.now() },
      );
      writeFileSync(join(dataDir, 'exported-incident.json'), incidentText);
      // Whatever the features write under the data folder (incidents, settings, notification state…).
      await c.core.shutdown();
    } finally {
      process.stdout.write = origOut;
      process.stderr.write = origErr;
    }
    const files = listAll(dataDir);
    assert.ok(files.some((f) => f.endsWith('exported-settings.json')) && files.some((f) => f.endsWith('exported-incident.json')));
    for (const f of files) {
      const text = readFileSync(f).toString('latin1');
      for (const n of needles) assert.ok(!text.includes(n), `${relative(dataDir, f)} holds a secret in plain text`);
    }
    const eventText = events.join('\n');
    assert.ok(events.length > 0);
    for (const n of needles) {
      assert.ok(!eventText.includes(n), 'an event sent to the renderer carries a secret');
      assert.ok(!logged.join('').includes(n), 'a secret was logged');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('secrets typed in Settings', () => {
  test('a password and a token entered in Settings go to the secret store; settings.json, the export and the renderer see only refs', async () => {
    const PW = 'Typed-In-Settings-Pw-4e1f';
    const TOKEN = 'Typed-In-Settings-Token-88a0';
    const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-secrets-typed-'));
    const store = createMemorySecretStore();
    const config = parseConfig(JSON.stringify({ environments: [{ name: 'prod', prometheus: [{ name: 'p', url: 'http://127.0.0.1:9' }] }] }));
    // The host resolves a { secretRef } from its store (Electron: safeStorage; here: memory).
    const resolveSecret = (v: string | { secretRef: string }): string => {
      if (typeof v === 'string') return v;
      const found = store.values.get(v.secretRef);
      if (found === undefined) throw new Error(`secret "${v.secretRef}" is not stored`);
      return found;
    };
    const c = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false, resolveSecret }, secrets: store });
    const events: string[] = [];
    c.core.subscribe((ev) => events.push(JSON.stringify(ev)));
    await c.core.start();
    const r = await c.core.invoke('settings.update', {
      patch: {
        environments: [
          {
            name: 'prod',
            prometheus: [{ name: 'p', url: 'http://127.0.0.1:9', basicAuth: { username: 'ops', password: PW } }],
            alertmanager: [{ name: 'am', url: 'http://127.0.0.1:9', bearerToken: TOKEN }],
          },
        ],
      },
    });
    assert.equal(r.ok, true, JSON.stringify(r).slice(0, 300));
    assert.deepEqual([...store.values.values()].sort(), [PW, TOKEN].sort(), 'both secrets are in the secret store');
    const exported = await c.core.invoke('settings.export', {});
    assert.ok(exported.ok);
    const state = await c.core.invoke('settings.get', {});
    await c.core.shutdown();
    const texts = [...listAll(dataDir).map((f) => readFileSync(f, 'utf8')), JSON.stringify(exported), JSON.stringify(state), ...events];
    for (const t of texts) {
      assert.ok(!t.includes(PW) && !t.includes(TOKEN), `a typed secret leaked: ${t.slice(0, 120)}`);
    }
    assert.match(readFileSync(join(dataDir, 'settings.json'), 'utf8'), /secretRef/);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

function listAll(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listAll(p));
    else out.push(p);
  }
  return out;
}
