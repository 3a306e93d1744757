import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '../../preload/contract/incidents';
import { CoalescingWriter, atomicWriteFile, atomicWriteFileSync, isAtomicTempFile, removeStaleTempFiles } from './atomic-write';
import { IncidentStore, parseStoredIncident, serializeStoredIncident, type StoredIncident } from './store';
import { T0, makeIncident } from './test-fixtures';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ops-incident-store-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let n = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `d${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

function record(id: string, title = 'Disk full'): StoredIncident {
  return {
    detail: {
      incident: makeIncident({ id, title }),
      timeline: [{ id: 'e1', at: T0, recordedAt: T0, kind: 'declared', text: 'Declared', author: 'alice', starred: false, system: false }],
      evidence: [],
      messages: [],
    },
    watch: [{ fingerprint: 'f1', firing: true, alertname: 'DiskFull', instance: 'node1', lastChangeAt: T0 }],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('atomicWriteFile', () => {
  it('replaces the file and leaves no temp file', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await atomicWriteFile(file, 'one');
    await atomicWriteFile(file, 'two');
    assert.equal(await readFile(file, 'utf8'), 'two');
    assert.deepEqual(await readdir(dir), ['a.json']);
    atomicWriteFileSync(file, 'three');
    assert.equal(await readFile(file, 'utf8'), 'three');
    assert.deepEqual(await readdir(dir), ['a.json']);
  });

  it('leaves the old file intact and cleans up when the write fails', async () => {
    const dir = await freshDir();
    const file = join(dir, 'a.json');
    await atomicWriteFile(file, 'old');
    await assert.rejects(atomicWriteFile(join(dir, 'missing-dir', 'b.json'), 'x'), { code: 'ENOENT' });
    // Renaming onto a directory fails after the temp file was written: it must be removed.
    await mkdir(join(dir, 'adir'));
    await assert.rejects(atomicWriteFile(join(dir, 'adir'), 'x'));
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'adir']);
  });

  it('removes stale temp files, and only those', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, '.x.json.tmp-123-1-abcd'), 'partial');
    await writeFile(join(dir, 'x.json'), '{}');
    await writeFile(join(dir, '.hidden'), '');
    assert.deepEqual(await removeStaleTempFiles(dir), ['.x.json.tmp-123-1-abcd']);
    assert.deepEqual((await readdir(dir)).sort(), ['.hidden', 'x.json']);
    assert.equal(isAtomicTempFile('.a.json.tmp-1-2-3'), true);
    assert.equal(isAtomicTempFile('a.json'), false);
  });

  it('CoalescingWriter keeps order and writes the newest content last', async () => {
    const dir = await freshDir();
    const file = join(dir, 'c.json');
    const w = new CoalescingWriter();
    const writes = Array.from({ length: 20 }, (_, i) => w.write(file, () => String(i)));
    await Promise.all(writes);
    await w.idle();
    assert.equal(await readFile(file, 'utf8'), '19');
  });
});

describe('IncidentStore', () => {
  it('saves and loads incidents and templates', async () => {
    const dataDir = await freshDir();
    const store = new IncidentStore({ dataDir });
    await store.saveNow(record('INC-1'));
    await store.saveNow(record('INC-2', 'Federation down'));
    const custom: Template[] = [{ id: 't-1', name: 'Mine', body: 'Hi {{title}}', builtIn: false }];
    await store.saveTemplatesNow([...custom, { id: 'builtin-x', name: 'B', body: 'b', builtIn: true }]);
    const loaded = await new IncidentStore({ dataDir }).loadAll();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.incidents.map((r) => r.detail.incident.title), ['Disk full', 'Federation down']);
    assert.deepEqual(loaded.incidents[0], record('INC-1'));
    assert.deepEqual(loaded.templates, custom, 'built-ins are never stored');
    assert.deepEqual((await readdir(join(dataDir, 'incidents'))).sort(), ['INC-1.json', 'INC-2.json']);
  });

  it('autosaves within a second, coalescing a burst of changes', async () => {
    const dataDir = await freshDir();
    const store = new IncidentStore({ dataDir, debounceMs: 100, maxDelayMs: 400 });
    const r = record('INC-1');
    const file = join(dataDir, 'incidents', 'INC-1.json');
    const started = Date.now();
    // Keep typing every 30 ms for 1.2 s: the debounce alone would never fire; the max delay must.
    let firstSavedAt = 0;
    while (Date.now() - started < 1200) {
      r.detail.incident.impact = `typing ${Date.now() - started}`;
      store.schedule(r);
      await sleep(30);
      if (!firstSavedAt) {
        try {
          await readFile(file);
          firstSavedAt = Date.now() - started;
        } catch {
          // not yet
        }
      }
    }
    assert.ok(firstSavedAt > 0 && firstSavedAt < 1000, `first autosave after ${firstSavedAt} ms`);
    await store.flush();
    const saved = parseStoredIncident(await readFile(file, 'utf8'), 'INC-1');
    assert.ok('detail' in saved);
    assert.equal(saved.detail.incident.impact, r.detail.incident.impact, 'flush writes the newest state');
    await store.close();
  });

  it('flushSync writes what is pending (quit path)', async () => {
    const dataDir = await freshDir();
    const store = new IncidentStore({ dataDir, debounceMs: 10_000, maxDelayMs: 10_000 });
    await store.loadAll();
    store.schedule(record('INC-9', 'pending at quit'));
    store.flushSync();
    assert.equal(store.hasPending, false);
    const loaded = await new IncidentStore({ dataDir }).loadAll();
    assert.equal(loaded.incidents[0]?.detail.incident.title, 'pending at quit');
  });

  it('moves a corrupt file aside, reports it, and never overwrites it', async () => {
    const dataDir = await freshDir();
    const dir = join(dataDir, 'incidents');
    const store = new IncidentStore({ dataDir, now: () => 1700000000000 });
    await store.saveNow(record('INC-1'));
    const good = await readFile(join(dir, 'INC-1.json'), 'utf8');
    await writeFile(join(dir, 'INC-2.json'), good.slice(0, good.length / 2)); // truncated
    await writeFile(join(dir, 'INC-3.json'), good.replace('"critical"', '"catastrophic"')); // schema
    await writeFile(join(dir, 'INC-4.json'), good); // says INC-1 inside
    await writeFile(join(dir, '.INC-1.json.tmp-1-1-ab'), good.slice(0, 10)); // a crashed write
    const loaded = await new IncidentStore({ dataDir, now: () => 1700000000000 }).loadAll();
    assert.deepEqual(loaded.incidents.map((r) => r.detail.incident.id), ['INC-1']);
    assert.equal(loaded.problems.length, 3);
    const byFile = Object.fromEntries(loaded.problems.map((p) => [p.file.slice(dir.length + 1), p]));
    assert.match(byFile['INC-2.json']?.error ?? '', /ends early .* cut off/);
    assert.match(byFile['INC-3.json']?.error ?? '', /incident\.severity/);
    assert.match(byFile['INC-4.json']?.error ?? '', /file name says "INC-4" but it holds incident "INC-1"/);
    assert.equal(byFile['INC-2.json']?.movedTo, join(dir, 'INC-2.json.corrupt-1700000000000'));
    assert.deepEqual((await readdir(dir)).sort(), ['INC-1.json', 'INC-2.json.corrupt-1700000000000', 'INC-3.json.corrupt-1700000000000', 'INC-4.json.corrupt-1700000000000']);
    assert.equal(await readFile(join(dir, 'INC-4.json.corrupt-1700000000000'), 'utf8'), good, 'kept byte for byte');
    // A second corrupt file at the same moment does not overwrite the first one set aside.
    await writeFile(join(dir, 'INC-2.json'), '{');
    await new IncidentStore({ dataDir, now: () => 1700000000000 }).loadAll();
    assert.ok((await readdir(dir)).includes('INC-2.json.corrupt-1700000000000-1'));
  });

  it('leaves a file from a newer version in place and refuses to overwrite it', async () => {
    const dataDir = await freshDir();
    const dir = join(dataDir, 'incidents');
    await mkdir(dir, { recursive: true });
    const newer = JSON.stringify({ format: 'ops-console.incident-store', version: 7, whatever: true });
    await writeFile(join(dir, 'INC-5.json'), newer);
    const store = new IncidentStore({ dataDir });
    const loaded = await store.loadAll();
    assert.equal(loaded.problems.length, 1);
    assert.equal(loaded.problems[0]?.movedTo, null);
    assert.match(loaded.problems[0]?.error ?? '', /newer Ops Console: version 7 > 1/);
    await assert.rejects(store.saveNow(record('INC-5')), /not overwritten/);
    assert.equal(await readFile(join(dir, 'INC-5.json'), 'utf8'), newer);
  });

  it('handles a corrupt templates file the same way', async () => {
    const dataDir = await freshDir();
    await writeFile(join(dataDir, 'incident-templates.json'), '{"format":"ops-console.incident-templates","version":1,"savedAt":1,"templates":[{"id":"x"}]}');
    const loaded = await new IncidentStore({ dataDir, now: () => 5 }).loadAll();
    assert.deepEqual(loaded.templates, []);
    assert.equal(loaded.problems[0]?.movedTo, join(dataDir, 'incident-templates.json.corrupt-5'));
    assert.match(loaded.problems[0]?.error ?? '', /templates\[0\]\.name/);
  });

  it('refuses unsafe ids as file names', () => {
    const store = new IncidentStore({ dataDir: root });
    assert.throws(() => store.pathFor('../etc/passwd'));
    assert.throws(() => store.pathFor('.hidden'));
    assert.throws(() => store.pathFor('a/b'));
  });

  it('reports save failures and retries', async () => {
    const dataDir = await freshDir();
    const errors: string[] = [];
    const store = new IncidentStore({ dataDir, debounceMs: 5, maxDelayMs: 10, retryMs: 150, onError: (e, f) => errors.push(`${f}: ${(e as Error).message}`) });
    await store.loadAll();
    // Make the target a directory: the rename fails.
    const blocker = join(dataDir, 'incidents', 'INC-7.json');
    await mkdir(blocker);
    store.schedule(record('INC-7'));
    await sleep(100);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /INC-7\.json/);
    await rm(blocker, { recursive: true });
    await sleep(300);
    assert.equal(errors.length, 1, 'the retry succeeded');
    const saved = parseStoredIncident(await readFile(blocker, 'utf8'), 'INC-7');
    assert.ok('detail' in saved);
    await store.close();
  });

  it('serialises a versioned envelope', () => {
    const doc = JSON.parse(serializeStoredIncident(record('INC-1'), 42)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['format', 'version', 'savedAt', 'incident', 'timeline', 'evidence', 'messages', 'watch']);
    assert.equal(doc.format, 'ops-console.incident-store');
    assert.equal(doc.savedAt, 42);
  });
});
