/** Shared helpers of the benchmarks: waits, process stats from /proc, the console core as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertmanagerClient, type PostableAlert } from '../main/clients/alertmanager';
import { createHttpClient } from '../main/clients/http';
import type { ConsoleConfigInput } from '../main/config/schema';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks at the usual 100 Hz). */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export function alertmanagerClient(url: string): AlertmanagerClient {
  return new AlertmanagerClient(createHttpClient({ name: 'bench', url, timeoutMs: 120_000 }));
}

const NAMES = ['HighCPUUsage', 'HighMemoryUsage', 'DiskSpaceLow', 'InstanceDown', 'HighLoadAverage', 'HighNetworkTraffic', 'SustainedHighCPU', 'LowMemoryAvailable'];
const SEVERITIES = ['critical', 'warning', 'warning', 'info'];

/** Alert i of the synthetic set (stable labels, so reposting it updates the same fingerprint). */
export function syntheticAlert(i: number, opts: { summary?: string; endsAt?: string; startsAt?: string } = {}): PostableAlert {
  return {
    labels: { alertname: NAMES[i % NAMES.length]!, instance: `server-${String(i).padStart(5, '0')}:9100`, severity: SEVERITIES[i % SEVERITIES.length]!, job: 'node' },
    annotations: { summary: opts.summary ?? `synthetic alert ${i}` },
    startsAt: opts.startsAt ?? new Date(Date.now() - 3600_000).toISOString(),
    // Long endsAt: they stay active for the whole run without being re-posted.
    endsAt: opts.endsAt ?? new Date(Date.now() + 6 * 3600_000).toISOString(),
  };
}

/** Posts alerts [from, to) in batches of 5,000. */
export async function postAlerts(am: AlertmanagerClient, from: number, to: number, make: (i: number) => PostableAlert = (i) => syntheticAlert(i)): Promise<void> {
  for (let b = from; b < to; b += 5000) {
    const n = Math.min(5000, to - b);
    await am.postAlerts(Array.from({ length: n }, (_, j) => make(b + j)));
  }
}

/** Plain Node: fetch and JSON.parse /api/v2/alerts. */
export async function fetchAndParse(url: string): Promise<{ ms: number; bytes: number; count: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v2/alerts`, { headers: { accept: 'application/json' } });
  const text = await res.text();
  const parsed = JSON.parse(text) as unknown[];
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), count: parsed.length };
}

export interface CoreProcess {
  pid: number;
  url: string;
  /** ms from spawn to the "listening on" line. */
  listeningAfterMs: number;
  spawnedAt: number;
  stop(): Promise<void>;
}

/**
 * The browser-mode host as `npm run serve` runs it (node dist/browser-host/cli.mjs, the esbuild bundle made by
 * scripts/build.mjs, which the bench runs first), in its own
 * process so that its RSS and CPU are the core's alone.
 * Diagnostics, for every core the bench or a profiling tool spawns (not set by a normal run):
 * BENCH_CORE_NODE_FLAGS adds Node/V8 flags (e.g. `--trace-gc`, `--cpu-prof --cpu-prof-dir=/tmp/p`);
 * BENCH_CORE_STDOUT=<file> appends the core's standard output to that file (e.g. what --trace-gc prints).
 */
export async function spawnCore(config: ConsoleConfigInput, opts: { extraNodeArgs?: string[] } = {}): Promise<CoreProcess> {
  const flags = (process.env.BENCH_CORE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'ops-console-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...flags, ...(opts.extraNodeArgs ?? []), 'dist/browser-host/cli.mjs', '--config', configFile, '--data-dir', join(dir, 'data')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`core did not start within 60 s: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (process.env.BENCH_CORE_STDOUT) appendFileSync(process.env.BENCH_CORE_STDOUT, d);
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`core exited before listening: ${err}`));
    });
  });
  const listeningAfterMs = performance.now() - spawnedAt;
  return {
    pid: child.pid!,
    url,
    listeningAfterMs,
    spawnedAt,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
