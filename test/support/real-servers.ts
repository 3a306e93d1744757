/**
 * Starts REAL Prometheus, Alertmanager and node_exporter processes for integration tests, benchmarks
 * and the demo: 127.0.0.1 only, random free ports, temporary storage under os.tmpdir().
 *
 * Every process is stopped by stop()/stopAll(); if the test process exits first they are killed
 * (process 'exit' hook, SIGINT/SIGTERM/SIGHUP when nobody else handles them, and the kernel's
 * parent-death signal through setpriv when available).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './free-port';

export const BINARIES = {
  prometheus: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
  alertmanager: process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager',
  nodeExporter: process.env.NODE_EXPORTER_BIN ?? '/usr/bin/prometheus-node-exporter',
} as const;

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;
const LOG_RING_BYTES = 64 * 1024;

export interface RunningServer {
  /** "prometheus" | "alertmanager" | "node-exporter". */
  readonly name: string;
  /** Base URL, e.g. http://127.0.0.1:41234 (https:// when started with TLS). */
  readonly url: string;
  readonly port: number;
  /** The server's own temporary directory (config files and storage live below it). */
  readonly dataDir: string;
  /** Pid of the current process (changes after restart()); undefined when not running. */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after 3 s; removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL, i.e. a crash) and returns at once; the directory stays. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the process (keeping its storage) and starts it again on the same port; resolves when ready. */
  restart(): Promise<void>;
  /** The tail of what the process wrote to stdout/stderr. */
  logs(maxLines?: number): string;
}

export interface PrometheusOptions {
  /** Raw prometheus scrape_configs entries; default: Prometheus scrapes itself as job "prometheus". */
  scrapeConfigs?: object[];
  /** Rule files to copy into the server's directory and load. */
  ruleFiles?: string[];
  /** Alertmanager base URLs alerts are sent to (API v2). */
  alertmanagerUrls?: string[];
  /** Default 1. */
  scrapeIntervalSec?: number;
  /** Default 1. */
  evaluationIntervalSec?: number;
  /** Written to --web.config.file (Prometheus' own TLS and basic auth). */
  webConfig?: {
    /** user -> bcrypt hash */
    basicAuthUsers?: Record<string, string>;
    tls?: { certFile: string; keyFile: string };
  };
  /** Credentials the readiness probe uses when webConfig.basicAuthUsers is set. */
  probeBasicAuth?: { username: string; password: string };
  /** Extra command-line flags, e.g. ['--web.enable-admin-api']. */
  extraArgs?: string[];
}

export interface AlertmanagerOptions {
  /** Whole alertmanager.yml; default: one receiver "default" without integrations, group_wait/group_interval 1s. */
  configYaml?: string;
  /** host:port of other replicas' cluster listeners (enables clustering). */
  clusterPeers?: string[];
  /** Listen for cluster peers even without clusterPeers (the first replica of an HA pair). */
  clusterListen?: boolean;
  extraArgs?: string[];
  /** SCHED_IDLE for the server's process: it runs only on cores the client and its UI leave idle. */
  schedIdle?: boolean;
}

export interface NodeExporterOptions {
  /** Collectors to enable (all others are disabled); default: cpu, meminfo, filesystem, netdev, loadavg, stat, uname, time. */
  collectors?: string[];
  extraArgs?: string[];
}

export const DEFAULT_ALERTMANAGER_CONFIG = `# written by test/support/real-servers.ts
route:
  receiver: default
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: default
`;

const DEFAULT_NODE_COLLECTORS = ['cpu', 'meminfo', 'filesystem', 'netdev', 'loadavg', 'stat', 'uname', 'time'];

// ---------------------------------------------------------------------------------------------
// process bookkeeping

const running = new Set<ManagedServer>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const s of running) s.killSync();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      // Someone else (a demo script, the test runner) handles this signal: let them shut down.
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Stops every server started through this module (for after() hooks). */
export async function stopAll(): Promise<void> {
  const all = [...running];
  await Promise.all(all.filter((s) => !s.clustered).map((s) => s.stop()));
  // Clustered Alertmanagers leave the cluster one at a time: two leaving at once wait for each other.
  for (const s of all.filter((x) => x.clustered)) await s.stop();
}

class LogRing {
  private chunks: string[] = [];
  private size = 0;
  push(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > LOG_RING_BYTES && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  tail(maxLines = 40): string {
    const lines = this.chunks.join('').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-maxLines).join('\n');
  }
}

function probe(url: string, headers: Record<string, string>): Promise<number | null> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, timeout: 1000, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy(new Error('probe timeout')));
    req.on('error', () => resolve(null));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ServerSpec {
  name: string;
  bin: string;
  args: string[];
  port: number;
  url: string;
  dataDir: string;
  readyPath: string;
  probeHeaders?: Record<string, string>;
  clustered?: boolean;
  /** Runs the server under SCHED_IDLE (all its threads): it gets only CPU that nothing else wants. */
  schedIdle?: boolean;
}

class ManagedServer implements RunningServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly ring = new LogRing();
  private stopped = false;

  readonly clustered: boolean;

  constructor(private readonly spec: ServerSpec) {
    this.clustered = spec.clustered ?? false;
    this.name = spec.name;
    this.url = spec.url;
    this.port = spec.port;
    this.dataDir = spec.dataDir;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  logs(maxLines = 40): string {
    return this.ring.tail(maxLines);
  }

  async start(): Promise<void> {
    if (!existsSync(this.spec.bin)) {
      throw new Error(`${this.name}: ${this.spec.bin} is not installed (run scripts/install-system-deps.sh)`);
    }
    installHooks();
    running.add(this);
    const setpriv = '/usr/bin/setpriv';
    // `chrt` before the binary starts, so that every thread it makes (Go's included) inherits the policy.
    const exec = [
      ...(this.spec.schedIdle ? ['/usr/bin/chrt', '--idle', '0'] : []),
      this.spec.bin,
      ...this.spec.args,
    ];
    const [cmd, argv] = existsSync(setpriv) ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', ...exec]] : [exec[0]!, exec.slice(1)];
    const child = spawn(cmd, argv, { cwd: this.dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const onData = (b: Buffer): void => this.ring.push(b.toString('utf8'));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let exitInfo: string | null = null;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = `spawn error: ${err.message}`;
        this.ring.push(`${err.message}\n`);
        resolve();
      });
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const readyUrl = this.url + this.spec.readyPath;
    for (;;) {
      if (exitInfo !== null) {
        throw new Error(`${this.name} exited before it was ready (${exitInfo}):\n${this.ring.tail()}`);
      }
      const status = await probe(readyUrl, this.spec.probeHeaders ?? {});
      if (status === 200) return;
      if (Date.now() > deadline) {
        await this.stopProcess();
        throw new Error(`${this.name} not ready at ${readyUrl} within ${READY_TIMEOUT_MS / 1000} s (last status ${status ?? 'no answer'}):\n${this.ring.tail()}`);
      }
      await sleep(100);
    }
  }

  killSync(): void {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!this.stopped) rmSync(this.dataDir, { recursive: true, force: true });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) c.kill(signal);
  }

  private async stopProcess(): Promise<void> {
    const c = this.child;
    if (!c) return;
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGCONT'); // in case a test froze it with SIGSTOP
        c.kill('SIGTERM');
      } catch {
        // already gone
      }
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
      });
      const outcome = await Promise.race([this.exited.then(() => 'exited' as const), grace]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await this.exited;
    this.child = null;
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`${this.name} was stopped; start a new one`);
    await this.stopProcess();
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.stopProcess();
    this.stopped = true;
    running.delete(this);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function makeTempDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ops-console-${name}-`));
}

async function launch(spec: ServerSpec): Promise<ManagedServer> {
  const server = new ManagedServer(spec);
  try {
    await server.start();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Prometheus

function alertmanagerTargets(urls: string[]): object[] {
  return urls.map((u) => {
    const url = new URL(u);
    const prefix = url.pathname.replace(/\/+$/, '');
    return {
      scheme: url.protocol.replace(':', ''),
      api_version: 'v2',
      timeout: '5s',
      ...(prefix ? { path_prefix: prefix } : {}),
      static_configs: [{ targets: [url.host] }],
    };
  });
}

export async function startPrometheus(opts: PrometheusOptions = {}): Promise<RunningServer> {
  const port = await getFreePort();
  const dataDir = makeTempDir('prometheus');
  const scrape = opts.scrapeIntervalSec ?? 1;
  const evaluation = opts.evaluationIntervalSec ?? 1;
  const tls = opts.webConfig?.tls;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const ruleDir = path.join(dataDir, 'rules');
  mkdirSync(ruleDir);
  const ruleFiles = (opts.ruleFiles ?? []).map((file, i) => {
    const dest = path.join(ruleDir, `${String(i).padStart(2, '0')}-${path.basename(file)}`);
    copyFileSync(file, dest);
    return dest;
  });

  const selfScrape: object = {
    job_name: 'prometheus',
    ...(tls ? { scheme: 'https', tls_config: { insecure_skip_verify: true } } : {}),
    static_configs: [{ targets: [`127.0.0.1:${port}`] }],
  };
  const config = {
    global: { scrape_interval: `${scrape}s`, scrape_timeout: `${scrape}s`, evaluation_interval: `${evaluation}s` },
    rule_files: ruleFiles,
    alerting: { alertmanagers: alertmanagerTargets(opts.alertmanagerUrls ?? []) },
    scrape_configs: opts.scrapeConfigs ?? (opts.webConfig?.basicAuthUsers ? [] : [selfScrape]),
  };
  const configFile = path.join(dataDir, 'prometheus.yml');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
  ];
  if (opts.webConfig) {
    const web: Record<string, unknown> = {};
    if (tls) web.tls_server_config = { cert_file: tls.certFile, key_file: tls.keyFile };
    if (opts.webConfig.basicAuthUsers) web.basic_auth_users = opts.webConfig.basicAuthUsers;
    const webFile = path.join(dataDir, 'web.yml');
    writeFileSync(webFile, `${JSON.stringify(web, null, 2)}\n`);
    args.push(`--web.config.file=${webFile}`);
  }
  args.push(...(opts.extraArgs ?? []));

  const probeHeaders: Record<string, string> = {};
  if (opts.probeBasicAuth) {
    probeHeaders.authorization = `Basic ${Buffer.from(`${opts.probeBasicAuth.username}:${opts.probeBasicAuth.password}`).toString('base64')}`;
  }
  return launch({ name: 'prometheus', bin: BINARIES.prometheus, args, port, url, dataDir, readyPath: '/-/ready', probeHeaders });
}

// ---------------------------------------------------------------------------------------------
// Alertmanager

export async function startAlertmanager(opts: AlertmanagerOptions = {}): Promise<RunningServer & { clusterAddress: string | null }> {
  const port = await getFreePort();
  const dataDir = makeTempDir('alertmanager');
  const configFile = path.join(dataDir, 'alertmanager.yml');
  writeFileSync(configFile, opts.configYaml ?? DEFAULT_ALERTMANAGER_CONFIG);
  const storage = path.join(dataDir, 'data');
  mkdirSync(storage);

  const args = [`--config.file=${configFile}`, `--storage.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`];
  const peers = opts.clusterPeers ?? [];
  let clusterAddress: string | null = null;
  if (peers.length > 0 || opts.clusterListen) {
    const clusterPort = await getFreePort();
    clusterAddress = `127.0.0.1:${clusterPort}`;
    args.push(
      `--cluster.listen-address=${clusterAddress}`,
      `--cluster.advertise-address=${clusterAddress}`,
      ...peers.map((p) => `--cluster.peer=${p}`),
      '--cluster.gossip-interval=50ms',
      '--cluster.pushpull-interval=1s',
      '--cluster.probe-interval=500ms',
      '--cluster.reconnect-interval=1s',
      '--cluster.settle-timeout=2s',
      '--cluster.peer-timeout=1s',
    );
  } else {
    args.push('--cluster.listen-address=');
  }
  args.push(...(opts.extraArgs ?? []));

  const server = await launch({
    name: 'alertmanager',
    bin: BINARIES.alertmanager,
    args,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    readyPath: '/-/ready',
    clustered: clusterAddress !== null,
    schedIdle: opts.schedIdle,
  });
  return Object.assign(server, { clusterAddress });
}

// ---------------------------------------------------------------------------------------------
// node_exporter

export async function startNodeExporter(opts: NodeExporterOptions = {}): Promise<RunningServer> {
  const port = await getFreePort();
  const dataDir = makeTempDir('node-exporter');
  const args = [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    ...(opts.collectors ?? DEFAULT_NODE_COLLECTORS).map((c) => `--collector.${c}`),
    ...(opts.extraArgs ?? []),
  ];
  // node_exporter has no /-/ready: it is ready when /metrics answers.
  return launch({ name: 'node-exporter', bin: BINARIES.nodeExporter, args, port, url: `http://127.0.0.1:${port}`, dataDir, readyPath: '/metrics' });
}

// ---------------------------------------------------------------------------------------------
// helpers for tests

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined/false/null, and returns that.
 * Throws after `timeoutMs` with `what` and the last error the probe threw.
 */
export async function waitUntil<T>(what: string, probeFn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await probeFn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}
