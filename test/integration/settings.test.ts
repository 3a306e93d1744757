/**
 * 'settings.testConnection' against REAL Prometheus and Alertmanager processes, and a closed port.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole } from '../../main/core/create-console';
import type { TestConnectionResult } from '../../preload/contract';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../support/real-servers';
import { getFreePort } from '../support/free-port';

describe('settings.testConnection', () => {
  let prometheus: RunningServer;
  let am: RunningServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-settings-int-'));
  const { core } = createConsole({ config: null, host: { kind: 'browser', dataDir, openExternal: async () => false } });

  const testIt = async (kind: 'prometheus' | 'alertmanager' | 'elasticsearch', url: string): Promise<TestConnectionResult> => {
    const res = await core.invoke('settings.testConnection', { kind, connection: { name: 'x', url } });
    assert.ok(res.ok, 'the request itself always answers');
    return res.result as TestConnectionResult;
  };

  before(async () => {
    [prometheus, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
  });
  after(async () => {
    await core.shutdown();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('real Prometheus and Alertmanager: ok, with their versions', async () => {
    const p = await testIt('prometheus', prometheus.url);
    assert.equal(p.ok, true, p.message);
    assert.match(p.version ?? '', /^Prometheus \d+\.\d+/);
    const a = await testIt('alertmanager', am.url);
    assert.equal(a.ok, true, a.message);
    assert.match(a.version ?? '', /^Alertmanager \d+\.\d+/);
  });

  test('a closed port gives the ECONNREFUSED text exactly as the network gave it', async () => {
    const port = await getFreePort();
    const r = await testIt('prometheus', `http://127.0.0.1:${port}`);
    assert.equal(r.ok, false);
    assert.equal(r.message, `connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  test('the wrong kind of server says so with the server\'s own answer', async () => {
    const r = await testIt('alertmanager', prometheus.url);
    assert.equal(r.ok, false);
    assert.match(r.message, /^HTTP 404: /);
  });
});
