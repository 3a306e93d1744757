/**
 * Child process for test/integration/incident-crash-safety.test.ts: saves incidents through
 * IncidentStore in a tight loop until it is killed.
 *
 *   node --import tsx test/support/incident-writer.ts <dataDir> [incidentCount]
 *
 * Loads its modules, prints "loaded", and waits for a line "go" on stdin (so the parent can start the
 * next writer while the current one runs, and only one ever touches the files). Then it reads the
 * folder, prints "ready", and prints "saved <id> <version>" after each save has completed (written
 * with writeSync on fd 1, so a line printed is a line the parent gets even if killed right after).
 * Versions continue from what is on disk, so they only grow across restarts.
 */
import { writeSync } from 'node:fs';
import type { TimelineEntry } from '../../preload/contract/incidents';
import { IncidentStore, type StoredIncident } from '../../main/incidents/store';

const dataDir = process.argv[2];
const count = Number(process.argv[3] ?? 3);
if (!dataDir) {
  process.stderr.write('usage: incident-writer.ts <dataDir> [incidentCount]\n');
  process.exit(2);
}

const T0 = Date.UTC(2026, 10, 21, 8, 12);

function versionOf(record: StoredIncident): number {
  return Number(/^version (\d+)$/.exec(record.detail.incident.title)?.[1] ?? NaN);
}

function build(id: string, version: number): StoredIncident {
  // ~100 KB per file: big enough that kills land in the middle of writes.
  const timeline: TimelineEntry[] = Array.from({ length: 300 }, (_, i) => ({
    id: `e${i}`,
    at: T0 + i * 1000,
    recordedAt: T0 + i * 1000,
    kind: 'note',
    text: `v${version} entry ${i} ${'lorem ipsum dolor sit amet '.repeat(8)}`,
    author: 'writer',
    starred: false,
    system: false,
  }));
  return {
    detail: {
      incident: {
        id,
        title: `version ${version}`,
        severity: 'critical',
        status: 'investigating',
        commander: 'writer',
        impact: `v${version}`,
        services: [],
        instances: [],
        environment: 'test',
        declaredAt: T0,
        linkedAlerts: [],
        escalationLevel: 0,
        nextUpdateDueAt: null,
        milestones: {},
        links: [],
        updatedAt: T0 + version,
      },
      timeline,
      evidence: [],
      messages: [],
    },
    watch: [],
  };
}

async function main(dir: string): Promise<void> {
  const store = new IncidentStore({ dataDir: dir });
  const loaded = await store.loadAll();
  if (loaded.problems.length) {
    writeSync(1, `problems ${JSON.stringify(loaded.problems)}\n`);
    process.exit(3);
  }
  const versions = new Map<string, number>();
  for (let i = 1; i <= count; i++) versions.set(`INC-${i}`, 0);
  for (const r of loaded.incidents) versions.set(r.detail.incident.id, versionOf(r));
  writeSync(1, 'ready\n');
  for (;;) {
    for (const [id, v] of versions) {
      const next = v + 1;
      await store.saveNow(build(id, next));
      versions.set(id, next);
      writeSync(1, `saved ${id} ${next}\n`);
    }
  }
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      input += chunk;
      if (input.includes('go\n')) {
        process.stdin.pause();
        resolve();
      }
    });
  });
}

writeSync(1, 'loaded\n');
void waitForGo().then(() => main(dataDir));
