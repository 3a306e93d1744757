import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmHttpStack } from './http-warmup';

test('warmHttpStack sends its poll-like rounds and leaves nothing open behind it', async () => {
  const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
  const handlesBefore = tcpHandles();
  const first = await warmHttpStack();
  assert.equal(first.answered, 16, `answered ${first.answered} of 16 in ${first.ms} ms`);
  // A second call still works (the server and client of the first are gone, new ones are made).
  assert.equal((await warmHttpStack()).answered, 16);
  // Closed sockets release their handles a few ticks later.
  for (let i = 0; i < 50 && tcpHandles() > handlesBefore; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(tcpHandles(), handlesBefore, `open TCP handles: ${process.getActiveResourcesInfo().join(', ')}`);
});
