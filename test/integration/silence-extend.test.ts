/**
 * Extending a silence against a REAL Alertmanager: the +step and custom-end paths the Silences view
 * uses end where they say, and the core refuses an end in the past or not after the current end
 * (with a message naming both times) without writing anything to Alertmanager.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, stopAll, type RunningServer } from '../support/real-servers';
import { AlertmanagerClient } from '../../main/clients/alertmanager';
import { createHttpClient } from '../../main/clients/http';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import type { ConsoleCore } from '../../main/core/console-core';
import type { AlertsFeature } from '../../main/alerts/alerts-feature';
import { extendedEnd, parseExtension } from '../../main/alerts/silence-logic';
import type { RequestName, SilenceResult } from '../../preload/contract';
import { waitFor } from '../support/wait';

const H = 3_600_000;

async function call<T>(core: ConsoleCore, name: RequestName, args: unknown): Promise<T> {
  const res = await core.invoke(name, args);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.result as T;
}

describe('extend a silence on a real Alertmanager', () => {
  let am: RunningServer;
  let client: AlertmanagerClient;
  let core: ConsoleCore;
  let alerts: AlertsFeature;
  let dataDir: string;

  before(async () => {
    am = await startAlertmanager();
    client = new AlertmanagerClient(createHttpClient({ name: 'test', url: am.url }));
    await client.postAlerts([{ labels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'warning', job: 'node' } }]);
    dataDir = mkdtempSync(join(tmpdir(), 'ops-console-extend-it-'));
    const made = createConsole({
      config: parseConfig(JSON.stringify({ environments: [{ name: 'prod', alertmanager: [{ name: 'am', url: am.url }] }], polling: { alertmanagerMs: 500 }, user: 'alice' })),
      host: { kind: 'browser', dataDir, openExternal: async () => false },
    });
    core = made.core;
    alerts = made.features.alerts;
    await core.start();
    await waitFor('the alert', () => alerts.current().size === 1, 20_000, { intervalMs: 100 });
  });

  after(async () => {
    await core?.shutdown();
    await stopAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function createSilence(endsInMs: number): Promise<string> {
    const matchers = [{ name: 'alertname', value: 'DiskSpaceLow', isRegex: false, isEqual: true }];
    const created = await call<SilenceResult>(core, 'alerts.silences.create', { matchers, endsAt: new Date(Date.now() + endsInMs).toISOString(), comment: 'disk cleanup', createdBy: 'bob' });
    const id = created.silenceIds[0]!;
    await waitFor('silence listed', () => alerts.currentSilences().find((s) => s.id === id && s.state === 'active'), 20_000, { intervalMs: 100 });
    return id;
  }

  async function endOf(id: string): Promise<{ endsAt: number; state: string; comment: string; createdBy: string }> {
    const s = (await client.silences()).find((x) => x.id === id);
    assert.ok(s, `silence ${id} on the Alertmanager`);
    return { endsAt: Date.parse(s.endsAt), state: s.status.state, comment: s.comment, createdBy: s.createdBy };
  }

  test('+4h from the current end, then a typed "2h30m", then a typed end time: each ends where it says', async () => {
    const id = await createSilence(H);
    const current = Date.parse(alerts.currentSilences().find((s) => s.id === id)!.endsAt);

    const step = extendedEnd(current, 4 * H, Date.now());
    const first = await call<SilenceResult>(core, 'alerts.silences.extend', { id, endsAt: new Date(step).toISOString() });
    const id2 = first.silenceIds[0]!;
    const after1 = await endOf(id2);
    assert.equal(after1.endsAt, step);
    assert.equal(after1.state, 'active');
    assert.equal(after1.comment, 'disk cleanup', 'comment and author are kept');
    assert.equal(after1.createdBy, 'bob');
    await waitFor('extended silence listed', () => alerts.currentSilences().find((s) => s.id === id2 && Date.parse(s.endsAt) === step), 20_000, { intervalMs: 100 });

    const typed = parseExtension('2h30m', step, Date.now());
    assert.ok(typed.ok);
    assert.equal(typed.value, step + 2.5 * H);
    const second = await call<SilenceResult>(core, 'alerts.silences.extend', { id: id2, endsAt: new Date(typed.value).toISOString() });
    const id3 = second.silenceIds[0]!;
    assert.equal((await endOf(id3)).endsAt, typed.value);
    await waitFor('listed again', () => alerts.currentSilences().find((s) => s.id === id3 && Date.parse(s.endsAt) === typed.value), 20_000, { intervalMs: 100 });

    const until = new Date(typed.value + 24 * H);
    until.setUTCSeconds(0, 0);
    const byTime = parseExtension(until.toISOString(), typed.value, Date.now());
    assert.ok(byTime.ok, JSON.stringify(byTime));
    const third = await call<SilenceResult>(core, 'alerts.silences.extend', { id: id3, endsAt: new Date(byTime.value).toISOString() });
    assert.equal((await endOf(third.silenceIds[0]!)).endsAt, until.getTime());
  });

  test('an end in the past or before the current end is refused with a clear message and nothing is written', async () => {
    const id = await createSilence(2 * H);
    const current = Date.parse(alerts.currentSilences().find((s) => s.id === id)!.endsAt);
    const before = await client.silences();

    const past = await core.invoke('alerts.silences.extend', { id, endsAt: new Date(Date.now() - 60_000).toISOString() });
    assert.equal(past.ok, false);
    if (!past.ok) {
      assert.equal(past.error.code, 'invalid-argument');
      assert.match(past.error.message, /^the new end \S+ is in the past \(it is now \S+\)$/);
    }

    const earlier = await core.invoke('alerts.silences.extend', { id, endsAt: new Date(current - H).toISOString() });
    assert.equal(earlier.ok, false);
    if (!earlier.ok) {
      assert.equal(earlier.error.code, 'invalid-argument');
      assert.equal(earlier.error.message, `the new end ${new Date(current - H).toISOString().replace(/\.000Z$/, 'Z')} is not after the silence's current end ${new Date(current).toISOString().replace(/\.000Z$/, 'Z')}; to end it sooner, expire it`);
    }

    const same = await core.invoke('alerts.silences.extend', { id, endsAt: new Date(current).toISOString() });
    assert.equal(same.ok, false, 'the same end is not an extension');

    const afterRefusals = await client.silences();
    assert.deepEqual(
      afterRefusals.map((s) => [s.id, s.endsAt, s.status.state]).sort(),
      before.map((s) => [s.id, s.endsAt, s.status.state]).sort(),
      'Alertmanager holds the same silences as before',
    );
    assert.equal((await endOf(id)).endsAt, current);
  });
});
