/**
 * Soak: `npm run soak` (30 minutes; SOAK_MINUTES=2 to shorten). Not part of the test run.
 *
 * A REAL Alertmanager (and Prometheus) on 127.0.0.1; the console core + browser host run in a child
 * process exactly as `npm run serve` does (createConsole + startBrowserHost), polling every second.
 * This process is the load and the judge: it keeps 500 long-lived warnings in Alertmanager and, every
 * poll interval, posts new alerts (2 critical, 3 warning) that resolve by themselves 5–20 s later, so the
 * alert set churns on every poll. It listens on the bridge WebSocket like a renderer and counts the
 * notifications the core decides.
 *
 * Pass criteria: core heap (after GC) grows ≤ 5 % from the end of the warm-up to the end; every critical
 * alert posted is notified exactly once (none missed, none doubled); no notification for a warning.
 * Prints a table and one JSON line; exit code 1 when a criterion fails.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';

const POLL_MS = 1000;
const BACKGROUND_ALERTS = 500;
const NEW_CRITICAL_PER_POLL = 2;
const NEW_WARNING_PER_POLL = 3;
const MEMORY_SAMPLE_MS = 10_000;
const DRAIN_MS = 25_000;
const MAX_GROWTH = 0.05;

interface Mem {
  heapUsed: number;
  rss: number;
  external: number;
  at: number;
}

// ---------------------------------------------------------------------------------------------
// child: the console core and browser host

async function runCore(): Promise<void> {
  setFlagsFromString('--expose_gc');
  const gc = runInNewContext('gc') as () => void;
  const { parseConfig } = await import('../main/config/load');
  const { createConsole } = await import('../main/core/create-console');
  const { startBrowserHost } = await import('../main/browser-host/server');
  const cfg = JSON.parse(process.env.SOAK_CONFIG ?? '{}') as object;
  const dataDir = process.env.SOAK_DATA_DIR!;
  const rendererDir = mkdtempSync(join(tmpdir(), 'ops-console-soak-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>soak</title>');
  const { core } = createConsole({ config: parseConfig(JSON.stringify(cfg)), host: { kind: 'browser', dataDir, openExternal: async () => false } });
  await core.start();
  const host = await startBrowserHost({ core, rendererDir });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'mem') {
      gc();
      gc();
      const u = process.memoryUsage();
      process.send!({ type: 'mem', heapUsed: u.heapUsed, rss: u.rss, external: u.external, at: Date.now() });
    } else if (m.type === 'stop') {
      void host
        .close()
        .then(() => core.shutdown())
        .finally(() => {
          rmSync(rendererDir, { recursive: true, force: true });
          process.exit(0);
        });
    }
  });
  process.send!({ type: 'ready', origin: host.origin, token: host.token });
}

// ---------------------------------------------------------------------------------------------
// parent: load and judge

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const { startAlertmanager, startPrometheus, stopAll } = await import('../test/support/real-servers');
  const { AlertmanagerClient } = await import('../main/clients/alertmanager');
  const { createHttpClient } = await import('../main/clients/http');

  const minutes = Number(process.env.SOAK_MINUTES ?? 30);
  const totalMs = Math.max(60_000, minutes * 60_000);
  const warmupMs = Math.min(5 * 60_000, Math.max(30_000, totalMs * 0.2));
  const churnMs = totalMs - DRAIN_MS;
  console.log(`soak: ${minutes} min (warm-up ${Math.round(warmupMs / 1000)} s, churn until ${Math.round(churnMs / 1000)} s, drain ${DRAIN_MS / 1000} s), poll ${POLL_MS} ms`);

  const [am, prom] = await Promise.all([startAlertmanager(), startPrometheus()]);
  const amClient = new AlertmanagerClient(createHttpClient({ name: 'soak', url: am.url }));
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-soak-'));
  const config = {
    environments: [{ name: 'soak', alertmanager: [{ name: 'am', url: am.url }], prometheus: [{ name: 'prom', url: prom.url }] }],
    polling: { alertmanagerMs: POLL_MS, prometheusMs: POLL_MS, sparklineMs: 30_000, timeoutMs: 5000 },
    notifications: { severities: ['critical'], cooldownMs: 60_000 },
  };

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--core'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SOAK_CONFIG: JSON.stringify(config), SOAK_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const memWaiters: ((m: Mem) => void)[] = [];
  const ready = new Promise<{ origin: string; token: string }>((resolve, reject) => {
    child.on('message', (m: { type: string } & Partial<Mem> & { origin?: string; token?: string }) => {
      if (m.type === 'ready') resolve({ origin: m.origin!, token: m.token! });
      if (m.type === 'mem') memWaiters.shift()?.(m as Mem);
    });
    child.once('exit', (code) => reject(new Error(`core exited early (code ${code})`)));
  });
  const { origin, token } = await ready;
  const memory = (): Promise<Mem> =>
    new Promise((resolve) => {
      memWaiters.push(resolve);
      child.send({ type: 'mem' });
    });

  // The renderer's view: every event over the bridge.
  const fpToId = new Map<string, string>();
  const notifiedById = new Map<string, number>();
  const unknownNotified: string[] = [];
  const kinds: Record<string, number> = {};
  let events = 0;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/bridge?token=${token}`, { origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    events += 1;
    const msg = JSON.parse(String(data)) as { t: string; name?: string; payload?: unknown };
    if (msg.t !== 'evt') return;
    if (msg.name === 'alerts.update') {
      const p = msg.payload as { kind: string; alerts?: { fingerprint: string; labels: Record<string, string> }[]; upserted?: { fingerprint: string; labels: Record<string, string> }[] };
      for (const a of p.alerts ?? p.upserted ?? []) if (a.labels.soak_id) fpToId.set(a.fingerprint, a.labels.soak_id);
    }
    if (msg.name === 'notify.notification') {
      const n = msg.payload as { kind: string; fingerprints: string[] };
      kinds[n.kind] = (kinds[n.kind] ?? 0) + 1;
      for (const fp of n.fingerprints) {
        const id = fpToId.get(fp);
        if (!id) unknownNotified.push(fp);
        else notifiedById.set(id, (notifiedById.get(id) ?? 0) + 1);
      }
    }
  });

  // Background: long-lived warnings.
  const farEnd = new Date(Date.now() + totalMs + 3_600_000).toISOString();
  await amClient.postAlerts(
    Array.from({ length: BACKGROUND_ALERTS }, (_, i) => ({
      labels: { alertname: 'SoakBackground', instance: `bg-${String(i).padStart(3, '0')}:9100`, severity: 'warning', soak_id: `bg-${i}` },
      annotations: { summary: `background ${i}` },
      endsAt: farEnd,
    })),
  );

  const postedCritical = new Set<string>();
  const postedWarning = new Set<string>();
  let seq = 0;
  const start = Date.now();
  const samples: Mem[] = [];
  let nextSample = start;
  let postErrors = 0;
  while (Date.now() - start < churnMs) {
    const batch = [];
    for (let i = 0; i < NEW_CRITICAL_PER_POLL + NEW_WARNING_PER_POLL; i++) {
      const critical = i < NEW_CRITICAL_PER_POLL;
      const id = `c${++seq}`;
      const lifetime = 5_000 + Math.floor(Math.random() * 15_000);
      batch.push({
        labels: { alertname: critical ? 'SoakCritical' : 'SoakWarning', instance: `churn-${seq % 200}:9100`, severity: critical ? 'critical' : 'warning', soak_id: id },
        annotations: { summary: `churn ${id}`, description: 'x'.repeat(200) },
        endsAt: new Date(Date.now() + lifetime).toISOString(),
      });
      (critical ? postedCritical : postedWarning).add(id);
    }
    try {
      await amClient.postAlerts(batch);
    } catch {
      postErrors += 1;
      for (const a of batch) (a.labels.severity === 'critical' ? postedCritical : postedWarning).delete(a.labels.soak_id);
    }
    if (Date.now() >= nextSample) {
      samples.push(await memory());
      nextSample += MEMORY_SAMPLE_MS;
      const s = samples.at(-1)!;
      const elapsed = Math.round((s.at - start) / 1000);
      console.log(`  ${String(elapsed).padStart(5)} s  heap ${mb(s.heapUsed).padStart(9)}  rss ${mb(s.rss).padStart(9)}  posted ${postedCritical.size} critical / ${postedWarning.size} warning  notified ${notifiedById.size}`);
    }
    await sleep(POLL_MS);
  }
  // Drain: the last alerts resolve; every critical must have been seen and notified.
  await sleep(DRAIN_MS);
  samples.push(await memory());

  const afterWarmup = samples.filter((s) => s.at - start >= warmupMs);
  const avg = (xs: Mem[], k: keyof Mem): number => xs.reduce((a, s) => a + s[k], 0) / Math.max(1, xs.length);
  const base = afterWarmup.slice(0, 3);
  // End: the last samples taken while alerts still churned (the post-drain sample has fewer alerts alive).
  const end = samples.slice(-4, -1);
  const heapGrowth = avg(end, 'heapUsed') / avg(base, 'heapUsed') - 1;
  const rssGrowth = avg(end, 'rss') / avg(base, 'rss') - 1;
  const missed = [...postedCritical].filter((id) => !notifiedById.has(id));
  const doubled = [...notifiedById].filter(([, n]) => n > 1).map(([id]) => id);
  const warningsNotified = [...postedWarning].filter((id) => notifiedById.has(id)).length + [...notifiedById.keys()].filter((id) => id.startsWith('bg-')).length;

  const ok = heapGrowth <= MAX_GROWTH && missed.length === 0 && doubled.length === 0 && warningsNotified === 0 && unknownNotified.length === 0;
  const rows: [string, string, string][] = [
    ['duration', `${((Date.now() - start) / 60_000).toFixed(1)} min`, ''],
    ['alerts posted', `${postedCritical.size} critical, ${postedWarning.size} warning (+${BACKGROUND_ALERTS} background)`, postErrors ? `${postErrors} failed posts` : ''],
    ['heap after GC (warm-up end → end)', `${mb(avg(base, 'heapUsed'))} → ${mb(avg(end, 'heapUsed'))}`, `${(heapGrowth * 100).toFixed(2)} % (limit ${MAX_GROWTH * 100} %) ${heapGrowth <= MAX_GROWTH ? 'PASS' : 'FAIL'}`],
    ['rss (warm-up end → end)', `${mb(avg(base, 'rss'))} → ${mb(avg(end, 'rss'))}`, `${(rssGrowth * 100).toFixed(2)} % (reported)`],
    ['critical notified exactly once', `${postedCritical.size - missed.length - doubled.length} of ${postedCritical.size}`, missed.length || doubled.length ? 'FAIL' : 'PASS'],
    ['missed critical', String(missed.length), missed.slice(0, 5).join(' ')],
    ['doubled critical', String(doubled.length), doubled.slice(0, 5).join(' ')],
    ['warnings notified', String(warningsNotified), warningsNotified ? 'FAIL' : 'PASS'],
    ['notifications by kind', JSON.stringify(kinds), ''],
    ['bridge events received', String(events), ''],
  ];
  console.log('\nsoak result');
  for (const [k, v, note] of rows) console.log(`  ${k.padEnd(36)} ${v.padEnd(44)} ${note}`);
  console.log(
    JSON.stringify({
      bench: 'soak',
      ok,
      minutes: Number(((Date.now() - start) / 60_000).toFixed(2)),
      pollMs: POLL_MS,
      postedCritical: postedCritical.size,
      postedWarning: postedWarning.size,
      background: BACKGROUND_ALERTS,
      heapStartBytes: Math.round(avg(base, 'heapUsed')),
      heapEndBytes: Math.round(avg(end, 'heapUsed')),
      heapGrowthPct: Number((heapGrowth * 100).toFixed(2)),
      rssStartBytes: Math.round(avg(base, 'rss')),
      rssEndBytes: Math.round(avg(end, 'rss')),
      rssGrowthPct: Number((rssGrowth * 100).toFixed(2)),
      missed: missed.length,
      doubled: doubled.length,
      warningsNotified,
      unknownNotified: unknownNotified.length,
      notificationsByKind: kinds,
      samples: samples.map((s) => ({ t: Math.round((s.at - start) / 1000), heap: s.heapUsed, rss: s.rss })),
    }),
  );

  ws.close();
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

if (process.argv.includes('--core')) void runCore();
else
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
