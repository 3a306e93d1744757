/**
 * Incidents against a REAL Alertmanager through the whole console (createConsole): declare from
 * alerts, acknowledge one through the alerts feature and see it on the timeline, silence one, let an
 * alert resolve (posted with an end in the past) and see that too; export and import round-trip.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, stopAll, waitUntil, type RunningServer } from '../support/real-servers';
import { AlertmanagerClient } from '../../main/clients/alertmanager';
import { createHttpClient } from '../../main/clients/http';
import { parseConfig } from '../../main/config/load';
import { createConsole } from '../../main/core/create-console';
import type { ConsoleCore } from '../../main/core/console-core';
import type { ConsoleFeatures } from '../../main/core/create-console';
import type { ExportedFile, ImportedIncidentReview, IncidentDetail, RequestName, SilenceResult } from '../../preload/contract';

async function call<T>(core: ConsoleCore, name: RequestName, args: unknown): Promise<T> {
  const res = await core.invoke(name, args);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.result as T;
}

describe('incidents on a real Alertmanager', () => {
  let am: RunningServer;
  let client: AlertmanagerClient;
  let core: ConsoleCore;
  let features: ConsoleFeatures;
  let dataDir: string;
  const cpu = { alertname: 'HighCPUUsage', instance: 'web-1:9100', severity: 'critical', job: 'node' };
  const disk = { alertname: 'DiskSpaceLow', instance: 'web-1:9100', severity: 'warning', job: 'node' };
  const other = { alertname: 'MemoryHigh', instance: 'db-9:9100', severity: 'warning', job: 'node' };
  let incidentId = '';

  before(async () => {
    am = await startAlertmanager();
    client = new AlertmanagerClient(createHttpClient({ name: 'test', url: am.url }));
    await client.postAlerts([
      { labels: cpu, annotations: { summary: 'CPU above 95% on web-1' } },
      { labels: disk, annotations: { summary: 'Disk 93% full on web-1' } },
      { labels: other, annotations: { summary: 'Memory 91% on db-9' } },
    ]);
    dataDir = mkdtempSync(join(tmpdir(), 'ops-console-incidents-it-'));
    const config = parseConfig(JSON.stringify({ environments: [{ name: 'prod', alertmanager: [{ name: 'am', url: am.url }] }], polling: { alertmanagerMs: 500 }, user: 'alice' }));
    ({ core, features } = createConsole({ config, host: { kind: 'browser', dataDir, openExternal: async () => false } }));
    await core.start();
    await waitUntil('three alerts', () => features.alerts.current().size === 3, 20_000, 100);
    await features.incidents.ready;
  });

  after(async () => {
    await core?.shutdown();
    await stopAll();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const fpOf = (labels: Record<string, string>) => [...features.alerts.current().values()].find((a) => a.labels.alertname === labels.alertname)!.fingerprint;

  test('declare from two alerts: their labels are snapshotted, severity and title come from them', async () => {
    const d = await call<IncidentDetail>(core, 'incidents.declare', { fromAlerts: [fpOf(cpu), fpOf(disk)] });
    incidentId = d.incident.id;
    assert.equal(d.incident.severity, 'critical');
    assert.equal(d.incident.title, 'CPU above 95% on web-1');
    assert.equal(d.incident.environment, 'prod');
    assert.equal(d.incident.commander, 'alice');
    assert.deepEqual(d.incident.instances, ['web-1:9100']);
    assert.deepEqual(d.incident.linkedAlerts.map((a) => a.snapshot.labels.alertname).sort(), ['DiskSpaceLow', 'HighCPUUsage']);
    assert.ok(d.timeline.some((e) => e.kind === 'declared'));
  });

  test('acknowledging a linked alert through the alerts feature puts it on the timeline; an unrelated one does not', async () => {
    const r = await call<SilenceResult>(core, 'alerts.acknowledge', { fingerprints: [fpOf(cpu)] });
    assert.equal(r.silenceIds.length, 1);
    await call<SilenceResult>(core, 'alerts.acknowledge', { fingerprints: [fpOf(other)] });
    const d = await call<IncidentDetail>(core, 'incidents.get', { id: incidentId });
    const acks = d.timeline.filter((e) => e.kind === 'ack');
    assert.equal(acks.length, 1);
    assert.match(acks[0]!.text, /HighCPUUsage/);
    assert.equal(acks[0]!.author, 'alice');
    assert.ok(d.incident.milestones.respondedAt !== undefined, 'an ack counts as the response');
  });

  test('a silence created in the console covering a linked alert is recorded', async () => {
    await call<SilenceResult>(core, 'alerts.silences.create', {
      matchers: [{ name: 'alertname', value: 'DiskSpaceLow', isRegex: false, isEqual: true }],
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'cleaning up old logs',
      createdBy: 'alice',
    });
    const d = await call<IncidentDetail>(core, 'incidents.get', { id: incidentId });
    const s = d.timeline.find((e) => e.kind === 'silence');
    assert.ok(s, d.timeline.map((e) => e.kind).join());
    assert.match(s.text, /DiskSpaceLow/);
    assert.match(s.text, /cleaning up old logs/);
  });

  test('a linked alert resolving in Alertmanager is recorded on the timeline', async () => {
    const now = Date.now();
    await client.postAlerts([{ labels: disk, annotations: { summary: 'Disk 93% full on web-1' }, startsAt: new Date(now - 600_000).toISOString(), endsAt: new Date(now - 1000).toISOString() }]);
    const d = await waitUntil(
      'the resolved entry',
      async () => {
        const x = await call<IncidentDetail>(core, 'incidents.get', { id: incidentId });
        return x.timeline.some((e) => e.kind === 'alert-resolved') ? x : null;
      },
      20_000,
      200,
    );
    const resolved = d.timeline.find((e) => e.kind === 'alert-resolved')!;
    assert.match(resolved.text, /RESOLVED: .*DiskSpaceLow/);
    assert.equal(d.incident.linkedAlerts.find((a) => a.snapshot.labels.alertname === 'DiskSpaceLow')?.firing, false);
  });

  test('the export round-trips through import with the same timeline, and carries no secrets', async () => {
    await call(core, 'incidents.postMessage', { incidentId, templateId: null, text: 'Investigating high CPU on web-1. Token: Bearer abcdefghijklmnopqrstuvwxyz0123456789' });
    const f = await call<ExportedFile>(core, 'incidents.export', { id: incidentId, format: 'json' });
    const doc = JSON.parse(f.content) as { format: string; version: number };
    assert.equal(doc.format, 'ops-console.incident');
    assert.equal(doc.version, 1);
    assert.doesNotMatch(f.content, /abcdefghijklmnopqrstuvwxyz0123456789/);
    const review = await call<ImportedIncidentReview>(core, 'incidents.import', { content: f.content, fileName: f.fileName });
    const live = await call<IncidentDetail>(core, 'incidents.get', { id: incidentId });
    assert.deepEqual(
      review.timeline.map((e) => [e.kind, e.at]),
      live.timeline.map((e) => [e.kind, e.at]),
    );
    assert.equal(review.readOnly, true);
  });
});
