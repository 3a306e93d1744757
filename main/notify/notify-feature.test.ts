import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView, NotifyNotification, NotifyStatus, SourceHealth } from '../../preload/contract';
import { ConsoleCore } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import { parseConfig } from '../config/load';
import { FakeClock } from './clock';
import { NotifyFeature, tomorrowMorning } from './notify-feature';

const MIN = 60_000;

function setup(notifications: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const config = parseConfig(JSON.stringify({ environments: [{ name: 'prod' }], notifications }));
  const core = new ConsoleCore({ config, host: { kind: 'browser', dataDir: '/nonexistent', openExternal: async () => false }, now: () => clock.now() });
  let push: (m: Map<string, AlertView>) => void = () => undefined;
  const alerts = {
    onAlerts(l: (m: Map<string, AlertView>) => void) {
      push = l;
      return () => undefined;
    },
  };
  const feature = new NotifyFeature(core, alerts, { clock, tickMs: 3_600_000 });
  const events: NotifyNotification[] = [];
  const statuses: NotifyStatus[] = [];
  const sunk: NotifyNotification[] = [];
  core.subscribe((e) => {
    if (e.name === 'notify.notification') events.push(e.payload);
    if (e.name === 'notify.status') statuses.push(e.payload);
  });
  feature.addSink((n) => sunk.push(n));
  feature.onEnvironment({ name: 'prod', settings: config } as unknown as EnvironmentRuntime);
  const send = (list: AlertView[]) => push(new Map(list.map((a) => [a.fingerprint, a])));
  const health = (list: SourceHealth[]) => core.emit('core.health', list);
  return { clock, core, feature, events, statuses, sunk, send, health };
}

function alert(clock: FakeClock, fp: string, severity = 'critical', extra: Partial<AlertView> = {}): AlertView {
  const at = new Date(clock.now()).toISOString();
  return {
    fingerprint: fp,
    labels: { alertname: `Alert${fp}`, severity, instance: `server-${fp}` },
    annotations: { summary: `summary of ${fp}` },
    startsAt: at,
    updatedAt: at,
    endsAt: at,
    generatorURL: '',
    state: 'active',
    silencedBy: [],
    inhibitedBy: [],
    receivers: ['default'],
    alertmanagers: ['am'],
    ...extra,
  };
}

function am(state: SourceHealth['state']): SourceHealth {
  return { id: 'alertmanager:am', kind: 'alertmanager', name: 'am', url: 'http://127.0.0.1:1', state, lastSuccessAt: null, lastAttemptAt: null, lastError: state === 'ok' ? null : 'connect ECONNREFUSED 127.0.0.1:1', lastErrorAt: null, consecutiveFailures: 0, latencyMs: null };
}

test('a new critical alert gives exactly one notification (event and host sink) and a tray status', async () => {
  const t = setup();
  t.clock.advance(5 * MIN);
  const a = alert(t.clock, 'a1');
  t.send([a]);
  t.send([a]);
  t.clock.advance(MIN);
  t.send([a]);
  assert.equal(t.events.length, 1);
  assert.equal(t.sunk.length, 1);
  assert.equal(t.events[0]?.kind, 'alert');
  assert.deepEqual(t.events[0]?.fingerprints, ['a1']);
  assert.equal(t.events[0]?.environment, 'prod');
  const last = t.statuses.at(-1);
  assert.equal(last?.criticalCount, 1);
  assert.equal(last?.worstState, 'critical');
  assert.deepEqual(last?.criticalAlerts.map((c) => c.fingerprint), ['a1']);
  await t.core.shutdown();
});

test('warnings and acknowledged criticals do not notify; many new criticals become one summary', async () => {
  const t = setup();
  t.clock.advance(5 * MIN);
  const acked = alert(t.clock, 'k', 'critical', { state: 'suppressed', silencedBy: ['s1'], ack: { by: 'alice', at: t.clock.now(), endsAt: t.clock.now() + 15 * MIN, silenceIds: ['s1'], comment: 'ACK! alice' } });
  t.send([alert(t.clock, 'w', 'warning'), acked]);
  assert.equal(t.events.length, 0);
  assert.equal(t.statuses.at(-1)?.worstState, 'warning');
  const storm = Array.from({ length: 12 }, (_, i) => alert(t.clock, `c${i}`));
  t.send([alert(t.clock, 'w', 'warning'), acked, ...storm]);
  assert.equal(t.events.length, 1);
  assert.equal(t.events[0]?.kind, 'summary');
  assert.match(t.events[0]?.title ?? '', /^12 new critical alerts/);
  assert.equal(t.statuses.at(-1)?.criticalCount, 12);
  await t.core.shutdown();
});

test('notify.setDoNotDisturb through the contract: silence now, one summary when it runs out', async () => {
  const t = setup();
  t.clock.advance(5 * MIN);
  const res = await t.core.invoke('notify.setDoNotDisturb', { preset: '1h' });
  assert.equal(res.ok, true);
  assert.equal(t.feature.status().dnd, t.clock.now() + 3_600_000);
  t.send([alert(t.clock, 'd1'), alert(t.clock, 'd2')]);
  assert.equal(t.events.length, 0);
  assert.equal(t.feature.status().dndSuppressedCount, 2);
  assert.equal(t.feature.status().criticalCount, 2, 'criticals are still counted for the tray');
  t.clock.advance(61 * MIN);
  t.feature.tick();
  assert.equal(t.events.length, 1);
  assert.equal(t.events[0]?.kind, 'dnd-summary');
  assert.equal(t.feature.status().dnd, null);
  const bad = await t.core.invoke('notify.setDoNotDisturb', { preset: 'forever' });
  assert.equal(bad.ok, false);
  await t.core.shutdown();
});

test('"until tomorrow" ends at 08:00 local time the next day', () => {
  const now = new Date(2025, 0, 15, 23, 30).getTime();
  const until = new Date(tomorrowMorning(now));
  assert.equal(until.getDate(), 16);
  assert.equal(until.getHours(), 8);
  assert.equal(until.getMinutes(), 0);
});

test('resume gives no storm for known alerts, but a new one still notifies', async () => {
  const t = setup();
  t.clock.advance(5 * MIN);
  const known = Array.from({ length: 5 }, (_, i) => alert(t.clock, `k${i}`));
  t.send(known);
  assert.equal(t.events.length, 1);
  // Asleep for 2 hours; known alerts kept firing; after wake-up everything refreshes at once.
  t.clock.advance(120 * MIN);
  await t.feature.resume();
  t.send([...known, alert(t.clock, 'new')]);
  assert.equal(t.events.length, 2);
  assert.deepEqual(t.events[1]?.fingerprints, ['new']);
  await t.core.shutdown();
});

test('an unreachable Alertmanager notifies once, its recovery once, and the tray shows disconnected', async () => {
  const t = setup();
  t.health([am('ok')]);
  t.health([am('unreachable')]);
  t.health([am('unreachable')]);
  assert.equal(t.events.length, 1);
  assert.equal(t.events[0]?.kind, 'source-down');
  assert.equal(t.feature.status().worstState, 'disconnected');
  t.health([am('ok')]);
  assert.equal(t.events.length, 2);
  assert.equal(t.events[1]?.kind, 'source-up');
  assert.equal(t.feature.status().worstState, 'ok');
  await t.core.shutdown();
});

test('notify.test goes through the same path as real notifications', async () => {
  const t = setup();
  const res = await t.core.invoke('notify.test', {});
  assert.equal(res.ok, true);
  assert.equal(t.events.length, 1);
  assert.equal(t.sunk[0]?.kind, 'test');
  await t.core.shutdown();
});

test('incident reminders: an overdue target reaches sinks and the renderer once; held during DND and summarised at its end', () => {
  const { clock, core, feature, events, sunk } = setup();
  const dueAt = clock.now();
  const reminders = (overdue: boolean) => [
    {
      incidentId: 'INC-3',
      incidentTitle: 'Checkout errors',
      kind: 'status-update' as const,
      dueAt,
      overdue,
      message: overdue ? 'Status update overdue by <1 min' : 'Status update due in <1 min',
    },
  ];
  core.emit('incidents.reminders', reminders(false));
  assert.equal(events.length, 0, 'due soon is only shown in the app');
  core.emit('incidents.reminders', reminders(true));
  assert.deepEqual(events.map((n) => [n.kind, n.title, n.environment]), [['reminder', 'INC-3: Status update overdue by <1 min', 'prod']]);
  assert.deepEqual(sunk.map((n) => n.kind), ['reminder'], 'the host sink (native notifications) gets it too');
  core.emit('incidents.reminders', reminders(true));
  assert.equal(events.length, 1, 'not again while it stays overdue');

  // A second incident goes overdue during DND: nothing is shown until DND ends.
  feature.setDoNotDisturb(clock.now() + 60 * MIN);
  clock.advance(10 * MIN);
  const second = {
    incidentId: 'INC-4',
    incidentTitle: 'DNS failures',
    kind: 'respond' as const,
    dueAt: clock.now() - MIN,
    overdue: true,
    message: 'First response overdue by 1 min',
  };
  core.emit('incidents.reminders', [...reminders(true), second]);
  assert.equal(events.length, 1, 'held while DND is on');
  assert.equal(sunk.length, 1);
  clock.advance(50 * MIN);
  feature.tick();
  assert.equal(events.length, 2);
  const summary = events[1]!;
  assert.equal(summary.kind, 'dnd-summary');
  assert.equal(summary.title, 'While Do-not-disturb was on: 1 incident reminder came due');
  assert.equal(summary.body, '1 still overdue. INC-4: First response overdue by 51 min (DNS failures)');
  assert.deepEqual(sunk.map((n) => n.kind), ['reminder', 'dnd-summary']);
});

test('incident reminders already overdue stay quiet when new notification settings replace the policy', () => {
  const { clock, core, feature, events } = setup();
  const overdue = [{ incidentId: 'INC-3', incidentTitle: 'Checkout errors', kind: 'respond' as const, dueAt: clock.now() - MIN, overdue: true, message: 'First response overdue by 1 min' }];
  core.emit('incidents.reminders', overdue);
  assert.equal(events.length, 1);
  const config = parseConfig(JSON.stringify({ environments: [{ name: 'prod' }], notifications: { severities: ['critical', 'warning'] } }));
  feature.onEnvironment({ name: 'prod', settings: config } as unknown as EnvironmentRuntime);
  core.emit('incidents.reminders', overdue);
  assert.equal(events.length, 1, 'the fresh policy knows it was notified');
});
