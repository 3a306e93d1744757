import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertView } from '../../../../preload/contract';
import { computeInbox, labelNames, parseFilter, prefillMatchers, safeHttpUrl } from './inbox-model';
import { applyAlertsUpdate } from '../../store/alerts-store';

function alert(fp: string, labels: Record<string, string>, extra: Partial<AlertView> = {}): AlertView {
  return { fingerprint: fp, labels, annotations: {}, startsAt: '2026-01-01T00:00:00Z', updatedAt: '', endsAt: '', generatorURL: '', state: 'active', silencedBy: [], inhibitedBy: [], receivers: [], alertmanagers: ['am'], ...extra };
}

const alerts = new Map([
  ['1', alert('1', { alertname: 'CPU', instance: 'server-1', severity: 'critical', team: 'infra' })],
  ['2', alert('2', { alertname: 'CPU', instance: 'server-2', severity: 'warning', team: 'infra' }, { ack: { by: 'al', at: 1, endsAt: 2, silenceIds: ['s'], comment: 'ACK!' }, silencedBy: ['s'] })],
  ['3', alert('3', { alertname: 'Disk', instance: 'db-1', severity: 'warning', team: 'storage' }, { silencedBy: ['m'] })],
]);

test('state toggles and filter: counts per state before the toggles, rows after', () => {
  const f = parseFilter('');
  assert.ok(f.ok);
  if (!f.ok) return;
  const view = computeInbox(alerts, f.filter, new Set(['active', 'acknowledged']), 'alertname', new Set());
  assert.deepEqual(view.stateCounts, { active: 1, acknowledged: 1, silenced: 1, inhibited: 0 });
  assert.equal(view.shown, 2);
  assert.deepEqual(view.rows.toArray().map((r) => (r.kind === 'group' ? `g:${r.group.value}` : r.alert.fingerprint)), ['g:CPU', '1', '2']);
  const g = parseFilter('instance=~"server-.*" team="infra" server');
  assert.ok(g.ok);
  if (g.ok) assert.equal(computeInbox(alerts, g.filter, new Set(['active', 'acknowledged', 'silenced', 'inhibited']), null, new Set()).shown, 2);
});

test('silence editor prefill: all labels of one alert, the shared labels of a group, alertname first', () => {
  assert.deepEqual(prefillMatchers([alerts.get('1')!]).map((m) => m.name), ['alertname', 'instance', 'severity', 'team']);
  assert.deepEqual(prefillMatchers([alerts.get('1')!, alerts.get('2')!]).map((m) => `${m.name}=${m.value}`), ['alertname=CPU', 'team=infra']);
  assert.deepEqual(labelNames(alerts), ['alertname', 'instance', 'severity', 'team']);
});

test('links: only http and https', () => {
  assert.equal(safeHttpUrl('https://runbooks.example.com/x'), 'https://runbooks.example.com/x');
  assert.equal(safeHttpUrl('javascript:alert(1)'), null);
  assert.equal(safeHttpUrl('file:///etc/passwd'), null);
  assert.equal(safeHttpUrl('not a url'), null);
});

test('the store applies diffs in order and asks for a snapshot on a gap', () => {
  const base = { seq: 1, environment: 'prod', byFingerprint: new Map(alerts) };
  const next = applyAlertsUpdate(base, { kind: 'diff', seq: 2, environment: 'prod', upserted: [alert('4', { alertname: 'New' })], removed: ['3'] });
  assert.deepEqual([...next.byFingerprint!.keys()].sort(), ['1', '2', '4']);
  assert.deepEqual(applyAlertsUpdate(base, { kind: 'diff', seq: 5, environment: 'prod', upserted: [], removed: [] }), { needsResync: true });
});
