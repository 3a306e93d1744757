/**
 * Property-based fuzzing (fast-check) of every parser of files from outside: config files (parseConfig),
 * imported incident files (parseIncidentExport, and IncidentService.importIncident), settings imports
 * (parseImport, and the settings.import request end to end). Inputs: random text, random JSON, valid
 * documents with random edits and text damage (cut, flipped byte, BOM, garbage).
 * Property: a value, or the module's documented error (ConfigError / IncidentFileError / SettingsError,
 * ConsoleError 'invalid-argument' at the request) with a clear message; and where the parser feeds a
 * write, a failed import writes nothing (the file on disk is byte-for-byte the previous one).
 *
 * FUZZ_RUNS (default 1000) cases per property; FUZZ_RUNS=10000 for the full run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, parseConfig } from '../../main/config/load';
import { IncidentFileError, parseIncidentExport, serializeIncidentExport } from '../../main/incidents/export-format';
import { IncidentService } from '../../main/incidents/incident-service';
import { makeIncident } from '../../main/incidents/test-fixtures';
import { SettingsError, parseImport } from '../../main/settings/settings-model';
import { ConsoleCore } from '../../main/core/console-core';
import { SettingsService } from '../../main/settings/settings-service';
import { createMemorySecretStore } from '../../main/settings/secret-store';
import { FUZZ_RUNS, anyJson, damagedText, fuzzParams, hostileLeaf, mutated } from './fuzz-support';
import type { Json } from './fuzz-support';

const counts: Record<string, number> = {};
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  console.log(`fuzz cases per parser (FUZZ_RUNS=${FUZZ_RUNS}): ${JSON.stringify(counts)}`);
});

function outcome<T>(name: string, parse: () => T, errType: new (...a: never[]) => Error, check: (v: T) => void = () => undefined): 'ok' | 'error' {
  counts[name] = (counts[name] ?? 0) + 1;
  let v: T;
  try {
    v = parse();
  } catch (err) {
    assert.ok(err instanceof errType, `${name} threw ${(err as Error)?.constructor?.name}: ${String((err as Error)?.message).slice(0, 200)}`);
    assert.ok(err.message.length > 0 && err.message.length < 4000, `${name}: message of ${err.message.length} chars`);
    assert.doesNotMatch(err.message, /\[object Object\]|undefined is not|Cannot read prop/, `${name}: unclear message ${err.message.slice(0, 200)}`);
    return 'error';
  }
  check(v);
  return 'ok';
}

// ---------------------------------------------------------------------------------------------
// config files

const url = fc.oneof(fc.constantFrom('http://127.0.0.1:9090', 'https://prom.example.org/', 'javascript:alert(1)', 'ftp://x', 'http://', ''), fc.webUrl());
const connection = fc.record({ name: fc.string({ maxLength: 12 }), url }, { requiredKeys: ['name', 'url'] });
const validConfig = fc.record({
  environments: fc.array(
    fc.record({
      name: fc.string({ minLength: 1, maxLength: 12 }),
      prometheus: fc.array(connection, { maxLength: 2 }),
      alertmanager: fc.array(connection, { maxLength: 2 }),
      thresholds: fc.record({ cpu: fc.record({ warning: fc.integer({ min: 0, max: 100 }), critical: fc.integer({ min: 0, max: 100 }) }) }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  polling: fc.record({ prometheusMs: fc.integer({ min: -10, max: 100_000 }), timeoutMs: fc.integer({ min: 0, max: 200_000 }) }),
  theme: fc.constantFrom('system', 'light', 'dark', 'neon'),
}) as fc.Arbitrary<Json>;

test('parseConfig: a validated config or a ConfigError naming the source and the key', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    anyJson.map((j) => JSON.stringify(j)),
    mutated(validConfig).map((j) => JSON.stringify(j, null, 2)),
    damagedText(validConfig.map((j) => JSON.stringify(j, null, 2))),
  );
  fc.assert(
    fc.property(text, (t) => {
      const r = outcome('parseConfig', () => parseConfig(t, '/etc/ops-console/config.json'), ConfigError, (cfg) => {
        assert.ok(cfg.environments.length >= 1);
        for (const e of cfg.environments) for (const s of [...e.prometheus, ...e.alertmanager]) assert.match(s.url, /^https?:\/\//i);
      });
      if (r === 'error') {
        try {
          parseConfig(t, '/etc/ops-console/config.json');
        } catch (err) {
          assert.match((err as Error).message, /^\/etc\/ops-console\/config\.json: /, 'the error names the file');
        }
      }
    }),
    fuzzParams(),
  );
});

// ---------------------------------------------------------------------------------------------
// incident export files

const T = Date.UTC(2026, 10, 21, 8, 0, 0);
const validExport = fc
  .record({
    title: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), hostileLeaf.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length < 200)),
    impact: fc.string({ maxLength: 100 }),
    severity: fc.constantFrom('critical', 'major', 'minor'),
  })
  .map((o) => {
    try {
      return JSON.parse(serializeIncidentExport({ incident: makeIncident({ title: o.title, impact: o.impact }), timeline: [], evidence: [], messages: [], templates: [] }, { exportedAt: T })) as Json;
    } catch {
      return JSON.parse(serializeIncidentExport({ incident: makeIncident(), timeline: [], evidence: [], messages: [], templates: [] }, { exportedAt: T })) as Json;
    }
  });

test('parseIncidentExport: an export or an IncidentFileError saying what is wrong and where', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    anyJson.map((j) => JSON.stringify(j)),
    mutated(validExport).map((j) => JSON.stringify(j, null, 2)),
    damagedText(validExport.map((j) => JSON.stringify(j, null, 2))),
  );
  fc.assert(
    fc.property(text, (t) => {
      outcome('parseIncidentExport', () => parseIncidentExport(t), IncidentFileError, (doc) => {
        assert.equal(doc.format, 'ops-console.incident');
        assert.equal(typeof doc.incident.title, 'string');
      });
    }),
    fuzzParams(),
  );
  // Oversized and deeply nested files are refused cleanly.
  assert.throws(() => parseIncidentExport('x'.repeat(30 * 1024 * 1024)), (e: unknown) => e instanceof IncidentFileError && e.problem === 'oversized');
  assert.throws(() => parseIncidentExport('['.repeat(100_000) + ']'.repeat(100_000)), (e: unknown) => e instanceof IncidentFileError && e.problem === 'wrong-format');
});

test('incidents.import: read-only review, never a write, whatever the file holds', () => {
  let writes = 0;
  const service = new IncidentService({
    now: () => T,
    persistence: {
      schedule: () => void (writes += 1),
      scheduleTemplates: () => void (writes += 1),
    },
  });
  const text = fc.oneof(anyJson.map((j) => JSON.stringify(j)), mutated(validExport).map((j) => JSON.stringify(j)), damagedText(validExport.map((j) => JSON.stringify(j))));
  fc.assert(
    fc.property(text, (t) => {
      counts['IncidentService.importIncident'] = (counts['IncidentService.importIncident'] ?? 0) + 1;
      try {
        const review = service.importIncident({ content: t, fileName: '../../etc/passwd' });
        assert.equal(review.readOnly, true);
        assert.equal(review.fileName, 'passwd', 'no path from the file name is kept');
      } catch (err) {
        assert.ok(err instanceof IncidentFileError, `threw ${(err as Error)?.constructor?.name}`);
      }
      assert.equal(writes, 0);
    }),
    fuzzParams(),
  );
});

// ---------------------------------------------------------------------------------------------
// settings imports

const validSettings = fc.record({
  environments: fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }), prometheus: fc.array(connection, { maxLength: 2 }) }), { minLength: 1, maxLength: 2 }),
  user: fc.string({ maxLength: 20 }),
  theme: fc.constantFrom('system', 'light', 'dark'),
  ackDurationMs: fc.integer({ min: -1, max: 10_000_000 }),
}) as fc.Arbitrary<Json>;

test('settings parseImport: a settings object or a SettingsError', () => {
  const text = fc.oneof(fc.string({ maxLength: 200 }), anyJson.map((j) => JSON.stringify(j)), mutated(validSettings).map((j) => JSON.stringify(j)), damagedText(validSettings.map((j) => JSON.stringify(j, null, 2))));
  fc.assert(
    fc.property(text, (t) => {
      outcome('settings.parseImport', () => parseImport(t), SettingsError, (o) => assert.ok(o && typeof o === 'object'));
    }),
    fuzzParams(),
  );
});

test('settings.import end to end: a refused import leaves settings.json exactly as it was', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ops-console-fuzz-settings-'));
  dirs.push(dataDir);
  const base = parseConfig(JSON.stringify({ environments: [{ name: 'prod', prometheus: [{ name: 'p', url: 'http://127.0.0.1:1' }] }] }));
  const core = new ConsoleCore({ config: base, host: { kind: 'browser', dataDir, openExternal: async () => false } });
  const settings = new SettingsService(core, { secrets: createMemorySecretStore() });
  core.addFeature(settings);
  const file = settings.path;
  const first = await core.invoke('settings.update', { patch: { user: 'alice' } });
  assert.equal(first.ok, true, JSON.stringify(first));
  const text = fc.oneof(anyJson.map((j) => JSON.stringify(j)), mutated(validSettings).map((j) => JSON.stringify(j)), damagedText(validSettings.map((j) => JSON.stringify(j))));
  // Each case goes through the real request, schema check and atomic save: fewer cases than the pure parsers.
  const runs = Math.max(50, Math.round(FUZZ_RUNS / 5));
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      counts['settings.import (request)'] = (counts['settings.import (request)'] ?? 0) + 1;
      const before = readFileSync(file, 'utf8');
      const r = await core.invoke('settings.import', { text: t });
      const afterText = readFileSync(file, 'utf8');
      if (!r.ok) {
        assert.ok(['invalid-argument', 'conflict', 'unavailable'].includes(r.error.code), `${r.error.code}: ${r.error.message}`);
        assert.equal(afterText, before, 'a refused import wrote to settings.json');
      } else {
        accepted += 1;
        const saved = JSON.parse(afterText) as { settings: object };
        assert.ok(saved.settings && typeof saved.settings === 'object', 'a complete, valid file');
      }
      assert.deepEqual(
        readdirSync(dataDir).filter((n) => n.includes('.tmp-')),
        [],
        'no temp file left behind',
      );
    }),
    fuzzParams(runs),
  );
  assert.ok(existsSync(file));
  console.log(`settings.import: ${accepted} of ${runs} fuzzed imports accepted`);
  await core.shutdown();
});
