import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ConsoleCore } from '../core/console-core';
import { startBrowserHost } from './server';
import { isLoopbackHost } from './loopback';

const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
const core = new ConsoleCore({ config: null, configError: 'none', host: { kind: 'browser', dataDir: dir, openExternal: async () => false } });
const host = await startBrowserHost({ core, rendererDir: dir });
after(() => host.close());

function connect(url: string, origin: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => undefined);
  });
}

test('listens on loopback and refuses other addresses unless told', async () => {
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
  assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('::1') && isLoopbackHost('localhost'));
  assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('192.168.1.2') && !isLoopbackHost('example.org'));
  await assert.rejects(startBrowserHost({ core, rendererDir: dir, host: '0.0.0.0' }), /refusing to listen on 0\.0\.0\.0: not a loopback address/);
});

test('pages need the token; the answer carries a strict CSP', async () => {
  const without = await fetch(`${host.origin}/`);
  assert.equal(without.status, 403);
  assert.match(await without.text(), /missing or wrong access token/);
  const wrong = await fetch(`${host.origin}/?token=nope`);
  assert.equal(wrong.status, 403);
  const ok = await fetch(host.url);
  assert.equal(ok.status, 200);
  const csp = ok.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  const traversal = await fetch(`${host.origin}/..%2f..%2fetc%2fpasswd?token=${host.token}`);
  assert.equal(traversal.status, 404);
});

test('WebSocket upgrades need the token and our own origin', async () => {
  const wsBase = host.origin.replace('http', 'ws');
  const noToken = await connect(`${wsBase}/bridge`, host.origin);
  assert.deepEqual(noToken, { status: 403 });
  const foreign = await connect(`${wsBase}/bridge?token=${host.token}`, 'http://evil.example');
  assert.deepEqual(foreign, { status: 403 });
  const good = await connect(`${wsBase}/bridge?token=${host.token}`, host.origin);
  assert.ok('ws' in good);
  const reply = await new Promise<{ ok: boolean; result?: { host: string } }>((resolve) => {
    good.ws.once('message', (d) => resolve(JSON.parse(String(d))));
    good.ws.send(JSON.stringify({ t: 'req', id: 1, name: 'core.hello', args: {} }));
  });
  assert.equal(reply.ok, true);
  assert.equal(reply.result?.host, 'browser');
  const bad = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => {
    good.ws.once('message', (d) => resolve(JSON.parse(String(d))));
    good.ws.send(JSON.stringify({ t: 'req', id: 2, name: 'core.selectEnvironment', args: { name: ['x'] } }));
  });
  assert.equal(bad.error?.code, 'invalid-argument');
  good.ws.close();
});

test('a hidden page gets only notification events, and the core polls at full rate while any page is seen', async () => {
  const wsBase = host.origin.replace('http', 'ws');
  const conn = await connect(`${wsBase}/bridge?token=${host.token}`, host.origin);
  assert.ok('ws' in conn);
  const received: string[] = [];
  const replies: unknown[] = [];
  conn.ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { t: string; name?: string };
    if (m.t === 'evt') received.push(m.name!);
    else replies.push(m);
  });
  const send = async (args: unknown) => {
    const before = replies.length;
    conn.ws.send(JSON.stringify({ t: 'req', id: 10 + before, name: 'core.setVisibility', args }));
    for (let i = 0; i < 50 && replies.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    return replies[replies.length - 1] as { ok: boolean };
  };
  assert.equal(core.isVisible, true);
  assert.equal((await send({ visible: false })).ok, true);
  assert.equal(core.isVisible, false, 'the only page is hidden');
  core.emit('core.health', []);
  core.emit('notify.status', { criticalCount: 1 } as never);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(received, ['notify.status']);
  assert.equal((await send({ visible: 'yes' })).ok, false);
  await send({ visible: true });
  assert.equal(core.isVisible, true);
  core.emit('core.health', []);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(received, ['notify.status', 'core.health']);
  conn.ws.close();
});
