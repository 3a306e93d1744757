/**
 * Wiring of the incidents feature into the core: requests through core.invoke, hello snapshots,
 * alerts and console actions reaching the timeline, reminders as notifications (via NotifyFeature), flush on shutdown,
 * and files opened for review. The alerts feature is a stand-in here (the real one against a real
 * Alertmanager is in test/integration/incidents.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertView, ConsoleEvent, IncidentDetail, NotifyNotification, WireResult } from '../../preload/contract';
import { ConsoleCore } from '../core/console-core';
import type { AlertAction } from '../alerts/alerts-feature';
import { NotifyFeature } from '../notify/notify-feature';
import { IncidentsFeature, ESCALATION_FILE, escalationFor } from './incidents-feature';
import { parseConfig } from '../config/load';
import type { EnvironmentRuntime } from '../core/environment';
import { T0, makeAlert, manualClock } from './test-fixtures';

class FakeAlerts {
  map = new Map<string, AlertView>();
  private listeners = new Set<(m: Map<string, AlertView>) => void>();
  private actions = new Set<(a: AlertAction) => void>();
  onAlerts(l: (m: Map<string, AlertView>) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  onAction(l: (a: AlertAction) => void) {
    this.actions.add(l);
    return () => this.actions.delete(l);
  }
  current() {
    return this.map;
  }
  set(alerts: AlertView[]) {
    this.map = new Map(alerts.map((a) => [a.fingerprint, a]));
    for (const l of this.listeners) l(this.map);
  }
  act(a: AlertAction) {
    for (const l of this.actions) l(a);
  }
}

function setup(dataDir = mkdtempSync(join(tmpdir(), 'incidents-feature-'))) {
  const clock = manualClock(T0);
  const core = new ConsoleCore({ config: null, host: { kind: 'browser', dataDir, openExternal: async () => false }, now: clock.now });
  const alerts = new FakeAlerts();
  const feature = new IncidentsFeature(core, alerts, { debounceMs: 10_000, service: { now: clock.now } });
  core.addFeature(feature);
  const events: ConsoleEvent[] = [];
  core.subscribe((e) => events.push(e));
  return { core, alerts, feature, events, clock, dataDir };
}

async function ok<T>(p: Promise<WireResult<unknown>>): Promise<T> {
  const r = await p;
  if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
  return r.result as T;
}

const cpu = makeAlert('fp-cpu', { alertname: 'HighCPU', instance: 'web-1:9100', severity: 'critical' }, { summary: 'CPU above 90% on web-1' });
const disk = makeAlert('fp-disk', { alertname: 'DiskFull', instance: 'db-1:9100', severity: 'warning' }, { summary: 'Disk 95% full' });

test('every incidents request is registered and validated by the core; the hello snapshot carries the list', async () => {
  const { core, alerts, feature, dataDir } = setup();
  try {
    alerts.set([cpu, disk]);
    await feature.ready;
    const detail = await ok<IncidentDetail>(core.invoke('incidents.declare', { fromAlerts: ['fp-cpu', 'fp-disk'], commander: 'alice' }));
    assert.equal(detail.incident.linkedAlerts.length, 2);
    assert.equal(detail.incident.severity, 'critical');
    assert.equal(detail.incident.title, 'CPU above 90% on web-1');
    const bad = await core.invoke('incidents.declare', { severity: 'urgent' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.error.code, 'invalid-argument');
    const hello = await ok<{ snapshot: Record<string, unknown> }>(core.invoke('core.hello', {}));
    const list = hello.snapshot['incidents.list'] as { id: string }[];
    assert.deepEqual(list.map((i) => i.id), [detail.incident.id]);
    assert.equal(hello.snapshot['incidents.review'], null);
    const matrix = await ok<{ level: number }[]>(core.invoke('incidents.escalationMatrix', {}));
    assert.deepEqual(matrix.map((m) => m.level), [1, 2, 3, 4]);
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('acknowledgements and silences made in the console, and alerts resolving, reach the timeline', async () => {
  const { core, alerts, feature, events, clock, dataDir } = setup();
  try {
    alerts.set([cpu, disk]);
    await feature.ready;
    const d = await ok<IncidentDetail>(core.invoke('incidents.declare', { fromAlerts: ['fp-cpu'] }));
    clock.advance(60_000);
    alerts.act({ kind: 'ack', fingerprints: ['fp-cpu'], author: 'bob', until: clock.now() + 900_000, at: clock.now() });
    alerts.act({ kind: 'silence', silenceId: 's-1', matchers: [{ name: 'alertname', value: 'HighCPU', isRegex: false, isEqual: true }], author: 'bob', comment: 'deploying fix', endsAt: clock.now() + 3_600_000, at: clock.now() });
    alerts.act({ kind: 'ack', fingerprints: ['fp-disk'], author: 'bob', until: clock.now() + 900_000, at: clock.now() });
    clock.advance(60_000);
    alerts.set([disk]);
    const after = await ok<IncidentDetail>(core.invoke('incidents.get', { id: d.incident.id }));
    const kinds = after.timeline.map((e) => e.kind);
    assert.ok(kinds.includes('ack'), kinds.join());
    assert.ok(kinds.includes('silence'), kinds.join());
    assert.ok(kinds.includes('alert-resolved'), kinds.join());
    assert.equal(after.timeline.filter((e) => e.kind === 'ack').length, 1, 'the unrelated alert is not recorded');
    const ack = after.timeline.find((e) => e.kind === 'ack')!;
    assert.equal(ack.author, 'bob');
    assert.match(ack.text, /HighCPU/);
    assert.ok(events.some((e) => e.name === 'incidents.changed'));
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an overdue status update raises one notification (through the notify feature), not one per check', async () => {
  const { core, feature, events, clock, dataDir } = setup();
  const notify = new NotifyFeature(core, new FakeAlerts(), { tickMs: 3_600_000 });
  core.addFeature(notify);
  try {
    const service = await feature.ready;
    await ok(core.invoke('incidents.declare', { title: 'Checkout errors', severity: 'high' }));
    clock.advance(3 * 3_600_000);
    service.checkReminders();
    clock.advance(20_000);
    service.checkReminders();
    const notes = events.filter((e) => e.name === 'notify.notification').map((e) => e.payload as NotifyNotification);
    assert.ok(notes.length >= 1);
    assert.ok(notes.every((n) => n.kind === 'reminder' && n.body === 'Checkout errors'), JSON.stringify(notes));
    const titles = notes.map((n) => n.title);
    assert.equal(new Set(titles).size, titles.length, `no repeats: ${titles.join(' | ')}`);
    assert.ok(events.some((e) => e.name === 'incidents.reminders' && (e.payload as { overdue: boolean }[]).some((r) => r.overdue)));
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('reminders that go overdue during Do-not-disturb stay in the reminder list but notify only as the summary at its end', async () => {
  const { core, feature, events, clock, dataDir } = setup();
  const notify = new NotifyFeature(core, new FakeAlerts(), { tickMs: 3_600_000 });
  core.addFeature(notify);
  try {
    const service = await feature.ready;
    await ok(core.invoke('notify.setDoNotDisturb', { until: clock.now() + 4 * 3_600_000 }));
    await ok(core.invoke('incidents.declare', { title: 'Checkout errors', severity: 'high' }));
    clock.advance(3 * 3_600_000);
    service.checkReminders();
    const notes = () => events.filter((e) => e.name === 'notify.notification').map((e) => e.payload as NotifyNotification);
    assert.deepEqual(notes(), [], 'nothing shown while DND is on');
    const lists = events.filter((e) => e.name === 'incidents.reminders').map((e) => e.payload as { overdue: boolean }[]);
    assert.ok(lists.at(-1)!.some((r) => r.overdue), 'the in-app reminder list still has the overdue targets');
    const snapshot = await ok<{ overdue: boolean }[]>(core.invoke('incidents.reminders', {}));
    assert.ok(snapshot.some((r) => r.overdue));

    clock.advance(3_600_000 + 1_000);
    notify.tick();
    const after = notes();
    assert.equal(after.length, 1, JSON.stringify(after));
    assert.equal(after[0]!.kind, 'dnd-summary');
    assert.match(after[0]!.title, /While Do-not-disturb was on: \d+ incident reminders? came due/);
    assert.match(after[0]!.body, /still overdue/);
    assert.match(after[0]!.body, /Checkout errors/);
    service.checkReminders();
    assert.equal(notes().length, 1, 'held reminders are not shown again after the summary');
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('shutdown writes what waits for the autosave; a restart finds the open incident', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incidents-feature-'));
  try {
    const first = setup(dataDir);
    await first.feature.ready;
    const d = await ok<IncidentDetail>(first.core.invoke('incidents.declare', { title: 'DNS failures', severity: 'critical' }));
    await ok(first.core.invoke('incidents.addEntry', { incidentId: d.incident.id, text: 'Resolver pool restarted' }));
    await first.core.shutdown();
    assert.ok(existsSync(join(dataDir, 'incidents', `${d.incident.id}.json`)));
    const second = setup(dataDir);
    await second.feature.ready;
    const again = await ok<IncidentDetail>(second.core.invoke('incidents.get', { id: d.incident.id }));
    assert.ok(again.timeline.some((e) => e.text === 'Resolver pool restarted'));
    await second.core.shutdown();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('openFile: an export opens read-only; bad files give the reason and change nothing', async () => {
  const { core, feature, events, dataDir } = setup();
  try {
    await feature.ready;
    const d = await ok<IncidentDetail>(core.invoke('incidents.declare', { title: 'Queue backlog', severity: 'medium' }));
    const exported = await ok<{ content: string; fileName: string }>(core.invoke('incidents.export', { id: d.incident.id, format: 'json' }));
    const good = join(dataDir, exported.fileName);
    writeFileSync(good, exported.content);
    const opened = await feature.openFile(good);
    assert.equal(opened.error, null);
    assert.equal(opened.review?.incident.title, 'Queue backlog');
    assert.ok(events.some((e) => e.name === 'incidents.review'));
    const before = readdirSync(join(dataDir, 'incidents')).sort();

    const truncated = join(dataDir, 'cut.json');
    writeFileSync(truncated, exported.content.slice(0, exported.content.length / 2));
    const cut = await feature.openFile(truncated);
    assert.equal(cut.review, null);
    assert.match(cut.error ?? '', /cut off|ends early|truncated/i);

    const newer = join(dataDir, 'newer.json');
    writeFileSync(newer, exported.content.replace('"version": 1', '"version": 2'));
    const nv = await feature.openFile(newer);
    assert.match(nv.error ?? '', /newer|version/i);

    const missing = await feature.openFile(join(dataDir, 'nope.json'));
    assert.match(missing.error ?? '', /no such file/);
    assert.deepEqual(readdirSync(join(dataDir, 'incidents')).sort(), before);
    const list = await ok<unknown[]>(core.invoke('incidents.list', {}));
    assert.equal(list.length, 1, 'nothing imported into the live incidents');
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the escalation contacts come from escalation-matrix.json in the data folder', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incidents-feature-'));
  writeFileSync(join(dataDir, ESCALATION_FILE), JSON.stringify({ levels: [{ level: 2, contacts: ['Dana (team lead) +1 555 0102'] }] }));
  const { core, feature } = setup(dataDir);
  try {
    await feature.ready;
    const matrix = await ok<{ level: number; contacts: string[]; title: string }[]>(core.invoke('incidents.escalationMatrix', {}));
    assert.deepEqual(matrix.find((m) => m.level === 2)?.contacts, ['Dana (team lead) +1 555 0102']);
    assert.ok((matrix.find((m) => m.level === 1)?.title ?? '').length > 0);
    assert.equal(feature.matrixError, null);
  } finally {
    await core.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('escalation contacts: the environment\'s config over the global config over escalation-matrix.json over the runbook, per field; switching environments re-sends them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'incidents-feature-'));
  writeFileSync(
    join(dataDir, ESCALATION_FILE),
    JSON.stringify({ levels: [{ level: 1, contacts: ['file: old pager'] }, { level: 3, title: 'Engineering manager', contacts: ['file: Sam'] }] }),
  );
  const config = parseConfig(
    JSON.stringify({
      escalation: { levels: [{ level: 1, contacts: ['pager: ops-primary'] }, { level: 4, contacts: ['CTO: Robin +1 555 0199'] }] },
      environments: [{ name: 'prod', escalation: { levels: [{ level: 1, contacts: ['pager: prod-oncall'] }, { level: 2, title: 'Prod lead', contacts: ['Dana'] }] } }, { name: 'staging' }],
    }),
  );
  const clock = manualClock(T0);
  const core = new ConsoleCore({ config, host: { kind: 'browser', dataDir, openExternal: async () => false }, now: clock.now });
  const feature = new IncidentsFeature(core, new FakeAlerts(), { debounceMs: 10_000, service: { now: clock.now } });
  const events: ConsoleEvent[] = [];
  core.subscribe((e) => events.push(e));
  type Level = { level: number; title: string; contacts: string[] };
  const level = (m: Level[], n: number) => m.find((l) => l.level === n)!;
  try {
    await feature.ready;
    feature.onEnvironment({ name: 'prod', settings: config } as unknown as EnvironmentRuntime);
    let m = await ok<Level[]>(core.invoke('incidents.escalationMatrix', {}));
    assert.deepEqual(level(m, 1).contacts, ['pager: prod-oncall'], 'the environment wins');
    assert.deepEqual([level(m, 2).title, level(m, 2).contacts], ['Prod lead', ['Dana']]);
    assert.deepEqual([level(m, 3).title, level(m, 3).contacts], ['Engineering manager', ['file: Sam']], 'a level the config leaves out comes from the file');
    assert.deepEqual(level(m, 4).contacts, ['CTO: Robin +1 555 0199'], 'the global config');
    assert.equal(level(m, 4).title, 'CTO + executive team', "a title the config leaves out is the runbook's");

    feature.onEnvironment({ name: 'staging', settings: config } as unknown as EnvironmentRuntime);
    const sent = events.filter((e) => e.name === 'incidents.escalationMatrix').map((e) => e.payload as Level[]);
    assert.ok(sent.length >= 1, 'the renderer is told');
    m = sent.at(-1)!;
    assert.deepEqual(level(m, 1).contacts, ['pager: ops-primary'], 'staging has no escalation of its own: the global config over the file');
    assert.equal(level(m, 2).title, 'Senior engineer + team lead');
    assert.deepEqual(level(m, 2).contacts, []);
    assert.deepEqual(await ok<Level[]>(core.invoke('incidents.escalationMatrix', {})), m);
    const hello = await ok<{ snapshot: Record<string, unknown> }>(core.invoke('core.hello', {}));
    assert.deepEqual(hello.snapshot['incidents.escalationMatrix'], m, 'a renderer that connects later gets it in the hello');

    const count = events.filter((e) => e.name === 'incidents.escalationMatrix').length;
    feature.onEnvironment({ name: 'staging', settings: config } as unknown as EnvironmentRuntime);
    assert.equal(events.filter((e) => e.name === 'incidents.escalationMatrix').length, count, 'not re-sent when nothing changed');
  } finally {
    await core.shutdown();
    feature.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('escalation-matrix.json alone still gives the contacts when the config has no escalation section', () => {
  const file = [{ level: 2 as const, contacts: ['Dana'] }];
  const config = parseConfig(JSON.stringify({ environments: [{ name: 'prod' }] }));
  assert.deepEqual(escalationFor(config, 'prod', file), [{ level: 2, contacts: ['Dana'] }]);
  assert.deepEqual(escalationFor(null, null, file), [{ level: 2, contacts: ['Dana'] }]);
  assert.deepEqual(escalationFor(config, 'prod', []), []);
});
