import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmHttpStack } from './http-warmup';

test('warmHttpStack makes its one request and leaves nothing open behind it', async () => {
  const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
  const handlesBefore = tcpHandles();
  const ms = await warmHttpStack();
  assert.ok(Number.isFinite(ms) && ms >= 0, `took ${ms} ms`);
  // A second call still works (the server and agent of the first are gone, new ones are made).
  assert.ok(Number.isFinite(await warmHttpStack()));
  // Closed sockets release their handles a few ticks later.
  for (let i = 0; i < 50 && tcpHandles() > handlesBefore; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(tcpHandles(), handlesBefore, `open TCP handles: ${process.getActiveResourcesInfo().join(', ')}`);
});
