// Builds the renderer (browser + Electron), the Electron main process and the preload with esbuild.
// `--if-stale` skips the build when dist/ is newer than every source file.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');

async function newest(dir) {
  let max = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, await newest(p));
    else max = Math.max(max, (await stat(p)).mtimeMs);
  }
  return max;
}

async function isStale() {
  try {
    const built = Math.min((await stat(join(out, 'renderer', 'app.js'))).mtimeMs, (await stat(join(out, 'browser-host', 'cli.mjs'))).mtimeMs);
    const src = Math.max(await newest(join(root, 'renderer')), await newest(join(root, 'preload')), await newest(join(root, 'main')));
    return src > built;
  } catch {
    return true;
  }
}

if (process.argv.includes('--if-stale') && !(await isStale())) process.exit(0);

const started = Date.now();
await mkdir(join(out, 'renderer'), { recursive: true });
await mkdir(join(out, 'browser-host'), { recursive: true });
await Promise.all([
  build({
    entryPoints: { app: join(root, 'renderer/src/main.tsx') },
    outdir: join(out, 'renderer'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  }),
  // The Electron main process and the sandboxed preload: CommonJS for Electron's Node, 'electron' left to it.
  ...['main/electron/main.ts', 'preload/preload.ts'].map((entry) =>
    build({
      entryPoints: { [entry.includes('preload') ? 'preload' : 'main']: join(root, entry) },
      outdir: join(out, 'electron'),
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: ['node22'],
      external: ['electron'],
      sourcemap: !entry.includes('preload'),
      logLevel: 'warning',
    }),
  ),
  // The browser-mode host (`npm run serve`): one ESM file with every dependency, so start-up loads no
  // TypeScript compiler and resolves no modules. CommonJS dependencies get a real `require` for Node's built-ins.
  build({
    entryPoints: { cli: join(root, 'main/browser-host/cli.ts') },
    outdir: join(out, 'browser-host'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: ['node20'],
    sourcemap: true,
    banner: { js: "import { createRequire as __opsCreateRequire } from 'node:module'; const require = __opsCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  }),
]);
await copyFile(join(root, 'renderer/index.html'), join(out, 'renderer/index.html'));
console.log(`built dist/ in ${Date.now() - started} ms`);
