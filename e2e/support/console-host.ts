import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../main/config/load';
import type { ConsoleConfigInput } from '../../main/config/schema';
import { createConsole } from '../../main/core/create-console';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/server';
import type { ConsoleCore } from '../../main/core/console-core';

export const RENDERER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'renderer');

export interface RunningConsole {
  core: ConsoleCore;
  features: ReturnType<typeof createConsole>['features'];
  host: BrowserHost;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts the real core and browser host in this process (the same code `npm run serve` runs). */
export async function startConsole(config: ConsoleConfigInput | null, opts: { dataDir?: string } = {}): Promise<RunningConsole> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ops-console-e2e-'));
  const parsed = config ? parseConfig(JSON.stringify(config)) : null;
  const { core, features } = createConsole({ config: parsed, host: { kind: 'browser', dataDir, openExternal: async () => false } });
  await core.start();
  const host = await startBrowserHost({ core, rendererDir: RENDERER_DIR });
  return {
    core,
    features,
    host,
    dataDir,
    stop: async () => {
      await host.close();
      await core.shutdown();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
