/**
 * Browser mode: `npm run serve -- --config <file> [--port <n>] [--host <addr> --allow-non-loopback] [--renderer-dir <dir>]`.
 * `npm run serve` runs the esbuild bundle of this file (dist/browser-host/cli.mjs; scripts/build.mjs): loading
 * it is much faster than compiling the TypeScript through tsx at every start. `node --import tsx` on this file works too.
 * `--open <incident export.json>` opens an exported incident read-only (works with no config).
 * Runs the same core as the Electron host and serves the built renderer on 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { loadConfigFile } from '../config/load';
import { createConsole } from '../core/create-console';
import { tuneHeapForLongRunningCore } from '../core/heap';
import { startBrowserHost } from './server';
import { envSecretResolver } from './env-secrets';
import { warmHttpStack } from '../clients/http-warmup';

const here = dirname(fileURLToPath(import.meta.url));

/** The project root: the nearest folder up from this file with a package.json (works from main/ and from dist/). */
export function projectRoot(from = here): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(from, '../..');
    dir = up;
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-non-loopback': { type: 'boolean' },
      'data-dir': { type: 'string' },
      open: { type: 'string' },
      'renderer-dir': { type: 'string' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number (0-65535)`);
  const configPath = values.config ? resolve(values.config) : process.env.OPS_CONSOLE_CONFIG ?? null;
  let config = null;
  let configError: string | null = null;
  if (configPath) {
    try {
      config = await loadConfigFile(configPath);
    } catch (err) {
      configError = (err as Error).message;
      console.error(`ops-console: ${configError}`);
    }
  } else {
    configError = 'no config file given: start with --config <file> (see README, "Configuration")';
  }
  const dataDir = resolve(values['data-dir'] ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'ops-console'));
  mkdirSync(dataDir, { recursive: true });
  tuneHeapForLongRunningCore();
  const { core, features } = createConsole({
    config,
    configError,
    configPath,
    host: { kind: 'browser', dataDir, openExternal: async () => false, resolveSecret: envSecretResolver },
  });
  await core.start();
  void warmHttpStack();
  const host = await startBrowserHost({
    core,
    rendererDir: resolve(values['renderer-dir'] ?? join(projectRoot(), 'dist', 'renderer')),
    port,
    host: values.host ?? '127.0.0.1',
    allowNonLoopback: values['allow-non-loopback'] ?? false,
  });
  console.log(`ops-console listening on ${host.url}`);
  if (values.open) {
    // Offline review: the export opens read-only in the Incidents pane, with or without backends.
    const opened = await features.incidents.openFile(resolve(values.open));
    console.log(opened.error ? `ops-console: cannot open ${values.open}: ${opened.error}` : `ops-console: ${opened.fileName} opened for review in the Incidents pane`);
  }
  const stop = async () => {
    await host.close();
    await core.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`ops-console: ${(err as Error).message}`);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error('ops-console: that port is in use; pick another with --port or leave it out for a random one');
    process.exit(1);
  });
}
