// `npm run dist`: builds dist/ and packages the app for the current platform with electron-builder
// (electron-builder.yml: Linux AppImage + deb, macOS dmg, Windows nsis). Packaging needs Electron's
// own binary; where it cannot be had (no download possible), this fails at once and says why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const platformFlag = { linux: '--linux', darwin: '--mac', win32: '--win' }[process.platform];

function fail(message) {
  console.error(`npm run dist: ${message}`);
  process.exit(1);
}

if (!platformFlag) fail(`no package target for platform "${process.platform}" (electron-builder.yml covers linux, darwin and win32)`);
const bin = findElectronBinary();
if (!bin.path) {
  fail(
    `cannot package: Electron's binary is not available here — ${bin.why}.\n` +
      '  Fix: on a machine that can reach Electron\'s download host, run `npm ci` (without ELECTRON_SKIP_BINARY_DOWNLOAD),\n' +
      '  or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron for this platform, then run `npm run dist` again.',
  );
}
const builderCli = join(root, 'node_modules', 'electron-builder', 'cli.js');
if (!existsSync(builderCli)) fail('electron-builder is not installed (npm ci)');

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${[cmd, ...args].join(' ')} exited with ${r.status}`);
};

run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
// electronDist: package the Electron already on disk instead of downloading another copy.
const electronDist = process.platform === 'darwin' ? join(dirname(bin.path), '..', '..', '..') : dirname(bin.path);
run(process.execPath, [builderCli, platformFlag, '--publish', 'never', `-c.electronDist=${electronDist}`]);
console.log(`npm run dist: packages are in ${join(root, 'release')}`);
