import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker } from './health';
import { SourceError } from '../clients/source-error';

function tracker() {
  let now = 1_000_000;
  const h = new HealthTracker('prometheus', 'p1', 'http://127.0.0.1:9090', 30_000, () => now);
  return { h, advance: (ms: number) => (now += ms), now: () => now };
}

test('states follow the kind of failure, keeping the exact error text', () => {
  const { h } = tracker();
  assert.equal(h.snapshot().state, 'pending');
  h.recordFailure(new SourceError('auth', 'HTTP 401: Unauthorized', 401));
  assert.equal(h.snapshot().state, 'auth-failed');
  assert.equal(h.snapshot().lastError, 'HTTP 401: Unauthorized');
  h.recordFailure(new SourceError('network', 'connect ECONNREFUSED 127.0.0.1:9090'));
  assert.equal(h.snapshot().state, 'unreachable');
  assert.equal(h.snapshot().consecutiveFailures, 2);
  h.recordFailure(new SourceError('timeout', 'timed out after 5000 ms'));
  assert.equal(h.snapshot().state, 'unreachable');
  h.recordFailure(new SourceError('http', 'HTTP 503: Service Unavailable', 503));
  assert.equal(h.snapshot().state, 'degraded');
  h.recordFailure(new SourceError('parse', 'invalid JSON from server'));
  assert.equal(h.snapshot().state, 'degraded');
});

test('success resets failures and records time and latency; partial answers are degraded', () => {
  const { h, now } = tracker();
  h.recordFailure(new SourceError('network', 'boom'));
  h.recordSuccess(12.4);
  const s = h.snapshot();
  assert.equal(s.state, 'ok');
  assert.equal(s.consecutiveFailures, 0);
  assert.equal(s.lastSuccessAt, now());
  assert.equal(s.latencyMs, 12);
  assert.equal(s.lastError, 'boom', 'the last error stays visible after recovery');
  h.recordSuccess(5, { partialError: '1 of 6 queries failed' });
  assert.equal(h.snapshot().state, 'degraded');
});

test('an ok source with no answer past its limit turns stale', () => {
  const { h, advance } = tracker();
  h.recordSuccess(3);
  advance(29_000);
  assert.equal(h.snapshot().state, 'ok');
  assert.equal(h.isStale(), false);
  advance(2_000);
  assert.equal(h.snapshot().state, 'stale');
  assert.equal(h.isStale(), true);
});
