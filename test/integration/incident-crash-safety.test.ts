/**
 * Crash safety of incident files: a child process saves incidents in a tight loop and is killed
 * with SIGKILL at random moments. After every kill each file must parse as a complete incident
 * and hold either the last version the child reported saved or the one it was writing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IncidentStore, parseStoredIncident } from '../../main/incidents/store';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = join(ROOT, 'test', 'support', 'incident-writer.ts');
const INCIDENTS = 3;
const MIN_KILLS = 20;
const MAX_KILLS = 60;
/** Stop starting new rounds after this; the whole test must stay under 30 s. */
const BUDGET_MS = 10_000;

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ops-incident-crash-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

interface Round {
  reported: Map<string, number>;
  sawReady: boolean;
  stderr: string;
  problems: string | null;
}

interface Writer {
  /** Tells the writer to start, kills it with SIGKILL `delayMs` after it is ready, resolves when it is gone. */
  runAndKill(delayMs: number): Promise<Round>;
  /** Kills a writer that was never started. */
  discard(): Promise<void>;
}

/**
 * Spawns a writer that loads its modules and then waits for "go": the next writer starts while the
 * current one runs, so the ~0.5 s of start-up is not paid per kill.
 */
function spawnWriter(): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(INCIDENTS)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const round: Round = { reported: new Map(), sawReady: false, stderr: '', problems: null };
  let buffer = '';
  let delay = 0;
  let killTimer: NodeJS.Timeout | null = null;
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  child.stdin.on('error', () => undefined); // the pipe breaks when the child is killed
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line === 'ready') {
        round.sawReady = true;
        killTimer = setTimeout(() => child.kill('SIGKILL'), delay);
      } else if (line.startsWith('saved ')) {
        const [, id = '', v = ''] = line.split(' ');
        round.reported.set(id, Number(v));
      } else if (line.startsWith('problems ')) round.problems = line;
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (round.stderr += c));
  return {
    async runAndKill(delayMs) {
      delay = delayMs;
      const guard = setTimeout(() => child.kill('SIGKILL'), 10_000); // never hang the suite
      child.stdin.write('go\n');
      await closed;
      clearTimeout(guard);
      if (killTimer) clearTimeout(killTimer);
      return round;
    },
    async discard() {
      child.kill('SIGKILL');
      await closed;
    },
  };
}

describe('incident files survive kill -9', () => {
  it(`every file is the previous or the new version after ${MIN_KILLS}+ random kills`, { timeout: 30_000 }, async () => {
    const started = Date.now();
    const known = new Map<string, number>(); // version on disk as last verified or reported
    let kills = 0;
    let midWrite = 0;
    // A few writers start up ahead of time; only the one told "go" touches the files.
    const spares = [spawnWriter(), spawnWriter()];
    while (kills < MAX_KILLS && (kills < MIN_KILLS || Date.now() - started < BUDGET_MS)) {
      const current = spares.shift() ?? spawnWriter();
      spares.push(spawnWriter());
      const round = await current.runAndKill(Math.floor(Math.random() * 150));
      assert.equal(round.problems, null, `the writer found problems at start: ${round.problems}`);
      assert.ok(round.sawReady, `the writer did not start: ${round.stderr}`);
      kills++;
      const dir = join(dataDir, 'incidents');
      for (let i = 1; i <= INCIDENTS; i++) {
        const id = `INC-${i}`;
        const reported = round.reported.get(id);
        const before = Math.max(known.get(id) ?? 0, reported ?? 0);
        let text: string;
        try {
          text = await readFile(join(dir, `${id}.json`), 'utf8');
        } catch (err) {
          assert.equal((err as NodeJS.ErrnoException).code, 'ENOENT');
          assert.equal(before, 0, `${id}.json vanished after version ${before} was saved`);
          continue;
        }
        const parsed = parseStoredIncident(text, id);
        assert.ok('detail' in parsed, `kill ${kills}: ${id}.json does not parse: ${'error' in parsed ? parsed.error : ''}`);
        const version = Number(/^version (\d+)$/.exec(parsed.detail.incident.title)?.[1]);
        assert.ok(version === before || version === before + 1, `kill ${kills}: ${id}.json holds version ${version}, expected ${before} or ${before + 1}`);
        if (version === before + 1) midWrite++;
        // Not a mix of two versions: every part of the record says the same version.
        assert.equal(parsed.detail.incident.impact, `v${version}`);
        assert.ok(parsed.detail.timeline.every((e) => e.text.startsWith(`v${version} `)), `${id}.json mixes versions`);
        known.set(id, version);
      }
    }
    await Promise.all(spares.map((w) => w.discard()));
    // What a fresh start sees: no problems, stray temp files cleaned.
    const loaded = await new IncidentStore({ dataDir }).loadAll();
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.incidents.length, INCIDENTS);
    const names = await readdir(join(dataDir, 'incidents'));
    assert.deepEqual(names.sort(), ['INC-1.json', 'INC-2.json', 'INC-3.json']);
    const elapsed = Date.now() - started;
    assert.ok(kills >= MIN_KILLS);
    assert.ok(elapsed < 30_000);
    const total = [...known.values()].reduce((a, b) => a + b, 0);
    console.log(`# ${kills} kills in ${elapsed} ms; ${total} saves; ${midWrite} times a file held the version being written when killed`);
  });
});
