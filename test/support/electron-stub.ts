/**
 * Loads a module of the Electron layer (main/electron/*.ts) with 'electron' replaced by a stub, so its real
 * code runs in Node where Electron's binary is missing. `stubSource` is the stub module's ES source; it
 * usually reads a recording object the test put on globalThis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function importWithElectronStub<T>(entry: string, stubSource: string, outDir: string): Promise<T> {
  const out = join(outDir, `${entry.replace(/[^a-z0-9]+/gi, '-')}.mjs`);
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
    plugins: [
      {
        name: 'electron-stub',
        setup(b) {
          b.onResolve({ filter: /^electron$/ }, () => ({ path: 'electron', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: stubSource, loader: 'js' }));
        },
      },
    ],
  });
  return (await import(pathToFileURL(out).href)) as T;
}

/**
 * For a test file: loads `entry` with the stub before its tests (`loaded` gets the module) into a temporary
 * folder that is removed after them.
 */
export function withElectronStub<T>(entry: string, stubSource: string, loaded: (module: T) => void): void {
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-console-electron-stub-'));
    loaded(await importWithElectronStub<T>(entry, stubSource, dir));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
