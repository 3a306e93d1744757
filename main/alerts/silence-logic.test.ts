import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView } from '../../preload/contract';
import type { GettableSilence } from '../clients/alertmanager';
import { ackComment, ackMatchers, applyAcks, clustersFromStatus, extendedEnd, extensionProblem, mergeSilences, parseExtension, parseSilenceDuration, previewMatches } from './silence-logic';
import { diffAlerts } from './alert-merge';
import { pendingFromPrometheus } from './pending';

function alert(fp: string, labels: Record<string, string>, silencedBy: string[] = []): AlertView {
  return { fingerprint: fp, labels, annotations: {}, startsAt: '2026-01-01T00:00:00Z', updatedAt: '', endsAt: '', generatorURL: '', state: silencedBy.length ? 'suppressed' : 'active', silencedBy, inhibitedBy: [], receivers: [], alertmanagers: ['am1'] };
}

function silence(id: string, labels: Record<string, string>, comment: string, extra: Partial<GettableSilence> = {}): GettableSilence {
  return { id, matchers: ackMatchers(labels), startsAt: '2026-01-01T00:05:00Z', endsAt: '2026-01-01T00:20:00Z', updatedAt: '2026-01-01T00:05:00Z', createdBy: 'alice', comment, status: { state: 'active' }, ...extra };
}

test('ACK matchers are every label, exact, sorted; the comment starts with ACK!', () => {
  assert.deepEqual(ackMatchers({ severity: 'critical', alertname: 'X' }), [
    { name: 'alertname', value: 'X', isRegex: false, isEqual: true },
    { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
  ]);
  assert.equal(ackComment('alice'), 'ACK! acknowledged in Ops Console by alice');
});

test('replicas holding the same silence id merge into one silence naming both', () => {
  const s = silence('s1', { a: 'b' }, 'maintenance');
  const merged = mergeSilences([
    { source: 'am1', silences: [s] },
    { source: 'am2', silences: [s, silence('s2', { a: 'c' }, 'ACK! x', { status: { state: 'expired' } })] },
  ]);
  assert.deepEqual(merged.map((m) => [m.id, m.alertmanagers, m.isAck, m.state]), [
    ['s1', ['am1', 'am2'], false, 'active'],
    ['s2', ['am2'], true, 'expired'],
  ]);
});

test('an active ACK! silence acknowledges the alerts it covers, via silencedBy or by matching labels', () => {
  const labels = { alertname: 'HighCPU', instance: 'a' };
  const alerts = new Map([
    ['f1', alert('f1', labels, ['ack1'])],
    ['f2', alert('f2', { alertname: 'HighCPU', instance: 'b' })],
    ['f3', alert('f3', { alertname: 'Disk', instance: 'a' }, ['maint'])],
  ]);
  const silences = mergeSilences([{ source: 'am1', silences: [silence('ack1', labels, ackComment('alice')), silence('ack2', { alertname: 'HighCPU', instance: 'b' }, 'ACK! by karma'), silence('maint', { alertname: 'Disk', instance: 'a' }, 'maintenance')] }]);
  const out = applyAcks(alerts, silences);
  assert.equal(out.get('f1')?.ack?.by, 'alice');
  assert.deepEqual(out.get('f1')?.ack?.silenceIds, ['ack1']);
  assert.equal(out.get('f1')?.ack?.at, Date.parse('2026-01-01T00:05:00Z'));
  assert.equal(out.get('f2')?.ack?.comment, 'ACK! by karma', 'matched by labels before Alertmanager marks it silenced');
  assert.equal(out.get('f3')?.ack ?? null, null, 'a plain silence is not an acknowledgement');
  const { upserted } = diffAlerts(alerts, out);
  assert.deepEqual(upserted.map((a) => a.fingerprint).sort(), ['f1', 'f2'], 'only alerts whose acknowledgement changed are sent');
  const again = applyAcks(out, silences);
  assert.equal(again.get('f1'), out.get('f1'), 'unchanged alerts keep their identity');
  assert.deepEqual(diffAlerts(out, again).upserted, []);
});

test('expired ACK silences do not acknowledge', () => {
  const labels = { alertname: 'X' };
  const out = applyAcks(new Map([['f', alert('f', labels)]]), mergeSilences([{ source: 'am', silences: [silence('s', labels, 'ACK!', { status: { state: 'expired' } })] }]));
  assert.equal(out.get('f')?.ack ?? null, null);
});

test('clusters from status peer lists; unknown or standalone Alertmanagers are their own cluster', () => {
  const peers = new Map<string, string[] | null>([
    ['am1', ['p1', 'p2']],
    ['am2', ['p2', 'p1']],
    ['am3', null],
  ]);
  assert.deepEqual(clustersFromStatus(['am1', 'am2', 'am3', 'am4'], peers), [
    { name: 'am1+am2', members: ['am1', 'am2'] },
    { name: 'am3', members: ['am3'] },
    { name: 'am4', members: ['am4'] },
  ]);
});

test('preview counts alerts a silence would match', () => {
  const alerts = [alert('1', { instance: 'server-1' }), alert('2', { instance: 'server-2' }), alert('3', { instance: 'db-1' })];
  assert.equal(previewMatches(alerts, [{ name: 'instance', value: 'server-.*', isRegex: true, isEqual: true }]).length, 2);
  assert.equal(previewMatches(alerts, [{ name: 'instance', value: 'server-.*', isRegex: true, isEqual: false }]).length, 1);
});

test('pending alerts get the time until they fire from the rule `for`', () => {
  const out = pendingFromPrometheus([
    {
      source: 'prom1',
      alerts: [
        { labels: { alertname: 'Slow', severity: 'warning' }, annotations: {}, state: 'pending', activeAt: '2026-01-01T00:00:00Z', value: '1' },
        { labels: { alertname: 'Slow', severity: 'critical' }, annotations: {}, state: 'pending', activeAt: '2026-01-01T00:00:00Z', value: '2' },
        { labels: { alertname: 'Firing' }, annotations: {}, state: 'firing', activeAt: '2026-01-01T00:00:00Z' },
      ],
      groups: [{ name: 'g', rules: [
        { name: 'Slow', type: 'alerting', duration: 600, labels: { severity: 'warning' } },
        { name: 'Slow', type: 'alerting', duration: 60, labels: { severity: 'critical' } },
      ] }],
    },
    { source: 'prom2', alerts: [{ labels: { alertname: 'Slow', severity: 'warning' }, annotations: {}, state: 'pending', activeAt: '2026-01-01T00:00:00Z' }], groups: [] },
  ]);
  assert.equal(out.length, 2);
  assert.equal(out[0]?.labels.severity, 'critical', 'soonest to fire first');
  assert.equal(out[0]?.firesAt, Date.parse('2026-01-01T00:01:00Z'));
  assert.equal(out[1]?.forSeconds, 600);
  assert.deepEqual(out[1]?.prometheus, ['prom1', 'prom2']);
});

describe('extending a silence', () => {
  const NOW = Date.UTC(2025, 0, 15, 9, 0, 0);
  const H = 3_600_000;

  it('reads durations the way Alertmanager and amtool write them', () => {
    const ok = (t: string) => {
      const r = parseSilenceDuration(t);
      assert.ok(r.ok, `${t}: ${r.ok ? '' : r.error}`);
      return r.value;
    };
    assert.equal(ok('90m'), 90 * 60_000);
    assert.equal(ok('2h30m'), 2.5 * H);
    assert.equal(ok('1d'), 24 * H);
    assert.equal(ok(' 1W 2d '), 9 * 24 * H);
    assert.equal(ok('1h 30m'), 1.5 * H);
    assert.equal(ok('1.5h'), 1.5 * H);
  });

  it('names what is wrong with a bad duration', () => {
    const err = (t: string) => {
      const r = parseSilenceDuration(t);
      assert.ok(!r.ok, `${t} should be refused`);
      return r.error;
    };
    assert.match(err(''), /Type a duration like 90m/);
    assert.match(err('90'), /"90": 90 has no unit; use w, d, h, m or s/);
    assert.match(err('2h30'), /30 has no unit/);
    assert.match(err('3x'), /unknown unit "x"/);
    assert.match(err('2 hours'), /unknown unit "hours"/);
    assert.match(err('soon'), /"soon" is not a duration/);
    assert.match(err('-1h'), /"-1h" is not a duration/);
    assert.match(err('30s'), /shorter than a minute/);
    assert.match(err('400d'), /longer than a year/);
  });

  it('adds a step to the current end, or to now when that has passed', () => {
    assert.equal(extendedEnd(NOW + H, 4 * H, NOW), NOW + 5 * H);
    assert.equal(extendedEnd(NOW - H, H, NOW), NOW + H);
    assert.equal(extendedEnd(Number.NaN, H, NOW), NOW + H);
  });

  it('takes a duration or an end time in the extend box', () => {
    const end = NOW + H;
    assert.deepEqual(parseExtension('2h30m', end, NOW), { ok: true, value: end + 2.5 * H });
    assert.deepEqual(parseExtension('+1d', end, NOW), { ok: true, value: end + 24 * H });
    assert.deepEqual(parseExtension('2025-01-16T08:00:00Z', end, NOW), { ok: true, value: Date.UTC(2025, 0, 16, 8) });
    const local = parseExtension('2025-01-16 08:00', end, NOW);
    assert.deepEqual(local, { ok: true, value: new Date(2025, 0, 16, 8, 0).getTime() }, 'a time without a zone is local');
    const past = parseExtension('2025-01-15T08:00:00Z', end, NOW);
    assert.ok(!past.ok && /is in the past/.test(past.error), JSON.stringify(past));
    const before = parseExtension('2025-01-15T09:30:00Z', end, NOW);
    assert.ok(!before.ok && /not after the silence's current end 2025-01-15T10:00:00Z; to end it sooner, expire it/.test(before.error), JSON.stringify(before));
    const bad = parseExtension('2025-13-45 99:00', end, NOW);
    assert.ok(!bad.ok && /not a date and time; write it as YYYY-MM-DD HH:MM/.test(bad.error), JSON.stringify(bad));
    const empty = parseExtension('  ', end, NOW);
    assert.ok(!empty.ok && /Type a duration/.test(empty.error));
  });

  it('refuses an end in the past or not after the current end, with both times in the message', () => {
    assert.equal(extensionProblem(NOW + H, NOW + 2 * H, NOW), null);
    assert.equal(extensionProblem(NOW - H, NOW + 1, NOW), null, 'an expired silence may be given a future end');
    assert.equal(extensionProblem(NOW + H, NOW - 1, NOW), 'the new end 2025-01-15T08:59:59.999Z is in the past (it is now 2025-01-15T09:00:00Z)');
    assert.equal(
      extensionProblem(NOW + H, NOW + H, NOW),
      "the new end 2025-01-15T10:00:00Z is not after the silence's current end 2025-01-15T10:00:00Z; to end it sooner, expire it",
    );
    assert.equal(extensionProblem(NOW + H, Number.NaN, NOW), 'the new end is not a time');
  });
});
