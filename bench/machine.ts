/** The machine the numbers came from. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { CHROMIUM_PATH } from '../e2e/support/chromium';

export function machineInfo(browserVersion: string | null): Record<string, unknown> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let chromium = browserVersion;
  if (!chromium) {
    try {
      chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
    } catch {
      chromium = null;
    }
  }
  return {
    nproc: os.availableParallelism(),
    cpu: model,
    memoryGB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    chromium,
    os: `${os.type()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}
