/**
 * The alert inbox against REAL Alertmanagers (and a real Prometheus for pending alerts): alerts posted through
 * Alertmanager's own API, acknowledgements and silences checked through Alertmanager's own API, a two-replica
 * HA cluster (--cluster.listen-address / --cluster.peer) for deduplication and for one replica down.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../support/real-servers';
import { AlertmanagerClient } from '../../main/clients/alertmanager';
import { createHttpClient } from '../../main/clients/http';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import type { ConsoleCore } from '../../main/core/console-core';
import type { AlertsFeature } from '../../main/alerts/alerts-feature';
import type { ConsoleConfigInput } from '../../main/config/schema';
import type { AlertView, PendingAlertsState, RequestName, SilenceResult } from '../../preload/contract';
import { waitFor as waitForShared } from '../support/wait';


const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20000) => waitForShared(what, fn, timeoutMs, { intervalMs: 100 });

interface Running {
  core: ConsoleCore;
  alerts: AlertsFeature;
  stop(): Promise<void>;
}

async function startCore(config: ConsoleConfigInput): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-alerts-it-'));
  const { core, features } = createConsole({ config: parseConfig(JSON.stringify(config)), host: { kind: 'browser', dataDir, openExternal: async () => false } });
  await core.start();
  return {
    core,
    alerts: features.alerts,
    stop: async () => {
      await core.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function call<T>(core: ConsoleCore, name: RequestName, args: unknown): Promise<T> {
  const res = await core.invoke(name, args);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.result as T;
}

function amClient(url: string): AlertmanagerClient {
  return new AlertmanagerClient(createHttpClient({ name: 'test', url }));
}

function byName(alerts: Map<string, AlertView>, alertname: string, instance?: string): AlertView[] {
  return [...alerts.values()].filter((a) => a.labels.alertname === alertname && (instance === undefined || a.labels.instance === instance));
}

describe('one Alertmanager: acknowledge, silence, expire', () => {
  let am: RunningServer;
  let running: Running;
  let client: AlertmanagerClient;
  const cpu = { alertname: 'HighCPUUsage', instance: 'server-001:9100', severity: 'critical', job: 'node' };

  before(async () => {
    am = await startAlertmanager();
    client = amClient(am.url);
    await client.postAlerts([
      { labels: cpu, annotations: { summary: 'CPU above 95%' } },
      { labels: { alertname: 'HighCPUUsage', instance: 'server-002:9100', severity: 'warning', job: 'node' } },
      { labels: { alertname: 'DiskSpaceLow', instance: 'db-1:9100', severity: 'warning', job: 'node' } },
    ]);
    running = await startCore({
      environments: [{ name: 'prod', alertmanager: [{ name: 'am', url: am.url }] }],
      polling: { alertmanagerMs: 500 },
      user: 'alice',
      ackDurationMs: 10 * 60_000,
    });
    await waitFor('three alerts', () => running.alerts.current().size === 3);
  });

  after(async () => {
    await running?.stop();
    await stopAll();
  });

  test('acknowledge creates an ACK! silence in Alertmanager matching all of the alert labels exactly', async () => {
    const alert = byName(running.alerts.current(), 'HighCPUUsage', 'server-001:9100')[0]!;
    const before = Date.now();
    const res = await call<SilenceResult>(running.core, 'alerts.acknowledge', { fingerprints: [alert.fingerprint] });
    assert.equal(res.silenceIds.length, 1);
    const silences = await client.silences();
    const s = silences.find((x) => x.id === res.silenceIds[0]);
    assert.ok(s, 'Alertmanager has the silence');
    assert.match(s.comment, /^ACK! /);
    assert.equal(s.comment, 'ACK! acknowledged in Ops Console by alice');
    assert.equal(s.createdBy, 'alice');
    assert.equal(s.status.state, 'active');
    assert.deepEqual(
      s.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]).sort(),
      Object.entries(cpu).map(([k, v]) => [k, v, false, true]).sort(),
    );
    const minutes = (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000;
    assert.ok(minutes > 9.9 && minutes < 10.1, `ackDurationMs (10 min) is the silence length, got ${minutes}`);
    assert.ok(Date.parse(s.startsAt) >= before - 2000);
    // Alertmanager's own alert API says the alert is silenced by it; the console shows it acknowledged.
    const amAlert = (await client.alerts()).find((a) => a.fingerprint === alert.fingerprint)!;
    assert.deepEqual(amAlert.status.silencedBy, [s.id]);
    const acked = await waitFor('ack in the inbox', () => running.alerts.current().get(alert.fingerprint)?.ack);
    assert.equal(acked.by, 'alice');
    assert.deepEqual(acked.silenceIds, [s.id]);
    const others = byName(running.alerts.current(), 'HighCPUUsage', 'server-002:9100')[0]!;
    assert.equal(others.ack ?? null, null, 'exact matchers: the other instance is not acknowledged');
  });

  test('unacknowledge expires that silence in Alertmanager', async () => {
    const alert = byName(running.alerts.current(), 'HighCPUUsage', 'server-001:9100')[0]!;
    const id = alert.ack!.silenceIds[0]!;
    const res = await call<{ expired: string[] }>(running.core, 'alerts.unacknowledge', { fingerprints: [alert.fingerprint] });
    assert.deepEqual(res.expired, [id]);
    const s = (await client.silences()).find((x) => x.id === id)!;
    assert.equal(s.status.state, 'expired');
    await waitFor('ack cleared', () => !running.alerts.current().get(alert.fingerprint)?.ack);
    const again = await running.core.invoke('alerts.unacknowledge', { fingerprints: [alert.fingerprint] });
    assert.equal(again.ok, false);
    if (!again.ok) assert.match(again.error.message, /not acknowledged/);
  });

  test('acknowledging a group acknowledges each alert in it', async () => {
    const group = byName(running.alerts.current(), 'HighCPUUsage');
    assert.equal(group.length, 2);
    const res = await call<SilenceResult>(running.core, 'alerts.acknowledge', { fingerprints: group.map((a) => a.fingerprint) });
    assert.equal(res.silenceIds.length, 2);
    await waitFor('both acknowledged', () => byName(running.alerts.current(), 'HighCPUUsage').every((a) => a.ack));
    await call(running.core, 'alerts.unacknowledge', { fingerprints: group.map((a) => a.fingerprint) });
    await waitFor('both back to active', () => byName(running.alerts.current(), 'HighCPUUsage').every((a) => !a.ack));
  });

  test('preview counts current alerts; create, extend and expire a silence', async () => {
    const matchers = [{ name: 'alertname', value: 'HighCPU.*', isRegex: true, isEqual: true }, { name: 'severity', value: 'warning', isRegex: false, isEqual: true }];
    const preview = await call<{ count: number; sample: { instance: string }[] }>(running.core, 'alerts.silences.preview', { matchers });
    assert.equal(preview.count, 1);
    assert.equal(preview.sample[0]?.instance, 'server-002:9100');
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await call<SilenceResult>(running.core, 'alerts.silences.create', { matchers, endsAt, comment: 'maintenance window', createdBy: 'bob' });
    const id = created.silenceIds[0]!;
    const s = (await client.silences()).find((x) => x.id === id)!;
    assert.equal(s.comment, 'maintenance window');
    assert.equal(s.createdBy, 'bob');
    assert.deepEqual(s.matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]), matchers.map((m) => [m.name, m.value, m.isRegex, m.isEqual]));
    const silenced = await waitFor('silenced in the inbox', () => {
      const a = byName(running.alerts.current(), 'HighCPUUsage', 'server-002:9100')[0];
      return a && a.silencedBy.includes(id) ? a : null;
    });
    assert.equal(silenced.ack ?? null, null, 'a plain silence is not an acknowledgement');
    await waitFor('silence listed', () => running.alerts.currentSilences().find((x) => x.id === id && !x.isAck));

    const later = new Date(Date.now() + 4 * 3600_000).toISOString();
    const extended = await call<SilenceResult>(running.core, 'alerts.silences.extend', { id, endsAt: later });
    const newId = extended.silenceIds[0]!;
    const after = (await client.silences()).find((x) => x.id === newId)!;
    assert.equal(Date.parse(after.endsAt), Date.parse(later));
    assert.equal(after.status.state, 'active');

    await waitFor('extended silence listed', () => running.alerts.currentSilences().find((x) => x.id === newId && x.state === 'active'));
    const expired = await call<{ expired: string[] }>(running.core, 'alerts.silences.expire', { ids: [newId] });
    assert.deepEqual(expired.expired, [newId]);
    assert.equal((await client.silences()).find((x) => x.id === newId)?.status.state, 'expired');
  });

  test("a refused silence comes back with Alertmanager's own error text", async () => {
    // An empty-matching regex only: Alertmanager refuses silences whose matchers all match the empty string.
    const res = await running.core.invoke('alerts.silences.create', {
      matchers: [{ name: 'team', value: '.*', isRegex: true, isEqual: true }],
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      comment: 'everything',
      createdBy: 'bob',
    });
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(res.error.code, 'backend');
      assert.match(res.error.message, /Alertmanager am: /);
      assert.match(res.error.message, /at least one matcher must not match the empty string/);
    }
    const bad = await running.core.invoke('alerts.silences.create', { matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], endsAt: 'tomorrow', comment: 'x', createdBy: 'y' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.error.message, /endsAt: "tomorrow" is not a date/);
    const noComment = await running.core.invoke('alerts.silences.create', { matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], endsAt: new Date(Date.now() + 60_000).toISOString(), comment: '  ', createdBy: 'y' });
    assert.equal(noComment.ok, false);
    if (!noComment.ok) assert.match(noComment.error.message, /comment is required/);
  });
});

describe('two-replica HA cluster', () => {
  let am1: RunningServer & { clusterAddress: string | null };
  let am2: RunningServer & { clusterAddress: string | null };
  let running: Running;

  before(async () => {
    am1 = await startAlertmanager({ clusterListen: true });
    am2 = await startAlertmanager({ clusterPeers: [am1.clusterAddress!] });
    await waitFor('cluster of two', async () => (await amClient(am1.url).status()).cluster.peers?.length === 2);
    // Prometheus sends every alert to every replica; alerts themselves are not gossiped.
    const both = [{ labels: { alertname: 'InstanceDown', instance: 'server-007:9100', severity: 'critical', job: 'node' } }];
    await amClient(am1.url).postAlerts(both);
    await amClient(am2.url).postAlerts([...both, { labels: { alertname: 'OnlyOnSecond', instance: 'server-008:9100', severity: 'warning' } }]);
    running = await startCore({
      environments: [{ name: 'prod', alertmanager: [{ name: 'am-a', url: am1.url }, { name: 'am-b', url: am2.url }] }],
      polling: { alertmanagerMs: 500, timeoutMs: 2000 },
      user: 'carol',
    });
    await waitFor('both alerts', () => running.alerts.current().size === 2);
  });

  after(async () => {
    await running?.stop();
    await stopAll();
  });

  test('one alert held by both replicas shows once, naming both Alertmanagers', async () => {
    const down = await waitFor('merged', () => {
      const list = byName(running.alerts.current(), 'InstanceDown');
      return list.length === 1 && list[0]!.alertmanagers.length === 2 ? list : null;
    });
    assert.deepEqual([...down[0]!.alertmanagers].sort(), ['am-a', 'am-b']);
    assert.deepEqual(byName(running.alerts.current(), 'OnlyOnSecond')[0]?.alertmanagers, ['am-b']);
    assert.equal(running.alerts.current().size, 2);
  });

  test('acknowledging writes one silence to the cluster; gossip puts it on both replicas', async () => {
    const events: { clusters: { members: string[] }[] }[] = [];
    const unsub = running.core.subscribe((e) => {
      if (e.name === 'alerts.silences') events.push(e.payload);
    });
    const alert = byName(running.alerts.current(), 'InstanceDown')[0]!;
    const res = await call<SilenceResult>(running.core, 'alerts.acknowledge', { fingerprints: [alert.fingerprint] });
    assert.equal(res.silenceIds.length, 1, 'one silence per cluster, not one per replica');
    const id = res.silenceIds[0]!;
    await waitFor('gossiped to the second replica', async () => (await amClient(am2.url).silences()).find((s) => s.id === id && s.status.state === 'active'));
    const merged = await waitFor('merged silence on both', () => running.alerts.currentSilences().find((s) => s.id === id && s.alertmanagers.length === 2));
    assert.equal(merged.isAck, true);
    assert.equal((await amClient(am1.url).silences()).filter((s) => s.comment.startsWith('ACK!')).length, 1, 'no duplicate ACK silences');
    await waitFor('ack on the merged alert', () => running.alerts.current().get(alert.fingerprint)?.ack?.by === 'carol');
    await waitFor('cluster event', () => events.find((e) => e.clusters.some((c) => c.members.length === 2)));
    unsub();
  });

  test('one replica down hides nothing and doubles nothing; writes fall over to the other replica', async () => {
    am1.kill('SIGKILL');
    await waitFor('am-a seen as down', () => running.core.activeRuntime?.health().find((h) => h.name === 'am-a' && h.state === 'unreachable'));
    // Several polls with one replica down: both alerts still there, once each.
    for (let i = 0; i < 3; i++) {
      await running.core.activeRuntime?.refreshAll();
      const all = [...running.alerts.current().values()];
      assert.equal(all.length, 2);
      assert.equal(byName(running.alerts.current(), 'InstanceDown').length, 1);
      assert.equal(byName(running.alerts.current(), 'OnlyOnSecond').length, 1);
    }
    const only = byName(running.alerts.current(), 'OnlyOnSecond')[0]!;
    const res = await call<SilenceResult>(running.core, 'alerts.acknowledge', { fingerprints: [only.fingerprint] });
    assert.equal(res.silenceIds.length, 1);
    assert.ok((await amClient(am2.url).silences()).find((s) => s.id === res.silenceIds[0]), 'written to the replica that is up');
  });
});

describe('pending alerts from a real Prometheus', () => {
  let prom: RunningServer;
  let running: Running;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-console-rules-'));
    const rules = join(dir, 'pending.yml');
    writeFileSync(
      rules,
      `groups:\n  - name: slow\n    interval: 1s\n    rules:\n      - alert: SlowBurn\n        expr: vector(1)\n        for: 10m\n        labels:\n          severity: warning\n        annotations:\n          summary: "burning slowly"\n`,
    );
    prom = await startPrometheus({ ruleFiles: [rules] });
    running = await startCore({ environments: [{ name: 'prod', prometheus: [{ name: 'prom', url: prom.url }] }], polling: { alertmanagerMs: 500, prometheusMs: 500 } });
  });

  after(async () => {
    await running?.stop();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a rule whose `for` has not elapsed is an early warning with the time until it fires", async () => {
    let state: PendingAlertsState | null = null;
    running.core.subscribe((e) => {
      if (e.name === 'alerts.pending') state = e.payload;
    });
    const pending = await waitFor('pending alert', () => (state as PendingAlertsState | null)?.alerts.find((a) => a.labels.alertname === 'SlowBurn'));
    assert.equal(pending.forSeconds, 600);
    assert.equal(pending.labels.severity, 'warning');
    assert.equal(pending.annotations.summary, 'burning slowly');
    assert.ok(pending.activeAt !== null && pending.firesAt === pending.activeAt + 600_000);
    assert.deepEqual(pending.prometheus, ['prom']);
  });
});

describe('first load of a big inbox: alerts are shown as the answer streams in', () => {
  let am: RunningServer;
  const total = 20_000;

  before(async () => {
    am = await startAlertmanager();
    const client = amClient(am.url);
    for (let b = 0; b < total; b += 5000) {
      await client.postAlerts(
        Array.from({ length: 5000 }, (_, j) => ({
          labels: { alertname: 'Load', instance: `host-${b + j}:9100`, severity: (b + j) % 10 === 0 ? 'critical' : 'warning' },
          annotations: { summary: `alert ${b + j}` },
        })),
      );
    }
  });

  after(async () => {
    await stopAll();
  });

  test('the first message carries the first chunk, the rest follow, and together they are exactly the full list', async () => {
    const diffs: { upserted: string[]; removed: string[]; at: number }[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-alerts-it-'));
    const { core, features } = createConsole({
      config: parseConfig(JSON.stringify({ environments: [{ name: 'big', alertmanager: [{ name: 'am', url: am.url, timeoutMs: 60_000 }] }], polling: { alertmanagerMs: 60_000 } })),
      host: { kind: 'browser', dataDir, openExternal: async () => false },
    });
    core.subscribe((e) => {
      if (e.name !== 'alerts.update') return;
      const p = e.payload as { kind: string; upserted?: AlertView[]; removed?: string[] };
      if (p.kind === 'diff') diffs.push({ upserted: (p.upserted ?? []).map((a) => a.fingerprint), removed: p.removed ?? [], at: performance.now() });
    });
    let merged = 0;
    features.alerts.onAlerts((all) => (merged = all.size));
    try {
      await core.start();
      await waitFor('the first poll merged every alert', () => merged === total, 60_000);
      assert.ok(diffs.length >= 2, `${diffs.length} messages`);
      assert.ok(diffs[0]!.upserted.length > 0 && diffs[0]!.upserted.length < total / 4, `the first message has ${diffs[0]!.upserted.length} alerts, not the whole list`);
      const shown = new Set<string>();
      for (const d of diffs) {
        for (const fp of d.upserted) shown.add(fp);
        for (const fp of d.removed) shown.delete(fp);
      }
      assert.deepEqual([...shown].sort(), [...features.alerts.current().keys()].sort());
      // Each alert goes out once: provisional views that the full merge confirms are not sent again.
      assert.equal(diffs.reduce((n, d) => n + d.upserted.length, 0), total);
    } finally {
      await core.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
