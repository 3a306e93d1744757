import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleCore } from './console-core';
import { parseConfig } from '../config/load';

function core(openExternal = async () => true) {
  const config = parseConfig(JSON.stringify({ environments: [{ name: 'a' }, { name: 'b' }] }));
  return new ConsoleCore({ config, host: { kind: 'browser', dataDir: '/nonexistent', openExternal } });
}

test('arguments are validated against the contract before a handler runs', async () => {
  const c = core();
  assert.deepEqual(await c.invoke('core.selectEnvironment', { name: 42 }), {
    ok: false,
    error: { code: 'invalid-argument', message: 'core.selectEnvironment: name: Invalid input: expected string, received number' },
  });
  const extra = await c.invoke('core.selectEnvironment', { name: 'a', evil: true });
  assert.equal(extra.ok, false);
  const unknown = await c.invoke('fs.readFile', {});
  assert.deepEqual(unknown, { ok: false, error: { code: 'unknown-request', message: 'unknown request "fs.readFile"' } });
  const missing = await c.invoke('core.selectEnvironment', { name: 'nope' });
  assert.deepEqual(missing, { ok: false, error: { code: 'not-found', message: 'no environment named "nope"' } });
  await c.shutdown();
});

test('hello returns a snapshot of every topic; switching environment is announced', async () => {
  const c = core();
  const events: string[] = [];
  c.subscribe((e) => events.push(e.name));
  await c.start();
  const hello = await c.invoke('core.hello', {});
  assert.ok(hello.ok);
  const snap = (hello.result as { snapshot: Record<string, unknown> }).snapshot;
  assert.ok('core.environments' in snap && 'core.health' in snap);
  assert.equal((snap['core.environments'] as { active: string }).active, 'a');
  const res = await c.invoke('core.selectEnvironment', { name: 'b' });
  assert.equal(res.ok, true);
  assert.equal(c.environmentsState().active, 'b');
  assert.ok(events.filter((e) => e === 'core.environments').length >= 2);
  await c.shutdown();
});

test('only http and https links are opened', async () => {
  const opened: string[] = [];
  const c = core(async () => {
    opened.push('x');
    return true;
  });
  for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'not a url']) {
    const r = await c.invoke('core.openExternal', { url });
    assert.equal(r.ok, false, url);
  }
  assert.equal(opened.length, 0);
  const ok = await c.invoke('core.openExternal', { url: 'https://runbooks.example.org/HighCPU' });
  assert.deepEqual(ok, { ok: true, result: { openedBy: 'host', url: 'https://runbooks.example.org/HighCPU' } });
  await c.shutdown();
});
