/**
 * The test harness itself against the real binaries: Prometheus scrapes the real node_exporter and the
 * synthetic fleet (both scrape modes, honor_labels), the demo rules load and evaluate, alerts reach a
 * two-replica Alertmanager cluster, and startDemoStack() wires everything together.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AlertmanagerClient } from '../../main/clients/alertmanager';
import { createHttpClient, type HttpClient } from '../../main/clients/http';
import { PrometheusClient } from '../../main/clients/prometheus';
import { DEMO_ALERTMANAGER_CONFIG_FILE, DEMO_RULES_FILE, startDemoStack, type DemoStack } from '../support/demo-stack';
import { startAlertmanager, startNodeExporter, startPrometheus, stopAll, waitUntil, type RunningServer } from '../support/real-servers';
import { startSyntheticExporter, syntheticScrapeConfig, type SyntheticExporter } from '../support/synthetic-exporter';

const DOWN = 'server-007:9100';
let nodeExporter: RunningServer;
let fleet: SyntheticExporter;
let aggregate: SyntheticExporter;
let amA: RunningServer & { clusterAddress: string | null };
let amB: RunningServer & { clusterAddress: string | null };
let prom: RunningServer;
let demo: DemoStack;
let promClient: PrometheusClient;
const https: HttpClient[] = [];

function httpClient(url: string): HttpClient {
  const c = createHttpClient({ name: 'test', url });
  https.push(c);
  return c;
}

const value = async (q: string): Promise<number | undefined> => (await promClient.query(q))[0]?.value;

before(async () => {
  const amConfig = readFileSync(DEMO_ALERTMANAGER_CONFIG_FILE, 'utf8');
  [nodeExporter, fleet, aggregate, amA, demo] = await Promise.all([
    startNodeExporter(),
    startSyntheticExporter({ instances: 50, seed: 7 }),
    startSyntheticExporter({ instances: 10, prefix: 'agg-', seed: 3 }),
    startAlertmanager({ configYaml: amConfig, clusterListen: true }),
    startDemoStack({ syntheticInstances: 5 }),
  ]);
  amB = await startAlertmanager({ configYaml: amConfig, clusterPeers: [amA.clusterAddress!] });
  fleet.setDown(DOWN, true);
  prom = await startPrometheus({
    scrapeConfigs: [
      { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${nodeExporter.port}`] }] },
      syntheticScrapeConfig(fleet),
      syntheticScrapeConfig(aggregate, { mode: 'aggregate', jobName: 'node-synthetic-aggregate' }),
    ],
    ruleFiles: [DEMO_RULES_FILE],
    alertmanagerUrls: [amA.url, amB.url],
  });
  promClient = new PrometheusClient(httpClient(prom.url));
});

after(async () => {
  await Promise.allSettled(https.map((c) => c.close()));
  await Promise.allSettled([fleet?.stop(), aggregate?.stop(), demo?.stop()]);
  await stopAll();
});

describe('Prometheus with real and synthetic exporters', () => {
  test('scrapes the real node_exporter as job "node"', async () => {
    const instance = `127.0.0.1:${nodeExporter.port}`;
    await waitUntil('up{job="node"} == 1 for the real node_exporter', async () => (await value(`up{job="node",instance="${instance}"}`)) === 1, 12_000);
    const cpus = await promClient.query(`count(node_cpu_seconds_total{instance="${instance}",mode="idle"})`);
    assert.ok((cpus[0]?.value ?? 0) >= 1, 'node_cpu_seconds_total from the real exporter');
    const mem = await value(`node_memory_MemTotal_bytes{instance="${instance}"}`);
    assert.ok(mem !== undefined && mem > 0);
  });

  test('the 50 synthetic instances each have `up` and their own node_load1 (honor_labels)', async () => {
    await waitUntil('50 synthetic targets', async () => (await value('count(up{job="node",instance=~"server-.*"})')) === 50, 12_000);
    await waitUntil('49 healthy synthetic targets', async () => (await value('count(up{job="node",instance=~"server-.*"} == 1)')) === 49);
    assert.equal(await value(`up{instance="${DOWN}"}`), 0, 'a host set down answers 503, so its up is 0');

    const loads = await waitUntil('node_load1 of 49 hosts', async () => {
      const r = await promClient.query('node_load1{instance=~"server-.*"}');
      return r.length === 49 ? r : undefined;
    });
    for (const s of loads) {
      assert.equal(s.metric.job, 'node');
      assert.match(s.metric.instance ?? '', /^server-\d{3}:9100$/);
      assert.ok(Math.abs(s.value - fleet.profile(s.metric.instance!).load1) < 0.001, `load of ${s.metric.instance}`);
    }
    assert.ok(!loads.some((s) => s.metric.instance === DOWN));

    const critMem = fleet.anomalies.memoryCritical[0]!;
    const mem = await value(`(1 - (node_memory_MemAvailable_bytes{instance="${critMem}"} / node_memory_MemTotal_bytes{instance="${critMem}"})) * 100`);
    assert.ok(mem !== undefined && mem > 95 && Math.abs(mem - fleet.profile(critMem).memoryPercent) < 0.01, `memory of ${critMem}: ${mem}`);
    const critDisk = fleet.anomalies.diskCritical[0]!;
    const disk = await value(`(1 - node_filesystem_avail_bytes{instance="${critDisk}",mountpoint="/"} / node_filesystem_size_bytes{instance="${critDisk}",mountpoint="/"}) * 100`);
    assert.ok(disk !== undefined && disk > 90, `disk of ${critDisk}: ${disk}`);
  });

  test('aggregate scrape: one target, honor_labels keeps instance and job; down hosts vanish', async () => {
    await waitUntil('10 aggregate hosts', async () => (await value('count(node_load1{instance=~"agg-.*"})')) === 10, 12_000);
    const jobs = new Set((await promClient.query('node_load1{instance=~"agg-.*"}')).map((s) => s.metric.job));
    assert.deepEqual([...jobs], ['node']);
    assert.equal(await value('count(up{job="node-synthetic-aggregate"})'), 1);
    aggregate.setDown('agg-003', true);
    await waitUntil('synthetic_instance_up 0', async () => (await value('synthetic_instance_up{instance="agg-003:9100"}')) === 0, 8_000);
    await waitUntil('agg-003 series to go stale', async () => (await promClient.query('node_load1{instance="agg-003:9100"}')).length === 0, 8_000);
  });

  test('the demo rules load and evaluate without errors', async () => {
    const groups = await promClient.rules();
    assert.deepEqual(groups.map((g) => g.name).sort(), ['node-availability', 'node-capacity', 'node-resources']);
    const names = new Set(groups.flatMap((g) => g.rules.map((r) => r.name)));
    for (const n of ['HighCPUUsage', 'HighMemoryUsage', 'DiskSpaceLow', 'InstanceDown', 'HighLoadAverage', 'HighNetworkTraffic', 'SustainedHighCPU', 'HighCapacityUsage']) {
      assert.ok(names.has(n), `rule ${n}`);
    }
    const raw = await waitUntil('every rule evaluated', async () => {
      const res = await fetch(`${prom.url}/api/v1/rules`);
      const body = (await res.json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] } };
      const rules = body.data.groups.flatMap((g) => g.rules);
      return rules.every((r) => r.health !== 'unknown') ? rules : undefined;
    });
    for (const r of raw) {
      assert.equal(r.health, 'ok', `${r.name}: ${r.lastError ?? ''}`);
      assert.match(r.labels?.severity ?? '', /^(critical|warning|info)$/, r.name);
      assert.ok(r.labels?.team && r.labels.service, `${r.name} has team and service`);
      assert.ok(r.annotations?.summary && r.annotations.description && r.annotations.runbook_url, `${r.name} has annotations`);
    }
    const hot = fleet.anomalies.memoryCritical.filter((i) => i !== DOWN);
    assert.ok(hot.length > 0);
    // Each synthetic host is its own scrape target, first scraped at its own moment: wait for all of them.
    let pending: Awaited<ReturnType<typeof promClient.ruleAlerts>> = [];
    await waitUntil('pending HighCapacityUsage for every memory-critical host', async () => {
      const alerts = await promClient.ruleAlerts();
      pending = alerts.filter((a) => a.state === 'pending' && a.labels.alertname === 'HighCapacityUsage');
      return hot.every((i) => pending.some((a) => a.labels.instance === i));
    }).catch(() => undefined);
    assert.ok(
      hot.every((i) => pending.some((a) => a.labels.instance === i)),
      `pending HighCapacityUsage for ${hot.join(', ')}; got ${pending.map((a) => a.labels.instance).join(', ')}`,
    );
  });
});

describe('Alertmanager HA pair', () => {
  test('both replicas see 2 peers', async () => {
    for (const am of [amA, amB]) {
      const status = await waitUntil(`${am.url} cluster ready with 2 peers`, async () => {
        const s = await new AlertmanagerClient(httpClient(am.url)).status();
        return s.cluster.status === 'ready' && s.cluster.peers?.length === 2 ? s : undefined;
      });
      assert.deepEqual(status.cluster.peers?.map((p) => p.address).sort(), [amA.clusterAddress, amB.clusterAddress].sort());
    }
  });

  test('a silence created on replica A is gossiped to replica B', async () => {
    const a = new AlertmanagerClient(httpClient(amA.url));
    const b = new AlertmanagerClient(httpClient(amB.url));
    const id = await a.postSilence({
      matchers: [{ name: 'alertname', value: 'GossipTest', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 600_000).toISOString(),
      createdBy: 'real-servers.test',
      comment: 'replication check',
    });
    const onB = await waitUntil('the silence on replica B', async () => (await b.silences()).find((s) => s.id === id), 10_000);
    assert.equal(onB.status.state, 'active');
    await b.expireSilence(id);
    await waitUntil('the expiry on replica A', async () => (await a.silences()).find((s) => s.id === id)?.status.state === 'expired', 10_000);
  });

  test('alerts are not gossiped: posted to A only, they stay on A (Prometheus must send to every replica)', async () => {
    const a = new AlertmanagerClient(httpClient(amA.url));
    const b = new AlertmanagerClient(httpClient(amB.url));
    await a.postAlerts([{ labels: { alertname: 'OnlyOnA', instance: 'x:1', severity: 'info' } }]);
    assert.equal((await a.alerts({ filter: ['alertname="OnlyOnA"'] })).length, 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await b.alerts({ filter: ['alertname="OnlyOnA"'] })).length, 0);
  });

  test('the demo inhibit rule: critical mutes the warning of the same alertname and instance', async () => {
    const a = new AlertmanagerClient(httpClient(amA.url));
    await a.postAlerts([
      { labels: { alertname: 'InhibitTest', instance: 'h1:9100', severity: 'critical' } },
      { labels: { alertname: 'InhibitTest', instance: 'h1:9100', severity: 'warning' } },
      { labels: { alertname: 'InhibitTest', instance: 'h2:9100', severity: 'warning' } },
    ]);
    const warning = await waitUntil('the warning on h1 to be inhibited', async () =>
      (await a.alerts({ filter: ['alertname="InhibitTest"'] })).find((x) => x.labels.instance === 'h1:9100' && x.labels.severity === 'warning' && x.status.inhibitedBy.length > 0),
    );
    const all = await a.alerts({ filter: ['alertname="InhibitTest"'] });
    const critical = all.find((x) => x.labels.severity === 'critical');
    assert.deepEqual(warning.status.inhibitedBy, [critical?.fingerprint]);
    assert.equal(all.find((x) => x.labels.instance === 'h2:9100')?.status.state, 'active');
    assert.ok(critical?.receivers.some((r) => r.name === 'critical-alerts'), 'critical route');
  });

  test('InstanceDown from the demo rules reaches both replicas', async () => {
    const found = await waitUntil(
      `InstanceDown for ${DOWN} on both replicas`,
      async () => {
        const got = await Promise.all(
          [amA, amB].map(async (am) => (await new AlertmanagerClient(httpClient(am.url)).alerts({ filter: ['alertname="InstanceDown"', `instance="${DOWN}"`] }))[0]),
        );
        return got.every(Boolean) ? got : undefined;
      },
      45_000,
      500,
    );
    const [onA, onB] = found;
    assert.equal(onA?.fingerprint, onB?.fingerprint);
    assert.equal(onA?.labels.severity, 'critical');
    assert.equal(onA?.labels.team, 'devops');
    assert.match(onA?.annotations.runbook_url ?? '', /^https:\/\//);
  });
});

describe('harness', () => {
  test('restart keeps the port and data directory', async () => {
    const pid = nodeExporter.pid;
    await nodeExporter.restart();
    assert.notEqual(nodeExporter.pid, pid);
    assert.ok(nodeExporter.pid);
    const res = await fetch(`${nodeExporter.url}/metrics`);
    assert.equal(res.status, 200);
    await res.text();
  });

  test('schedIdle holds for every thread of the server', async () => {
    const am = await startAlertmanager({ schedIdle: true });
    try {
      const tasks = readdirSync(`/proc/${am.pid}/task`);
      // Go starts several threads; a thread's scheduling policy is field 41 of its stat line (5: SCHED_IDLE).
      assert.ok(tasks.length > 1, `alertmanager has ${tasks.length} thread(s)`);
      for (const tid of tasks) {
        const stat = readFileSync(`/proc/${am.pid}/task/${tid}/stat`, 'utf8');
        assert.equal(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38], '5', `policy of thread ${tid}`);
      }
      const res = await fetch(`${am.url}/-/ready`);
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await am.stop();
    }
  });

  test('a server that cannot start reports its own stderr', async () => {
    await assert.rejects(startPrometheus({ scrapeConfigs: [{ job_name: 'broken', not_a_prometheus_field: true }] }), (err: Error) => {
      assert.match(err.message, /prometheus exited before it was ready/);
      assert.match(err.message, /not_a_prometheus_field/);
      return true;
    });
  });

  test('startDemoStack wires exporters, rules and Alertmanager together', async () => {
    const p = new PrometheusClient(httpClient(demo.prometheusUrl));
    await waitUntil('6 node targets up', async () => (await p.query('count(up{job="node"} == 1)'))[0]?.value === 6, 12_000);
    assert.equal((await p.rules()).length, 3);
    const am = new AlertmanagerClient(httpClient(demo.alertmanagerUrl));
    assert.equal((await am.status()).cluster.status, 'disabled');
    const notifier = await fetch(`${demo.prometheusUrl}/api/v1/alertmanagers`);
    const body = (await notifier.json()) as { data: { activeAlertmanagers: { url: string }[] } };
    assert.ok(body.data.activeAlertmanagers.some((x) => x.url.startsWith(demo.alertmanagerUrl)));
    assert.equal(demo.synthetic.instances.length, 5);
  });
});
