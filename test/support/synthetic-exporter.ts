/**
 * A node_exporter look-alike for a whole fleet: one HTTP server on 127.0.0.1 that serves
 * node_exporter-shaped series for N fake instances ("server-001:9100", ...), in Prometheus text format.
 *
 * Two ways to scrape it (see syntheticScrapeConfig):
 *  - per instance: GET /metrics?instance=server-001:9100 answers for one instance, so Prometheus has one
 *    target per fake instance and `up{job="node",instance="server-001:9100"}` exists; a "down" instance
 *    answers 503, so its `up` is 0 exactly as for a real dead host;
 *  - aggregate: GET /metrics answers for all instances at once (one target, honor_labels: true); a "down"
 *    instance has no series there, only `synthetic_instance_up{instance="..."} 0`.
 * Every sample carries instance="..." and job="node", so scrape with honor_labels: true.
 *
 * Values are deterministic from the seed; a few instances sit above the runbook thresholds
 * (CPU > 95, memory > 95, disk > 90) and a few in the warning bands (CPU 80-95, memory 85-95, disk 80-90).
 * CPU and network counters advance with wall-clock time at the chosen rates, so
 * `100 - avg by(instance)(rate(node_cpu_seconds_total{mode="idle"}[1m])) * 100` gives the chosen CPU %.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 as prng } from './es-test-server/generate-logs';

export interface SyntheticExporterOptions {
  instances: number;
  /** Instance name prefix; default "server-". */
  prefix?: string;
  /** Default 1. */
  seed?: number;
  /** Port to listen on; default: a random free one. */
  port?: number;
}

/** What setValue changes: percentages as the runbooks' PromQL computes them, or the raw node_exporter values. */
export type SyntheticMetric =
  | 'cpuPercent'
  | 'memoryPercent'
  | 'diskPercent'
  | 'tmpfsPercent'
  | 'node_load1'
  | 'node_memory_MemAvailable_bytes'
  | 'node_memory_MemTotal_bytes'
  | 'node_filesystem_avail_bytes'
  | 'node_filesystem_size_bytes'
  /** bytes per second on eth0 */
  | 'receiveBytesPerSec'
  | 'transmitBytesPerSec';

/** The current intended values of one instance. */
export interface SyntheticProfile {
  instance: string;
  down: boolean;
  cpuPercent: number;
  memoryPercent: number;
  diskPercent: number;
  tmpfsPercent: number;
  load1: number;
  memTotalBytes: number;
  diskSizeBytes: number;
  receiveBytesPerSec: number;
  transmitBytesPerSec: number;
}

/** Instances placed in each threshold band at start (thresholds of the runbooks / config defaults). */
export interface SyntheticAnomalies {
  cpuCritical: string[];
  cpuWarning: string[];
  memoryCritical: string[];
  memoryWarning: string[];
  diskCritical: string[];
  diskWarning: string[];
}

export interface SyntheticExporter {
  url: string;
  port: number;
  instances: string[];
  anomalies: SyntheticAnomalies;
  setDown(instance: string, down: boolean): void;
  setValue(instance: string, metric: SyntheticMetric, value: number): void;
  profile(instance: string): SyntheticProfile;
  /** How many /metrics requests were answered. */
  readonly scrapes: number;
  /** The text /metrics would answer now (all instances, or one). */
  render(instance?: string): string;
  stop(): Promise<void>;
}

interface InstanceState {
  name: string;
  labels: string;
  down: boolean;
  cpuBusy: number; // fraction 0..1
  userShare: number; // share of busy time that is "user"
  counterAt: number; // seconds (epoch) the counter bases refer to
  idleBase: number;
  userBase: number;
  systemBase: number;
  rxBase: number;
  txBase: number;
  rxRate: number;
  txRate: number;
  memTotal: number;
  memAvail: number;
  rootSize: number;
  rootAvail: number;
  tmpSize: number;
  tmpAvail: number;
  load1: number;
}

const GiB = 1024 ** 3;


function shuffled(n: number, rnd: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const between = (rnd: () => number, lo: number, hi: number): number => lo + rnd() * (hi - lo);

function pad(i: number, width: number): string {
  return String(i).padStart(width, '0');
}

/** Formats a sample value the way Prometheus' own exporters do (no exponent for ordinary numbers). */
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

export async function startSyntheticExporter(opts: SyntheticExporterOptions): Promise<SyntheticExporter> {
  const count = Math.max(0, Math.floor(opts.instances));
  const prefix = opts.prefix ?? 'server-';
  const seed = opts.seed ?? 1;
  const rnd = prng(seed);
  const width = Math.max(3, String(count).length);
  const now = Date.now() / 1000;

  const states: InstanceState[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${pad(i + 1, width)}:9100`;
    const memTotal = [8, 16, 32, 64][Math.floor(rnd() * 4)]! * GiB;
    const rootSize = [50, 100, 200, 500][Math.floor(rnd() * 4)]! * GiB;
    const tmpSize = 2 * GiB;
    const uptime = between(rnd, 3_600, 90 * 86_400);
    const busy = between(rnd, 0.05, 0.7);
    const userShare = between(rnd, 0.55, 0.8);
    const memPct = between(rnd, 20, 80);
    const diskPct = between(rnd, 10, 75);
    const tmpPct = between(rnd, 0, 30);
    const rxRate = Math.round(between(rnd, 1e5, 5e7));
    const txRate = Math.round(between(rnd, 1e5, 3e7));
    states.push({
      name,
      labels: `instance="${name}",job="node"`,
      down: false,
      cpuBusy: busy,
      userShare,
      counterAt: now,
      idleBase: round2(uptime * (1 - busy)),
      userBase: round2(uptime * busy * userShare),
      systemBase: round2(uptime * busy * (1 - userShare)),
      rxBase: Math.round(uptime * rxRate),
      txBase: Math.round(uptime * txRate),
      rxRate,
      txRate,
      memTotal,
      memAvail: Math.round(memTotal * (1 - memPct / 100)),
      rootSize,
      rootAvail: Math.round(rootSize * (1 - diskPct / 100)),
      tmpSize,
      tmpAvail: Math.round(tmpSize * (1 - tmpPct / 100)),
      load1: round2(busy * between(rnd, 0.8, 1.5)),
    });
  }

  // Threshold bands: distinct instances per resource, chosen by the seed.
  const anomalies: SyntheticAnomalies = { cpuCritical: [], cpuWarning: [], memoryCritical: [], memoryWarning: [], diskCritical: [], diskWarning: [] };
  const bandCounts = (critShare: number, warnShare: number): [number, number] => {
    if (count === 0) return [0, 0];
    const crit = Math.min(count, Math.max(1, Math.round(count * critShare)));
    const warn = Math.min(count - crit, Math.max(1, Math.round(count * warnShare)));
    return [crit, warn];
  };
  {
    const order = shuffled(count, rnd);
    const [crit, warn] = bandCounts(0.02, 0.04);
    order.slice(0, crit + warn).forEach((idx, k) => {
      const s = states[idx]!;
      const pct = k < crit ? between(rnd, 96, 99.5) : between(rnd, 82, 93);
      setCpu(s, pct, now);
      s.load1 = round2((pct / 100) * between(rnd, 2.2, 4));
      (k < crit ? anomalies.cpuCritical : anomalies.cpuWarning).push(s.name);
    });
  }
  {
    const order = shuffled(count, rnd);
    const [crit, warn] = bandCounts(0.015, 0.03);
    order.slice(0, crit + warn).forEach((idx, k) => {
      const s = states[idx]!;
      const pct = k < crit ? between(rnd, 96, 99) : between(rnd, 87, 93);
      s.memAvail = Math.round(s.memTotal * (1 - pct / 100));
      (k < crit ? anomalies.memoryCritical : anomalies.memoryWarning).push(s.name);
    });
  }
  {
    const order = shuffled(count, rnd);
    const [crit, warn] = bandCounts(0.015, 0.03);
    order.slice(0, crit + warn).forEach((idx, k) => {
      const s = states[idx]!;
      const pct = k < crit ? between(rnd, 91, 98) : between(rnd, 82, 88);
      s.rootAvail = Math.round(s.rootSize * (1 - pct / 100));
      (k < crit ? anomalies.diskCritical : anomalies.diskWarning).push(s.name);
    });
  }
  for (const list of Object.values(anomalies) as string[][]) list.sort();

  const byName = new Map(states.map((s) => [s.name, s]));
  const lookup = (instance: string): InstanceState => {
    const s = byName.get(instance) ?? byName.get(`${instance}:9100`);
    if (!s) throw new Error(`synthetic exporter: no instance "${instance}"`);
    return s;
  };

  function setCpu(s: InstanceState, percent: number, at: number): void {
    rebase(s, at);
    s.cpuBusy = Math.min(1, Math.max(0, percent / 100));
  }

  /** Moves the counter bases to `at` so that a rate change keeps counters monotonic. */
  function rebase(s: InstanceState, at: number): void {
    const dt = Math.max(0, at - s.counterAt);
    s.idleBase += dt * (1 - s.cpuBusy);
    s.userBase += dt * s.cpuBusy * s.userShare;
    s.systemBase += dt * s.cpuBusy * (1 - s.userShare);
    s.rxBase += dt * s.rxRate;
    s.txBase += dt * s.txRate;
    s.counterAt = at;
  }

  type Family = { name: string; help: string; type: 'counter' | 'gauge'; lines: (s: InstanceState, t: number, out: string[]) => void };
  const families: Family[] = [
    {
      name: 'node_cpu_seconds_total',
      help: 'Seconds the CPUs spent in each mode.',
      type: 'counter',
      lines: (s, t, out) => {
        const dt = t - s.counterAt;
        out.push(
          `node_cpu_seconds_total{cpu="0",${s.labels},mode="idle"} ${fmt(s.idleBase + dt * (1 - s.cpuBusy))}`,
          `node_cpu_seconds_total{cpu="0",${s.labels},mode="system"} ${fmt(s.systemBase + dt * s.cpuBusy * (1 - s.userShare))}`,
          `node_cpu_seconds_total{cpu="0",${s.labels},mode="user"} ${fmt(s.userBase + dt * s.cpuBusy * s.userShare)}`,
        );
      },
    },
    {
      name: 'node_filesystem_avail_bytes',
      help: 'Filesystem space available to non-root users in bytes.',
      type: 'gauge',
      lines: (s, _t, out) => {
        out.push(
          `node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",${s.labels},mountpoint="/"} ${s.rootAvail}`,
          `node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",${s.labels},mountpoint="/run"} ${s.tmpAvail}`,
        );
      },
    },
    {
      name: 'node_filesystem_size_bytes',
      help: 'Filesystem size in bytes.',
      type: 'gauge',
      lines: (s, _t, out) => {
        out.push(
          `node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",${s.labels},mountpoint="/"} ${s.rootSize}`,
          `node_filesystem_size_bytes{device="tmpfs",fstype="tmpfs",${s.labels},mountpoint="/run"} ${s.tmpSize}`,
        );
      },
    },
    {
      name: 'node_load1',
      help: '1m load average.',
      type: 'gauge',
      lines: (s, _t, out) => {
        out.push(`node_load1{${s.labels}} ${fmt(s.load1)}`);
      },
    },
    {
      name: 'node_memory_MemAvailable_bytes',
      help: 'Memory information field MemAvailable_bytes.',
      type: 'gauge',
      lines: (s, _t, out) => {
        out.push(`node_memory_MemAvailable_bytes{${s.labels}} ${s.memAvail}`);
      },
    },
    {
      name: 'node_memory_MemTotal_bytes',
      help: 'Memory information field MemTotal_bytes.',
      type: 'gauge',
      lines: (s, _t, out) => {
        out.push(`node_memory_MemTotal_bytes{${s.labels}} ${s.memTotal}`);
      },
    },
    {
      name: 'node_network_receive_bytes_total',
      help: 'Network device statistic receive_bytes.',
      type: 'counter',
      lines: (s, t, out) => {
        out.push(`node_network_receive_bytes_total{device="eth0",${s.labels}} ${Math.round(s.rxBase + (t - s.counterAt) * s.rxRate)}`);
      },
    },
    {
      name: 'node_network_transmit_bytes_total',
      help: 'Network device statistic transmit_bytes.',
      type: 'counter',
      lines: (s, t, out) => {
        out.push(`node_network_transmit_bytes_total{device="eth0",${s.labels}} ${Math.round(s.txBase + (t - s.counterAt) * s.txRate)}`);
      },
    },
  ];

  function render(only?: InstanceState): string {
    const t = Date.now() / 1000;
    const list = only ? [only] : states;
    const up = list.filter((s) => !s.down);
    const out: string[] = [];
    for (const f of families) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of up) f.lines(s, t, out);
    }
    out.push('# HELP synthetic_instance_up 1 when the synthetic instance answers, 0 when it was set down.', '# TYPE synthetic_instance_up gauge');
    for (const s of list) out.push(`synthetic_instance_up{${s.labels}} ${s.down ? 0 : 1}`);
    out.push('');
    return out.join('\n');
  }

  let scrapes = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/-/healthy' || url.pathname === '/-/ready') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
      return;
    }
    if (url.pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n');
      return;
    }
    scrapes++;
    const instance = url.searchParams.get('instance');
    let body: string;
    if (instance) {
      const s = byName.get(instance) ?? byName.get(`${instance}:9100`);
      if (!s) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no instance "${instance}"\n`);
        return;
      }
      if (s.down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end(`${s.name} is down\n`);
        return;
      }
      body = render(s);
    } else {
      body = render();
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    instances: states.map((s) => s.name),
    anomalies,
    get scrapes() {
      return scrapes;
    },
    setDown(instance, down) {
      lookup(instance).down = down;
    },
    setValue(instance, metric, value) {
      const s = lookup(instance);
      const at = Date.now() / 1000;
      switch (metric) {
        case 'cpuPercent':
          setCpu(s, value, at);
          break;
        case 'memoryPercent':
          s.memAvail = Math.round(s.memTotal * (1 - value / 100));
          break;
        case 'diskPercent':
          s.rootAvail = Math.round(s.rootSize * (1 - value / 100));
          break;
        case 'tmpfsPercent':
          s.tmpAvail = Math.round(s.tmpSize * (1 - value / 100));
          break;
        case 'node_load1':
          s.load1 = value;
          break;
        case 'node_memory_MemAvailable_bytes':
          s.memAvail = value;
          break;
        case 'node_memory_MemTotal_bytes':
          s.memTotal = value;
          break;
        case 'node_filesystem_avail_bytes':
          s.rootAvail = value;
          break;
        case 'node_filesystem_size_bytes':
          s.rootSize = value;
          break;
        case 'receiveBytesPerSec':
          rebase(s, at);
          s.rxRate = value;
          break;
        case 'transmitBytesPerSec':
          rebase(s, at);
          s.txRate = value;
          break;
        default: {
          const never: never = metric;
          throw new Error(`synthetic exporter: unknown metric ${String(never)}`);
        }
      }
    },
    profile(instance) {
      const s = lookup(instance);
      return {
        instance: s.name,
        down: s.down,
        cpuPercent: s.cpuBusy * 100,
        memoryPercent: (1 - s.memAvail / s.memTotal) * 100,
        diskPercent: (1 - s.rootAvail / s.rootSize) * 100,
        tmpfsPercent: (1 - s.tmpAvail / s.tmpSize) * 100,
        load1: s.load1,
        memTotalBytes: s.memTotal,
        diskSizeBytes: s.rootSize,
        receiveBytesPerSec: s.rxRate,
        transmitBytesPerSec: s.txRate,
      };
    },
    render(instance) {
      return render(instance === undefined ? undefined : lookup(instance));
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface SyntheticScrapeOptions {
  /** "per-instance" (default): one target per fake instance, so `up` exists per instance. "aggregate": one target. */
  mode?: 'per-instance' | 'aggregate';
  /** Default "node-synthetic"; the series' job label is "node" either way. */
  jobName?: string;
  /** Default: the global scrape interval. */
  scrapeIntervalSec?: number;
}

/** The Prometheus scrape_configs entry for a synthetic exporter (honor_labels: true). */
export function syntheticScrapeConfig(exporter: Pick<SyntheticExporter, 'port' | 'instances'>, opts: SyntheticScrapeOptions = {}): object {
  const timing = opts.scrapeIntervalSec ? { scrape_interval: `${opts.scrapeIntervalSec}s`, scrape_timeout: `${opts.scrapeIntervalSec}s` } : {};
  const address = `127.0.0.1:${exporter.port}`;
  if (opts.mode === 'aggregate') {
    return { job_name: opts.jobName ?? 'node-synthetic', honor_labels: true, ...timing, static_configs: [{ targets: [address] }] };
  }
  return {
    job_name: opts.jobName ?? 'node-synthetic',
    honor_labels: true,
    ...timing,
    static_configs: [{ targets: exporter.instances }],
    relabel_configs: [
      { source_labels: ['__address__'], target_label: '__param_instance' },
      { source_labels: ['__address__'], target_label: 'instance' },
      { target_label: 'job', replacement: 'node' },
      { target_label: '__address__', replacement: address },
    ],
  };
}
