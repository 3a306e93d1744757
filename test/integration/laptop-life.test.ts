/**
 * Laptop life through the core's power and network hooks, with REAL Prometheus and Alertmanager behind the
 * fault proxy and the real core + notification feature:
 *
 * - sleep (window hidden / suspend: core.setVisibility(false)) while the network goes away, then resume
 *   (NotifyFeature.resume(): resync + core.refreshNow()): every source is polled at once, and alerts that
 *   were already known raise no notification; an alert that started during the sleep notifies once;
 * - network loss and return without sleep (core.refreshNow() as the network hook): same guarantees.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWithElectronStub } from '../support/electron-stub';
import { startAlertmanager, startPrometheus, stopAll, type RunningServer } from '../support/real-servers';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import { AlertmanagerClient, type PostableAlert } from '../../main/clients/alertmanager';
import { createHttpClient } from '../../main/clients/http';
import type { NotifyNotification, SourceHealth } from '../../preload/contract';
import { waitFor as waitForShared } from '../support/wait';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const waitFor = <T,>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20000) => waitForShared(what, fn, timeoutMs, { intervalMs: 50 });

let prometheus: RunningServer;
let am: RunningServer;
let promProxy: FaultProxy;
let amProxy: FaultProxy;
let c: ReturnType<typeof createConsole>;
let dataDir: string;
const notes: NotifyNotification[] = [];
let amClient: AlertmanagerClient;

const critical = (name: string, i: number): PostableAlert => ({
  labels: { alertname: name, instance: `lap-${i}:9100`, severity: 'critical' },
  annotations: { summary: `${name} ${i}` },
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
});
const KNOWN = Array.from({ length: 6 }, (_, i) => critical('LaptopKnown', i));

const alertNotes = (since: number): NotifyNotification[] => notes.slice(since).filter((n) => n.kind === 'alert' || n.kind === 'summary');
const health = (id: string): SourceHealth => c.core.activeRuntime!.health().find((h) => h.id === id)!;

before(async () => {
  [prometheus, am] = await Promise.all([startPrometheus(), startAlertmanager()]);
  promProxy = await startFaultProxy({ target: prometheus.url });
  amProxy = await startFaultProxy({ target: am.url });
  amClient = new AlertmanagerClient(createHttpClient({ name: 'direct', url: am.url }));
  dataDir = mkdtempSync(join(tmpdir(), 'ops-console-laptop-'));
  c = createConsole({
    config: parseConfig(
      JSON.stringify({
        environments: [{ name: 'laptop', prometheus: [{ name: 'prom', url: promProxy.url }], alertmanager: [{ name: 'am', url: amProxy.url }] }],
        polling: { prometheusMs: 250, alertmanagerMs: 250, sparklineMs: 60_000, timeoutMs: 1000 },
        notifications: { severities: ['critical'], cooldownMs: 60_000 },
      }),
    ),
    host: { kind: 'browser', dataDir, openExternal: async () => false },
  });
  c.features.notify.addSink((n) => notes.push(n));
  await c.core.start();
  await waitFor('first polls', () => health('prometheus:prom').state === 'ok' && health('alertmanager:am').state === 'ok');
  // Alerts that start while the console runs: announced once (a single summary), the baseline for what follows.
  const before = notes.length;
  await amClient.postAlerts(KNOWN);
  await waitFor('known alerts in the inbox', () => c.features.alerts.current().size === KNOWN.length);
  await waitFor('their notification', () => alertNotes(before).length > 0);
  await sleep(500);
  const first = alertNotes(before);
  assert.equal(first.length, 1, `one notification for ${KNOWN.length} new criticals: ${JSON.stringify(first.map((n) => n.title))}`);
  assert.equal(first[0]!.kind, 'summary');
  assert.equal(first[0]!.fingerprints.length, KNOWN.length);
});

after(async () => {
  await c?.core.shutdown();
  await promProxy?.close();
  await amProxy?.close();
  await stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('sleep with the network gone, then resume: immediate refresh, no storm for known alerts, one note for the new one', async () => {
  const mark = notes.length;
  // Suspend: the window is hidden (Electron calls setVisibility(false) on powerMonitor 'suspend'), the Wi-Fi drops.
  c.core.setVisibility(false);
  promProxy.setMode('cut');
  amProxy.setMode('cut');
  await waitFor('Alertmanager failing while asleep (alert polling goes on hidden)', () => health('alertmanager:am').consecutiveFailures >= 3);
  const promAttempts = health('prometheus:prom').lastAttemptAt;
  // An alert starts during the sleep; the known ones keep firing.
  const fresh = critical('LaptopDuringSleep', 99);
  await amClient.postAlerts([...KNOWN, fresh]);
  await sleep(1500);
  assert.equal(health('prometheus:prom').lastAttemptAt, promAttempts, 'Prometheus is not polled while hidden');
  assert.equal(c.features.alerts.current().size, KNOWN.length, 'known alerts stay while the source fails');

  // Resume: network back, then the power hook.
  promProxy.setMode('pass');
  amProxy.setMode('pass');
  const tResume = Date.now();
  c.core.setVisibility(true);
  await c.features.notify.resume();
  assert.ok((health('alertmanager:am').lastAttemptAt ?? 0) >= tResume, 'Alertmanager polled at once on resume, not after its backoff');
  assert.ok((health('prometheus:prom').lastAttemptAt ?? 0) >= tResume, 'Prometheus polled at once on resume');
  await waitFor('both sources ok after resume', () => health('alertmanager:am').state === 'ok' && health('prometheus:prom').state === 'ok');
  await waitFor('the new alert in the inbox', () => c.features.alerts.current().size === KNOWN.length + 1);
  await sleep(1000); // a few more polls: any storm would show now
  const after = alertNotes(mark);
  assert.equal(after.length, 1, `exactly one alert notification after resume, got: ${JSON.stringify(after.map((n) => n.title))}`);
  assert.deepEqual(after[0]!.fingerprints, [[...c.features.alerts.current().values()].find((a) => a.labels.alertname === 'LaptopDuringSleep')!.fingerprint]);
  const down = notes.slice(mark).filter((n) => n.kind === 'source-down').length;
  const up = notes.slice(mark).filter((n) => n.kind === 'source-up').length;
  assert.ok(down <= 2 && up <= down, `source down/up announced at most once per source (down ${down}, up ${up})`);
  console.log(`sleep/resume: ${after.length} alert notification(s) for ${KNOWN.length} known + 1 new; source-down ${down}, source-up ${up}`);
});

test('network loss and return (no sleep): refresh at once, known alerts stay quiet', async () => {
  const mark = notes.length;
  amProxy.setMode('drop');
  promProxy.setMode('drop');
  await waitFor('sources failing', () => health('alertmanager:am').consecutiveFailures >= 2 && health('prometheus:prom').consecutiveFailures >= 2);
  assert.equal(health('alertmanager:am').state, 'unreachable');
  amProxy.setMode('pass');
  promProxy.setMode('pass');
  const tBack = Date.now();
  // The network hook (Electron: 'online' / powerMonitor events) calls refreshNow.
  await c.core.refreshNow();
  await waitFor('ok again', () => health('alertmanager:am').state === 'ok' && health('prometheus:prom').state === 'ok');
  assert.ok((health('alertmanager:am').lastSuccessAt ?? 0) >= tBack);
  await sleep(1000);
  const after = alertNotes(mark);
  assert.deepEqual(
    after.map((n) => n.title),
    [],
    'no alert notification for alerts that were firing all along',
  );
  assert.equal(c.features.alerts.current().size, KNOWN.length + 1);
  console.log(`network loss/return: ${after.length} alert notifications; ${notes.slice(mark).map((n) => n.kind).join(', ') || 'none'} in total`);
});

// ---------------------------------------------------------------------------------------------
// The Electron layer's own hooks (main/electron/power.ts), run against a stub of 'electron'

interface PowerStub {
  powerMonitor: EventEmitter;
  online: boolean;
}

async function loadPowerModule(dir: string): Promise<typeof import('../../main/electron/power')> {
  return importWithElectronStub(
    'main/electron/power.ts',
    'const s = globalThis.__powerStub; export const powerMonitor = s.powerMonitor; export const net = { isOnline: () => s.online };',
    dir,
  );
}

test('Electron power hooks (main/electron/power.ts): suspend hides, resume shows and refreshes with no storm, network back and unlock refresh', async () => {
  const stub: PowerStub = { powerMonitor: new EventEmitter(), online: true };
  (globalThis as { __powerStub?: PowerStub }).__powerStub = stub;
  const dir = mkdtempSync(join(tmpdir(), 'ops-console-power-'));
  const { wirePower } = await loadPowerModule(dir);
  const notify = c.features.notify;
  let resumes = 0;
  const realResume = notify.resume.bind(notify);
  notify.resume = () => {
    resumes += 1;
    return realResume();
  };
  const window = { isDestroyed: () => false, isVisible: () => true, isMinimized: () => false };
  const unwire = wirePower(c.core, notify, () => window as never);
  try {
    const mark = notes.length;
    const before = c.features.alerts.current().size;
    stub.powerMonitor.emit('suspend');
    assert.equal(c.core.isVisible, false, 'suspend: nobody is looking');
    promProxy.setMode('cut');
    amProxy.setMode('cut');
    await waitFor('Alertmanager failing while suspended', () => health('alertmanager:am').consecutiveFailures >= 3);
    await amClient.postAlerts([...KNOWN, critical('LaptopDuringSleep', 99), critical('LaptopPowerNew', 7)]);
    promProxy.setMode('pass');
    amProxy.setMode('pass');
    const tResume = Date.now();
    stub.powerMonitor.emit('resume');
    assert.equal(c.core.isVisible, true, 'resume with the window open: visible again');
    assert.equal(resumes, 1, 'resume resyncs and refreshes every source');
    await waitFor('both sources polled after resume', () => (health('alertmanager:am').lastSuccessAt ?? 0) >= tResume && (health('prometheus:prom').lastSuccessAt ?? 0) >= tResume);
    await waitFor('the new alert', () => c.features.alerts.current().size === before + 1);
    await sleep(1000);
    const after = alertNotes(mark);
    assert.equal(after.length, 1, `one notification, for the one new alert: ${JSON.stringify(after.map((n) => n.title))}`);

    // Network: offline, then back (power.ts checks net.isOnline() every 5 s).
    stub.online = false;
    await sleep(5_500);
    const r0 = resumes;
    stub.online = true;
    await waitFor('network back triggers a refresh', () => resumes > r0, 12_000);
    // Unlock while awake refreshes too.
    const r1 = resumes;
    stub.powerMonitor.emit('unlock-screen');
    assert.equal(resumes, r1 + 1);
    await sleep(500);
    assert.equal(alertNotes(mark).length, 1, 'still no storm');
  } finally {
    unwire();
    notify.resume = realResume;
    rmSync(dir, { recursive: true, force: true });
  }
});
