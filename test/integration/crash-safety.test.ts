/**
 * Crash safety of the settings file: a child process runs the real core and SettingsService and saves
 * settings as fast as it can (each save through the project's atomic writer); the test kills it with
 * SIGKILL at a random moment, in a loop, and checks that settings.json is always exactly the last
 * acknowledged version or the one being written — never empty, cut, mixed, or moved aside as unreadable —
 * and that the next start reads it. (Incident files are covered by incident-crash-safety.test.ts.)
 * Bounded: at most ~15 s of killing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUDGET_MS = 15_000;
const MAX_KILLS = 40;

let tmp: string;
let childJs: string;

const CHILD = `
import { ConsoleCore } from ${JSON.stringify(join(ROOT, 'main/core/console-core.ts'))};
import { SettingsService } from ${JSON.stringify(join(ROOT, 'main/settings/settings-service.ts'))};
import { createMemorySecretStore } from ${JSON.stringify(join(ROOT, 'main/settings/secret-store.ts'))};
import { parseConfig } from ${JSON.stringify(join(ROOT, 'main/config/load.ts'))};
import { readFileSync } from 'node:fs';

const dataDir = process.argv[2];
const base = parseConfig(JSON.stringify({ environments: [{ name: 'prod', prometheus: [{ name: 'p', url: 'http://127.0.0.1:1' }] }] }));
const core = new ConsoleCore({ config: base, host: { kind: 'browser', dataDir, openExternal: async () => false } });
const settings = new SettingsService(core, { secrets: createMemorySecretStore() });
core.addFeature(settings);
if (settings.state().problem) { process.stdout.write('PROBLEM ' + settings.state().problem + '\\n'); process.exit(3); }
let n = 0;
try { n = Number(JSON.parse(readFileSync(settings.path, 'utf8')).settings.user.slice(2)) || 0; } catch {}
// ~60 KB per version: many environments, so a torn write would show.
const envs = (k) => Array.from({ length: 120 }, (_, i) => ({ name: 'env-' + i, prometheus: [{ name: 'p' + k, url: 'http://127.0.0.1:' + (1000 + i) + '/v' + k }] }));
for (;;) {
  n += 1;
  process.stdout.write('BEGIN ' + n + '\\n');
  const r = await core.invoke('settings.update', { patch: { user: 'u-' + n, environments: envs(n), defaultEnvironment: 'env-0' } });
  if (!r.ok) { process.stdout.write('ERROR ' + JSON.stringify(r.error) + '\\n'); process.exit(2); }
  process.stdout.write('SAVED ' + n + '\\n');
}
`;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ops-console-crash-'));
  const entry = join(tmp, 'child-entry.ts');
  writeFileSync(entry, CHILD);
  childJs = join(tmp, 'child.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childJs,
    logLevel: 'silent',
    external: ['electron'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  saved: number;
  begun: number;
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the child, lets it complete `saves` saves (counted from its start), then SIGKILLs it. */
function runAndKill(dataDir: string, saves: number, extraDelayMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [childJs, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { saved: 0, begun: 0, output: '', code: null, signal: null };
    let seen = 0;
    let killing = false;
    const hardStop = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      run.output += d.toString();
      for (const m of d.toString().matchAll(/(BEGIN|SAVED) (\d+)/g)) {
        const n = Number(m[2]);
        if (m[1] === 'BEGIN') run.begun = n;
        else {
          run.saved = n;
          seen += 1;
        }
      }
      if (!killing && seen >= saves) {
        killing = true;
        // Somewhere inside the next save: right away, or after a short random delay.
        if (extraDelayMs === 0) child.kill('SIGKILL');
        else setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (run.output += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(hardStop);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

test('settings.json after kill -9 mid-save is always the previous or the new version', async () => {
  const dataDir = join(tmp, 'data');
  mkdirSync(dataDir);
  const started = Date.now();
  let kills = 0;
  let lastAck = 0;
  const outcomes = { previous: 0, next: 0 };
  while (Date.now() - started < BUDGET_MS && kills < MAX_KILLS) {
    const saves = 1 + (kills % 7);
    const delay = [0, 1, 3, 7, 15, 30, 60][(kills * 3) % 7]!;
    const run = await runAndKill(dataDir, saves, delay);
    assert.equal(run.signal, 'SIGKILL', `child ended by itself (code ${run.code}): ${run.output.slice(-500)}`);
    kills += 1;
    const text = readFileSync(join(dataDir, 'settings.json'), 'utf8');
    let user: string;
    try {
      user = (JSON.parse(text) as { settings: { user: string } }).settings.user;
    } catch (err) {
      assert.fail(`kill ${kills}: settings.json is broken (${(err as Error).message}), ${text.length} chars`);
    }
    const n = Number(user.slice(2));
    // Acknowledged up to run.saved; run.begun may or may not have reached the disk.
    assert.ok(n === run.saved || n === run.begun, `kill ${kills}: file holds version ${n}; acknowledged ${run.saved}, being written ${run.begun}`);
    assert.ok(n >= lastAck, 'never goes back to an older version');
    if (n === run.saved) outcomes.previous += 1;
    else outcomes.next += 1;
    lastAck = run.saved;
    const stray = readdirSync(dataDir).filter((f) => f.includes('unreadable'));
    assert.deepEqual(stray, [], 'no file was found unreadable at start');
  }
  // The next start reads the file without a problem (the child exits with 3 if the service reports one).
  const final = await runAndKill(dataDir, 1, 0);
  assert.equal(final.signal, 'SIGKILL', final.output.slice(-300));
  assert.ok(kills >= 5, `only ${kills} kills in the time budget`);
  console.log(`crash-safety: ${kills} kills in ${Date.now() - started} ms; file held the previous version ${outcomes.previous}x, the new one ${outcomes.next}x; temp files left: ${readdirSync(dataDir).filter((f) => f.includes('.tmp-')).length}`);
});

test('start-up cleanup of stale temp files never breaks a save in progress in the same data folder', async () => {
  // IncidentStore.loadAll() clears stale temp files in the data folder (its templates file lives there)
  // while SettingsService may be saving settings.json in the same folder.
  const { atomicWriteFile, removeStaleTempFiles } = await import('../../main/incidents/atomic-write');
  const dir = join(tmp, 'race');
  mkdirSync(dir);
  const big = 'x'.repeat(32 * 1024 * 1024);
  const failures: string[] = [];
  for (let i = 0; i < 5; i++) {
    const write = atomicWriteFile(join(dir, 'settings.json'), `${i}${big}`).catch((err: Error) => failures.push(err.message));
    // Let the write create its temp file, then clean up as a start-up would.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
    await removeStaleTempFiles(dir);
    await write;
  }
  assert.deepEqual(failures, [], 'a save was broken by the cleanup');
  assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8').slice(0, 1), '4');
});
