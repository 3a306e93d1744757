import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView } from '../../preload/contract/alerts';
import type { HealthState, SourceHealth, SourceKind } from '../../preload/contract/core';
import { FakeClock } from './clock';
import {
  acknowledgedFingerprints,
  createNotificationPolicy,
  DEFAULT_NOTIFICATION_CONFIG,
  type Acknowledged,
  type Notification,
  type NotificationPolicyConfig,
  type ReminderInput,
} from './policy';

const MIN = 60_000;
const HOUR = 60 * MIN;

interface AlertOpts {
  severity?: string;
  alertname?: string;
  instance?: string;
  summary?: string;
  startsAt?: number;
  silencedBy?: string[];
  inhibitedBy?: string[];
  state?: AlertView['state'];
}

function mkAlert(clock: FakeClock, fingerprint: string, o: AlertOpts = {}): AlertView {
  const silencedBy = o.silencedBy ?? [];
  const inhibitedBy = o.inhibitedBy ?? [];
  return {
    fingerprint,
    labels: {
      alertname: o.alertname ?? 'HighCPU',
      severity: o.severity ?? 'critical',
      instance: o.instance ?? `server-${fingerprint}`,
    },
    annotations: { summary: o.summary ?? `CPU above 95% on ${fingerprint}` },
    startsAt: new Date(o.startsAt ?? clock.now()).toISOString(),
    updatedAt: new Date(clock.now()).toISOString(),
    endsAt: new Date(clock.now() + 5 * MIN).toISOString(),
    generatorURL: '',
    state: o.state ?? (silencedBy.length > 0 || inhibitedBy.length > 0 ? 'suppressed' : 'active'),
    silencedBy,
    inhibitedBy,
    receivers: ['default'],
    alertmanagers: ['am-1'],
  };
}

function mkSource(kind: SourceKind, name: string, state: HealthState, lastError: string | null = null): SourceHealth {
  return {
    id: `${kind}:${name}`,
    kind,
    name,
    url: `https://${name}.example/`,
    state,
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError,
    lastErrorAt: null,
    consecutiveFailures: state === 'ok' ? 0 : 1,
    latencyMs: null,
  };
}

function setup(config: Partial<NotificationPolicyConfig> = {}) {
  const clock = new FakeClock();
  const policy = createNotificationPolicy({ ...DEFAULT_NOTIFICATION_CONFIG, ...config }, clock);
  // Let the policy's start time lie in the past, so alerts made "now" are clearly new.
  clock.advance(10_000);
  return { clock, policy };
}

const fps = (ns: Notification[]) => ns.flatMap((n) => n.fingerprints);
const kinds = (ns: Notification[]) => ns.map((n) => n.kind);

describe('alert notifications', () => {
  it('notifies a single new critical alert with severity + alertname title, instance + summary body and its fingerprint', () => {
    const { clock, policy } = setup();
    const out = policy.observeAlerts('prod', [mkAlert(clock, 'a1', { alertname: 'HighCPU', instance: 'server-001', summary: 'CPU at 99%' })]);
    assert.equal(out.length, 1);
    const [n] = out;
    assert.equal(n!.kind, 'alert');
    assert.equal(n!.title, 'Critical: HighCPU');
    assert.equal(n!.body, 'server-001\nCPU at 99%');
    assert.equal(n!.severity, 'critical');
    assert.deepEqual(n!.fingerprints, ['a1']);
    assert.equal(n!.sound, false, 'sound is off by default');
    assert.ok(n!.id.length > 0);
  });

  it('sets sound on critical notifications when configured', () => {
    const { clock, policy } = setup({ sound: true, severities: ['critical', 'warning'] });
    const [crit] = policy.observeAlerts('prod', [mkAlert(clock, 'c')]);
    assert.equal(crit!.sound, true);
    const [warn] = policy.observeAlerts('prod', [mkAlert(clock, 'c'), mkAlert(clock, 'w', { severity: 'warning' })]);
    assert.equal(warn!.severity, 'warning');
    assert.equal(warn!.sound, false, 'only critical notifications make a sound');
  });

  it('ignores warnings by default but shows them in the tray state', () => {
    const { clock, policy } = setup();
    const out = policy.observeAlerts('prod', [mkAlert(clock, 'w1', { severity: 'warning' }), mkAlert(clock, 'i1', { severity: 'info' })]);
    assert.deepEqual(out, []);
    assert.equal(policy.status().criticalCount, 0);
    assert.equal(policy.status().worstState, 'warning');
  });

  it('notifies exactly the configured severities (case-insensitively)', () => {
    const { clock, policy } = setup({ severities: ['page', 'Warning'] });
    const out = policy.observeAlerts('prod', [
      mkAlert(clock, 'crit', { severity: 'critical' }),
      mkAlert(clock, 'pg', { severity: 'page', alertname: 'DiskFull' }),
    ]);
    assert.deepEqual(fps(out), ['pg'], "'critical' is not configured, 'page' is");
    assert.equal(out[0]!.title, 'Page: DiskFull');
    assert.equal(out[0]!.severity, 'info', 'an unknown severity label maps to info');
    const out2 = policy.observeAlerts('prod', [mkAlert(clock, 'warn', { severity: 'WARNING' })]);
    assert.deepEqual(fps(out2), ['warn']);
    assert.equal(policy.status().criticalCount, 1, 'criticalCount counts notifying severities');
  });

  it('notifies once per fingerprint while it keeps firing, and a later newcomer alone', () => {
    const { clock, policy } = setup();
    const a = mkAlert(clock, 'a');
    const emitted: Notification[] = [];
    for (let i = 0; i < 20; i++) {
      emitted.push(...policy.observeAlerts('prod', [a]));
      clock.advance(10_000);
    }
    assert.deepEqual(fps(emitted), ['a']);
    const later = policy.observeAlerts('prod', [a, mkAlert(clock, 'b', { alertname: 'NodeDown' })]);
    assert.equal(later.length, 1);
    assert.equal(later[0]!.kind, 'alert', 'one new alert among known ones is not a summary');
    assert.deepEqual(later[0]!.fingerprints, ['b']);
  });

  it('turns a storm of 50 new criticals into one summary naming the first 3', () => {
    const { clock, policy } = setup();
    const storm = Array.from({ length: 50 }, (_, i) =>
      mkAlert(clock, `fp${String(i).padStart(2, '0')}`, { alertname: 'HighCPU', instance: `server-${String(i).padStart(3, '0')}` }),
    );
    const out = policy.observeAlerts('prod', storm);
    assert.equal(out.length, 1);
    const [n] = out;
    assert.equal(n!.kind, 'summary');
    assert.equal(n!.title, '50 new critical alerts');
    assert.equal(n!.body, 'HighCPU on server-000, HighCPU on server-001, HighCPU on server-002 and 47 more');
    assert.equal(n!.severity, 'critical');
    assert.deepEqual([...n!.fingerprints].sort(), storm.map((a) => a.fingerprint).sort());
    clock.advance(10_000);
    assert.deepEqual(policy.observeAlerts('prod', storm), [], 'the next poll of the same storm is quiet');
    assert.equal(policy.status().criticalCount, 50);
  });

  it('summarises mixed severities without claiming they are all critical', () => {
    const { clock, policy } = setup({ severities: ['critical', 'warning'] });
    const [n] = policy.observeAlerts('prod', [
      mkAlert(clock, 'w', { severity: 'warning', alertname: 'SlowDisk', instance: 'db-1' }),
      mkAlert(clock, 'c', { severity: 'critical', alertname: 'NodeDown', instance: 'web-1' }),
    ]);
    assert.equal(n!.title, '2 new alerts');
    assert.equal(n!.body, 'NodeDown on web-1, SlowDisk on db-1', 'criticals are named first');
    assert.equal(n!.severity, 'critical');
  });

  it('never notifies silenced, inhibited or acknowledged alerts, and excludes them from the count', () => {
    const { clock, policy } = setup();
    const silenced = mkAlert(clock, 's', { silencedBy: ['sil-1'] });
    const inhibited = mkAlert(clock, 'i', { inhibitedBy: ['inh-1'] });
    const acked = mkAlert(clock, 'k');
    const firing = mkAlert(clock, 'f');
    const out = policy.observeAlerts('prod', [silenced, inhibited, acked, firing], new Set(['k']));
    assert.deepEqual(fps(out), ['f']);
    assert.equal(out[0]!.kind, 'alert');
    assert.deepEqual(policy.status().criticalAlerts.map((c) => c.fingerprint), ['f']);
  });

  it('accepts an acknowledged predicate', () => {
    const { clock, policy } = setup();
    const isAcked: Acknowledged = (a) => a.labels.instance === 'server-x';
    const out = policy.observeAlerts('prod', [mkAlert(clock, 'x'), mkAlert(clock, 'y')], isAcked);
    assert.deepEqual(fps(out), ['y']);
  });

  it('does not re-notify an alert that was acked after notifying, even when the ack expires', () => {
    const { clock, policy } = setup();
    assert.equal(policy.observeAlerts('prod', [mkAlert(clock, 'a')]).length, 1);
    clock.advance(MIN);
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'a', { silencedBy: ['ack-1'] })], new Set(['a'])), []);
    assert.equal(policy.status().criticalCount, 0);
    clock.advance(20 * MIN); // ack silence expired, alert active again
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'a')]), []);
    assert.equal(policy.status().criticalCount, 1);
  });

  it('notifies an alert silenced from the start once its silence expires', () => {
    const { clock, policy } = setup();
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'a', { silencedBy: ['s1'] })]), []);
    clock.advance(30 * MIN);
    assert.deepEqual(fps(policy.observeAlerts('prod', [mkAlert(clock, 'a')])), ['a']);
  });

  it('finds acknowledged fingerprints from ACK! silences', () => {
    const { clock } = setup();
    const alerts = [mkAlert(clock, 'a', { silencedBy: ['s1'] }), mkAlert(clock, 'b', { silencedBy: ['s2'] }), mkAlert(clock, 'c')];
    const acked = acknowledgedFingerprints(alerts, [
      { id: 's1', comment: 'ACK! alice is on it' },
      { id: 's2', comment: 'maintenance window, ACK! later' },
    ]);
    assert.deepEqual([...acked], ['a']);
  });
});

describe('cooldown (flapping)', () => {
  it('does not re-notify an alert that resolves and refires within the cooldown, but does after it', () => {
    const { clock, policy } = setup(); // cooldown 5 min
    const a = mkAlert(clock, 'flappy');
    assert.equal(policy.observeAlerts('prod', [a]).length, 1);
    clock.advance(30_000);
    assert.deepEqual(policy.observeAlerts('prod', []), [], 'resolved');
    clock.advance(4 * MIN);
    assert.deepEqual(policy.observeAlerts('prod', [a]), [], 'refired 4 min after resolving: within cooldown');
    clock.advance(MIN);
    policy.observeAlerts('prod', []); // resolved again, cooldown counts from here
    clock.advance(5 * MIN - 1);
    assert.deepEqual(policy.observeAlerts('prod', [a]), [], 'just inside the cooldown');
    clock.advance(MIN);
    policy.observeAlerts('prod', []);
    clock.advance(5 * MIN);
    const out = policy.observeAlerts('prod', [a]);
    assert.deepEqual(fps(out), ['flappy'], 'refired a full cooldown after resolving');
  });

  it('honours a configured cooldown', () => {
    const { clock, policy } = setup({ cooldownMs: 30 * MIN });
    const a = mkAlert(clock, 'a');
    policy.observeAlerts('prod', [a]);
    clock.advance(MIN);
    policy.observeAlerts('prod', []);
    clock.advance(20 * MIN);
    assert.deepEqual(policy.observeAlerts('prod', [a]), [], '20 min < 30 min cooldown');
    policy.observeAlerts('prod', []);
    clock.advance(30 * MIN);
    assert.equal(policy.observeAlerts('prod', [a]).length, 1);
  });
});

describe('do-not-disturb', () => {
  it('emits nothing while on, counts criticals, and summarises once when it runs out', () => {
    const { clock, policy } = setup({ sound: true });
    const until = clock.now() + HOUR;
    assert.deepEqual(policy.setDoNotDisturb(until), []);
    assert.equal(policy.status().dndUntil, until);

    const polls = [
      [mkAlert(clock, 'a', { alertname: 'HighCPU', instance: 'server-001' })],
      [mkAlert(clock, 'a'), mkAlert(clock, 'b', { alertname: 'DiskFull', instance: 'db-1' }), mkAlert(clock, 'w', { severity: 'warning' })],
      [mkAlert(clock, 'b'), mkAlert(clock, 'c', { alertname: 'NodeDown', instance: 'web-1' })],
    ];
    for (const alerts of polls) {
      assert.deepEqual(policy.observeAlerts('prod', alerts), []);
      assert.deepEqual(policy.tick(), []);
      clock.advance(10 * MIN);
    }
    assert.deepEqual(policy.observeHealth([mkSource('alertmanager', 'am', 'ok')]), []);
    assert.deepEqual(policy.observeHealth([mkSource('alertmanager', 'am', 'unreachable')]), [], 'source changes wait too');
    assert.deepEqual(policy.observeHealth([mkSource('alertmanager', 'am', 'ok')]), []);
    assert.equal(policy.status().dndSuppressedCount, 3, 'a, b and c, each counted once; the warning is not');
    assert.equal(policy.status().criticalCount, 2);

    clock.set(until - 1);
    assert.deepEqual(policy.tick(), [], 'still on one ms before the end');
    clock.set(until);
    const out = policy.tick();
    assert.deepEqual(kinds(out), ['dnd-summary'], 'a source that went down and came back during DND is not announced');
    assert.equal(out[0]!.title, 'While Do-not-disturb was on: 3 critical alerts fired');
    assert.match(out[0]!.body, /^2 still firing\. /);
    assert.equal(out[0]!.sound, false);
    assert.deepEqual([...out[0]!.fingerprints].sort(), ['a', 'b', 'c']);
    assert.equal(policy.status().dndSuppressedCount, 0);
    assert.equal(policy.status().dndUntil, null);
    assert.deepEqual(policy.tick(), [], 'the summary comes once');
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'b'), mkAlert(clock, 'c')]), [], 'alerts summarised by DND do not notify again');
    assert.equal(policy.observeAlerts('prod', [mkAlert(clock, 'b'), mkAlert(clock, 'd')]).length, 1, 'new ones notify again');
  });

  it('summarises when switched off early, and not at all if nothing fired', () => {
    const { clock, policy } = setup();
    policy.setDoNotDisturb(clock.now() + HOUR);
    clock.advance(MIN);
    assert.deepEqual(policy.setDoNotDisturb(null), []);
    assert.equal(policy.status().dndUntil, null);

    policy.setDoNotDisturb(clock.now() + HOUR);
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'x')]), []);
    clock.advance(MIN);
    const out = policy.setDoNotDisturb(null);
    assert.deepEqual(kinds(out), ['dnd-summary']);
    assert.equal(out[0]!.title, 'While Do-not-disturb was on: 1 critical alert fired');
  });

  it('announces at its end a source that went down during it and stayed down', () => {
    const { clock, policy } = setup();
    policy.observeHealth([mkSource('prometheus', 'p', 'ok')]);
    policy.setDoNotDisturb(clock.now() + 10 * MIN);
    assert.deepEqual(policy.observeHealth([mkSource('prometheus', 'p', 'unreachable', 'ECONNREFUSED')]), []);
    clock.advance(10 * MIN);
    // The expiry is noticed by whichever call comes first.
    const out = policy.observeHealth([mkSource('prometheus', 'p', 'unreachable', 'ECONNREFUSED')]);
    assert.deepEqual(kinds(out), ['source-down']);
    assert.deepEqual(policy.observeHealth([mkSource('prometheus', 'p', 'unreachable')]), []);
  });

  it('rejects a non-finite end', () => {
    const { policy } = setup();
    assert.throws(() => policy.setDoNotDisturb(Number.NaN), RangeError);
  });
});

describe('incident reminders', () => {
  const reminder = (clock: FakeClock, o: Partial<ReminderInput> & { dueAt: number }): ReminderInput => ({
    incidentId: 'INC-7',
    incidentTitle: 'Checkout errors',
    kind: 'status-update',
    overdue: o.dueAt <= clock.now(),
    message: o.dueAt <= clock.now() ? 'Status update overdue by <1 min' : 'Status update due in 5 min',
    ...o,
  });

  it('notifies once when a target becomes overdue, not while it stays overdue; a new due time notifies again', () => {
    const { clock, policy } = setup();
    const due = clock.now() + 5 * MIN;
    assert.deepEqual(policy.observeReminders([reminder(clock, { dueAt: due })]), [], 'due soon is not a notification');
    clock.advance(5 * MIN);
    const first = policy.observeReminders([reminder(clock, { dueAt: due })]);
    assert.deepEqual(kinds(first), ['reminder']);
    assert.equal(first[0]!.title, 'INC-7: Status update overdue by <1 min');
    assert.equal(first[0]!.body, 'Checkout errors');
    assert.equal(first[0]!.severity, 'warning');
    assert.deepEqual(first[0]!.fingerprints, []);
    assert.equal(first[0]!.incidentId, 'INC-7', 'a click opens the incident');
    clock.advance(MIN);
    assert.deepEqual(policy.observeReminders([reminder(clock, { dueAt: due })]), []);
    // The update was posted: the next one is due later, and that one notifies when it is overdue.
    const next = due + 30 * MIN;
    assert.deepEqual(policy.observeReminders([reminder(clock, { dueAt: next })]), []);
    clock.set(next);
    assert.deepEqual(kinds(policy.observeReminders([reminder(clock, { dueAt: next })])), ['reminder']);
  });

  it('plays a sound only when sound is on', () => {
    const quiet = setup();
    const loud = setup({ sound: true });
    const r = (c: FakeClock) => [reminder(c, { dueAt: c.now() - MIN })];
    assert.equal(quiet.policy.observeReminders(r(quiet.clock))[0]!.sound, false);
    assert.equal(loud.policy.observeReminders(r(loud.clock))[0]!.sound, true);
  });

  it('while DND is on, overdue reminders are held (the caller still has them) and summarised when it ends', () => {
    const { clock, policy } = setup();
    policy.setDoNotDisturb(clock.now() + HOUR);
    const a = reminder(clock, { dueAt: clock.now() + 10 * MIN });
    const b = reminder(clock, { incidentId: 'INC-8', incidentTitle: 'DNS failures', kind: 'respond', dueAt: clock.now() + 20 * MIN });
    clock.advance(30 * MIN);
    const overdueA = { ...a, overdue: true, message: 'Status update overdue by 20 min' };
    const overdueB = { ...b, overdue: true, message: 'First response overdue by 10 min' };
    assert.deepEqual(policy.observeReminders([overdueA, overdueB]), [], 'held while DND is on');
    assert.deepEqual(policy.observeReminders([overdueA, overdueB]), [], 'and counted once');
    assert.equal(policy.status().dndSuppressedReminders, 2);
    assert.equal(policy.status().dndSuppressedCount, 0, 'the alert count stays about alerts');
    // INC-8 responds before DND ends; INC-7's update stays overdue.
    clock.advance(10 * MIN);
    assert.deepEqual(policy.observeReminders([overdueA]), []);
    clock.advance(20 * MIN);
    const out = policy.tick();
    assert.deepEqual(kinds(out), ['dnd-summary']);
    assert.equal(out[0]!.title, 'While Do-not-disturb was on: 2 incident reminders came due');
    assert.equal(out[0]!.body, '1 still overdue, 1 met since. INC-7: Status update overdue by 50 min (Checkout errors)');
    assert.equal(out[0]!.severity, 'warning');
    assert.equal(out[0]!.incidentId, 'INC-7', 'a click opens the first incident still overdue');
    assert.equal(policy.status().dndSuppressedReminders, 0);
    assert.deepEqual(policy.observeReminders([overdueA]), [], 'not announced again after the summary');
  });

  it('alerts and reminders held by the same window give one summary each when DND is switched off', () => {
    const { clock, policy } = setup();
    policy.setDoNotDisturb(clock.now() + HOUR);
    clock.advance(MIN);
    assert.deepEqual(policy.observeAlerts('prod', [mkAlert(clock, 'a1')]), []);
    assert.deepEqual(policy.observeReminders([reminder(clock, { dueAt: clock.now() - MIN })]), []);
    const out = policy.setDoNotDisturb(null);
    assert.deepEqual(kinds(out), ['dnd-summary', 'dnd-summary']);
    assert.match(out[0]!.title, /1 critical alert fired/);
    assert.match(out[1]!.title, /1 incident reminder came due/);
  });

  it('a reminder that was met before DND ended is summarised as met, at info level', () => {
    const { clock, policy } = setup();
    policy.setDoNotDisturb(clock.now() + HOUR);
    policy.observeReminders([reminder(clock, { dueAt: clock.now() - MIN })]);
    policy.observeReminders([]);
    clock.advance(HOUR);
    const out = policy.observeReminders([]);
    assert.deepEqual(kinds(out), ['dnd-summary']);
    assert.equal(out[0]!.body, 'All met since.');
    assert.equal(out[0]!.severity, 'info');
    assert.equal(out[0]!.incidentId, undefined);
  });
});

describe('source health', () => {
  it('notifies unreachable once and recovery once across many failed polls', () => {
    const { clock, policy } = setup();
    const all: Notification[] = [];
    all.push(...policy.observeHealth([mkSource('alertmanager', 'main', 'pending')]));
    all.push(...policy.observeHealth([mkSource('alertmanager', 'main', 'ok')]));
    for (let i = 0; i < 30; i++) {
      clock.advance(10_000);
      all.push(...policy.observeHealth([mkSource('alertmanager', 'main', i % 7 === 3 ? 'stale' : 'unreachable', 'connect ETIMEDOUT')]));
    }
    for (let i = 0; i < 5; i++) all.push(...policy.observeHealth([mkSource('alertmanager', 'main', i === 2 ? 'degraded' : 'ok')]));
    assert.deepEqual(kinds(all), ['source-down', 'source-up']);
    assert.equal(all[0]!.title, 'Alertmanager main: unreachable');
    assert.equal(all[0]!.body, 'https://main.example/\nconnect ETIMEDOUT');
    assert.equal(all[0]!.severity, 'warning');
    assert.equal(all[1]!.title, 'Alertmanager main: reachable again');
    assert.equal(all[1]!.severity, 'info');
    assert.ok(all.every((n) => n.fingerprints.length === 0 && n.sound === false));
  });

  it('treats auth-failed as down', () => {
    const { policy } = setup();
    policy.observeHealth([mkSource('elasticsearch', 'logs', 'ok')]);
    const out = policy.observeHealth([mkSource('elasticsearch', 'logs', 'auth-failed', '401 Unauthorized')]);
    assert.equal(out[0]!.title, 'Elasticsearch logs: authentication failed');
  });

  it('does not notify a source that was never ok, neither down nor its first success', () => {
    const { policy } = setup();
    const all = [
      ...policy.observeHealth([mkSource('prometheus', 'p', 'pending')]),
      ...policy.observeHealth([mkSource('prometheus', 'p', 'unreachable')]),
      ...policy.observeHealth([mkSource('prometheus', 'p', 'unreachable')]),
      ...policy.observeHealth([mkSource('prometheus', 'p', 'ok')]),
    ];
    assert.deepEqual(all, []);
    assert.deepEqual(kinds(policy.observeHealth([mkSource('prometheus', 'p', 'unreachable')])), ['source-down'], 'once seen ok, it counts');
  });

  it('groups sources that go down together into one notification', () => {
    const { policy } = setup();
    const names = ['a', 'b', 'c', 'd'];
    policy.observeHealth(names.map((n) => mkSource('prometheus', n, 'ok')));
    const down = policy.observeHealth(names.map((n) => mkSource('prometheus', n, 'unreachable')));
    assert.equal(down.length, 1);
    assert.equal(down[0]!.title, '4 sources unreachable');
    assert.equal(down[0]!.body, 'Prometheus a, Prometheus b, Prometheus c and 1 more');
    const up = policy.observeHealth(names.map((n) => mkSource('prometheus', n, 'ok')));
    assert.deepEqual(up.map((n) => n.title), ['4 sources reachable again']);
  });

  it('forgets sources missing from an observation (environment switch)', () => {
    const { policy } = setup();
    policy.observeHealth([mkSource('prometheus', 'prod', 'ok')]);
    policy.observeHealth([mkSource('prometheus', 'stage', 'pending')]);
    assert.deepEqual(policy.observeHealth([mkSource('prometheus', 'prod', 'unreachable')]), [], 'prod is new again, never seen ok');
  });
});

describe('baselines', () => {
  it('does not notify alerts already firing before start-up, but does those that began within the grace or after', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const policy = createNotificationPolicy(DEFAULT_NOTIFICATION_CONFIG, clock);
    clock.advance(5_000);
    const old = Array.from({ length: 40 }, (_, i) => mkAlert(clock, `old${i}`, { startsAt: start - 3 * HOUR + i * MIN }));
    const justBefore = mkAlert(clock, 'grace', { startsAt: start - 30_000 });
    const after = mkAlert(clock, 'after', { startsAt: start + 2_000 });
    const garbled = { ...mkAlert(clock, 'garbled'), startsAt: 'not a date' };
    const out = policy.observeAlerts('prod', [...old, justBefore, after, garbled]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.kind, 'summary');
    assert.deepEqual([...out[0]!.fingerprints].sort(), ['after', 'grace']);
    assert.equal(policy.status().criticalCount, 43, 'baselined alerts still count for the tray');
    clock.advance(10_000);
    assert.deepEqual(policy.observeAlerts('prod', [...old, justBefore, after, garbled]), []);
  });

  it('honours a configured grace', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const policy = createNotificationPolicy({ ...DEFAULT_NOTIFICATION_CONFIG, baselineGraceMs: 10 * MIN }, clock);
    const out = policy.observeAlerts('prod', [mkAlert(clock, 'a', { startsAt: start - 9 * MIN }), mkAlert(clock, 'b', { startsAt: start - 11 * MIN })]);
    assert.deepEqual(fps(out), ['a']);
  });

  it('after markResync, known alerts stay quiet and only new fingerprints notify, as one summary', () => {
    const build = () => {
      const { clock, policy } = setup();
      const known = Array.from({ length: 20 }, (_, i) => mkAlert(clock, `k${i}`));
      policy.observeAlerts('prod', known); // one summary, handled
      clock.advance(MIN);
      policy.observeAlerts('prod', known.slice(0, 10)); // half resolved just before the lid closed
      clock.advance(3 * HOUR); // asleep
      const fresh = [mkAlert(clock, 'n1'), mkAlert(clock, 'n2'), mkAlert(clock, 'n3')];
      return { policy, afterWake: [...known, ...fresh] };
    };

    const control = build();
    const storm = control.policy.observeAlerts('prod', control.afterWake);
    assert.equal(storm[0]!.fingerprints.length, 13, 'without markResync the refired known alerts would all count as new');

    const { policy, afterWake } = build();
    policy.markResync();
    const out = policy.observeAlerts('prod', afterWake);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.kind, 'summary');
    assert.deepEqual([...out[0]!.fingerprints].sort(), ['n1', 'n2', 'n3']);
    assert.equal(out[0]!.title, '3 new critical alerts');
  });

  it('markResync is consumed by one observation', () => {
    const { clock, policy } = setup();
    const a = mkAlert(clock, 'a');
    policy.observeAlerts('prod', [a]);
    policy.observeAlerts('prod', []);
    policy.markResync();
    clock.advance(HOUR);
    assert.deepEqual(policy.observeAlerts('prod', [a]), [], 'baseline for the known fingerprint');
    policy.observeAlerts('prod', []);
    clock.advance(HOUR);
    assert.deepEqual(fps(policy.observeAlerts('prod', [a])), ['a'], 'the following observations are normal again');
  });

  it('after markResync a failed first health poll does not announce a source down; a second one does', () => {
    const { policy } = setup();
    policy.observeHealth([mkSource('alertmanager', 'am', 'ok')]);
    policy.markResync();
    assert.deepEqual(policy.observeHealth([mkSource('alertmanager', 'am', 'unreachable')]), []);
    assert.equal(policy.status().worstState, 'disconnected', 'the tray still tells the truth');
    assert.deepEqual(kinds(policy.observeHealth([mkSource('alertmanager', 'am', 'unreachable')])), ['source-down']);
  });

  it('keeps state per environment: switching does not re-announce, and a first look at an environment is a baseline', () => {
    const { clock, policy } = setup();
    const prodA = mkAlert(clock, 'pa');
    assert.deepEqual(fps(policy.observeAlerts('prod', [prodA])), ['pa']);
    clock.advance(2 * HOUR);

    const stageOld = mkAlert(clock, 'so', { startsAt: clock.now() - HOUR });
    const stageNew = mkAlert(clock, 'sn', { startsAt: clock.now() - 10_000 });
    assert.deepEqual(fps(policy.observeAlerts('staging', [stageOld, stageNew])), ['sn'], 'first look at staging');
    assert.equal(policy.status().criticalCount, 2, 'status follows the current environment');

    clock.advance(HOUR);
    const prodB = mkAlert(clock, 'pb');
    const back = policy.observeAlerts('prod', [prodA, prodB]);
    assert.deepEqual(fps(back), ['pb'], 'pa was announced already in prod');
    assert.deepEqual(policy.status().criticalAlerts.map((c) => c.fingerprint).sort(), ['pa', 'pb']);
  });
});

describe('tray status', () => {
  it('moves between ok, warning, critical and disconnected', () => {
    const { clock, policy } = setup();
    const states: string[] = [];
    const snap = () => states.push(policy.status().worstState);
    snap();
    policy.observeHealth([mkSource('alertmanager', 'am', 'ok'), mkSource('prometheus', 'p', 'ok')]);
    policy.observeAlerts('prod', [mkAlert(clock, 'w', { severity: 'warning' })]);
    snap();
    policy.observeAlerts('prod', [mkAlert(clock, 'w', { severity: 'warning' }), mkAlert(clock, 'c')]);
    snap();
    policy.observeHealth([mkSource('alertmanager', 'am', 'ok'), mkSource('prometheus', 'p', 'unreachable')]);
    snap(); // Prometheus down does not hide alerts
    policy.observeHealth([mkSource('alertmanager', 'am', 'unreachable'), mkSource('prometheus', 'p', 'ok')]);
    snap();
    policy.observeHealth([mkSource('alertmanager', 'am', 'ok'), mkSource('prometheus', 'p', 'ok')]);
    snap();
    policy.observeAlerts('prod', [mkAlert(clock, 'w', { severity: 'warning', silencedBy: ['s'] }), mkAlert(clock, 'c', { silencedBy: ['s'] })]);
    snap();
    assert.deepEqual(states, ['ok', 'warning', 'critical', 'critical', 'disconnected', 'critical', 'ok']);
  });

  it('lists critical alerts newest first with a readable title', () => {
    const { clock, policy } = setup();
    const t = clock.now();
    policy.observeAlerts('prod', [
      mkAlert(clock, 'older', { alertname: 'DiskFull', instance: 'db-1', startsAt: t - MIN }),
      mkAlert(clock, 'newer', { alertname: 'HighCPU', instance: 'server-001', startsAt: t }),
      mkAlert(clock, 'warn', { severity: 'warning' }),
    ]);
    assert.deepEqual(policy.status().criticalAlerts, [
      { fingerprint: 'newer', title: 'HighCPU on server-001' },
      { fingerprint: 'older', title: 'DiskFull on db-1' },
    ]);
  });
});

describe('clock and config', () => {
  it('FakeClock only moves forward with advance', () => {
    const clock = new FakeClock(1000);
    assert.equal(clock.advance(500), 1500);
    assert.throws(() => clock.advance(-1), RangeError);
    assert.equal(clock.now(), 1500);
  });

  it('rejects a negative cooldown', () => {
    assert.throws(() => createNotificationPolicy({ ...DEFAULT_NOTIFICATION_CONFIG, cooldownMs: -1 }, new FakeClock()), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------

type Mute = 'none' | 'silenced' | 'inhibited' | 'acked';
type Op =
  | { op: 'poll'; env: 'prod' | 'staging'; alerts: { i: number; mute: Mute; ageMs: number }[] }
  | { op: 'advance'; ms: number }
  | { op: 'dnd'; minutes: number | null }
  | { op: 'tick' }
  | { op: 'resync' }
  | { op: 'health'; states: HealthState[] };

const healthState = fc.constantFrom<HealthState>('ok', 'degraded', 'auth-failed', 'unreachable', 'stale', 'pending');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('poll' as const),
      // Mostly one environment: every switch back is a resync baseline, which would hide cooldown bugs.
      env: fc.constantFrom('prod' as const, 'prod' as const, 'prod' as const, 'prod' as const, 'staging' as const),
      alerts: fc.uniqueArray(
        fc.record({ i: fc.nat(5), mute: fc.constantFrom<Mute>('none', 'none', 'silenced', 'inhibited', 'acked'), ageMs: fc.oneof(fc.nat(30_000), fc.nat(3 * HOUR)) }),
        { selector: (a) => a.i, maxLength: 6 },
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.oneof(fc.nat(2 * MIN), fc.nat(12 * MIN)) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dnd' as const), minutes: fc.option(fc.integer({ min: 1, max: 90 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('resync' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('health' as const), states: fc.array(healthState, { minLength: 2, maxLength: 2 }) }) },
);

describe('properties', () => {
  it('never notifies a fingerprint twice within the cooldown or while it keeps firing, and never during DND', () => {
    // Coverage of the generated histories, so the property cannot pass by never reaching the interesting cases.
    const seen = { renotified: 0, refiredWithinCooldown: 0, pollsDuringDnd: 0, dndSummaries: 0 };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('critical', 'warning', 'info'), { minLength: 6, maxLength: 6 }),
        fc.constantFrom(0, MIN, 5 * MIN),
        fc.array(opArb, { minLength: 20, maxLength: 80, size: "max" }),
        (severities, cooldownMs, ops) => {
          const clock = new FakeClock();
          const policy = createNotificationPolicy({ severities: ['critical'], cooldownMs, sound: true }, clock);
          let dndUntil: number | null = null;
          let lastEnv: string | null = null;
          let lastEligible = 0;
          // Per environment + fingerprint: when it last notified, and the first observation without it since.
          const lastNotified = new Map<string, number>();
          const firstAbsentSince = new Map<string, number>();

          for (const step of ops) {
            const now = clock.now();
            const dndOn = dndUntil !== null && now < dndUntil;
            let out: Notification[] = [];
            switch (step.op) {
              case 'advance':
                clock.advance(step.ms);
                continue;
              case 'tick':
                out = policy.tick();
                break;
              case 'resync':
                policy.markResync();
                continue;
              case 'health':
                out = policy.observeHealth(step.states.map((s, i) => mkSource(i === 0 ? 'alertmanager' : 'prometheus', `s${i}`, s)));
                break;
              case 'dnd': {
                const until = step.minutes === null ? null : now + step.minutes * MIN;
                out = policy.setDoNotDisturb(until);
                // Extending a running DND is silent (one that has just run out may still hand in its summary).
                if (until !== null && dndOn) assert.deepEqual(out, [], 'extending DND is silent');
                dndUntil = until;
                break;
              }
              case 'poll': {
                const alerts = step.alerts.map(({ i, mute, ageMs }) =>
                  mkAlert(clock, `fp${i}`, {
                    severity: severities[i]!,
                    startsAt: now - ageMs,
                    silencedBy: mute === 'silenced' ? ['s'] : [],
                    inhibitedBy: mute === 'inhibited' ? ['i'] : [],
                  }),
                );
                const acked = new Set(step.alerts.filter((a) => a.mute === 'acked').map((a) => `fp${a.i}`));
                const eligible = new Set(step.alerts.filter((a) => a.mute === 'none' && severities[a.i] === 'critical').map((a) => `fp${a.i}`));
                out = policy.observeAlerts(step.env, alerts, acked);

                if (dndOn) seen.pollsDuringDnd++;
                const present = new Set(alerts.map((a) => a.fingerprint));
                for (const fp of eligible) {
                  const gapStart = firstAbsentSince.get(`${step.env}/${fp}`);
                  if (gapStart !== undefined && now - gapStart < cooldownMs) seen.refiredWithinCooldown++;
                }
                for (let i = 0; i < 6; i++) {
                  const key = `${step.env}/fp${i}`;
                  if (!present.has(`fp${i}`) && lastNotified.has(key) && !firstAbsentSince.has(key)) firstAbsentSince.set(key, now);
                }
                const notified = out.filter((n) => n.kind === 'alert' || n.kind === 'summary').flatMap((n) => n.fingerprints);
                assert.equal(new Set(notified).size, notified.length, 'a fingerprint appears once per poll');
                for (const fp of notified) {
                  assert.ok(eligible.has(fp), `${fp} notified but not eligible`);
                  const key = `${step.env}/${fp}`;
                  const prev = lastNotified.get(key);
                  if (prev !== undefined) {
                    const gapStart = firstAbsentSince.get(key);
                    assert.ok(gapStart !== undefined, `${key} notified twice while continuously firing`);
                    assert.ok(now - gapStart >= cooldownMs, `${key} re-notified ${now - gapStart} ms after resolving`);
                    assert.ok(now - prev >= cooldownMs);
                    seen.renotified++;
                  }
                  lastNotified.set(key, now);
                  firstAbsentSince.delete(key);
                }
                lastEnv = step.env;
                lastEligible = eligible.size;
                break;
              }
            }
            seen.dndSummaries += out.filter((n) => n.kind === 'dnd-summary').length;
            if (dndOn && step.op !== 'dnd') assert.deepEqual(out, [], `${step.op} emitted during DND`);
            if (step.op !== 'poll') assert.ok(out.every((n) => n.kind !== 'alert' && n.kind !== 'summary'));
            assert.ok(out.every((n) => !n.sound || n.severity === 'critical'));
            if (lastEnv !== null) assert.equal(policy.status().criticalCount, lastEligible);
            assert.equal(policy.status().dndUntil, dndUntil !== null && clock.now() < dndUntil ? dndUntil : null);
          }
        },
      ),
      { numRuns: 400 },
    );
    assert.ok(seen.renotified > 20, `re-notifications after a cooldown exercised: ${seen.renotified}`);
    assert.ok(seen.refiredWithinCooldown > 20, `refires within the cooldown exercised: ${seen.refiredWithinCooldown}`);
    assert.ok(seen.pollsDuringDnd > 200, `polls during DND exercised: ${seen.pollsDuringDnd}`);
    assert.ok(seen.dndSummaries > 20, `DND summaries exercised: ${seen.dndSummaries}`);
  });
});
