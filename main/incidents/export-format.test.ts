import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Evidence, Incident, Message, Template, TimelineEntry } from '../../preload/contract/incidents';
import {
  EXPORT_FORMAT,
  IncidentFileError,
  buildIncidentExport,
  compareEntries,
  locateJsonError,
  parseIncidentExport,
  serializeIncidentExport,
  type IncidentExportInput,
} from './export-format';
import { scrubDeep, scrubText } from './scrub';
import { BUILTIN_TEMPLATES } from './templates';
import { T0, makeIncident } from './test-fixtures';

/** FC_RUNS=10000 for the full run. */
const RUNS = Number(process.env.FC_RUNS ?? 200);

// ---------------------------------------------------------------------------------------------
// Arbitraries: everything the schema allows, small.
// ---------------------------------------------------------------------------------------------

const SECRETISH = [
  'password=hunter2',
  'Authorization: Bearer abcdefghijklmnop',
  'https://u:pw@host.example/x?token=abc&y=1',
  '"api_key": "k-123"',
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  'ghp_abcdefghijklmnopqrstuvwxyz012345',
  'session=[REDACTED]',
  'pwd: ***',
  'token=',
];
const text = (maxLength = 30) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ maxLength, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ maxLength, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...SECRETISH), fc.string({ maxLength: 5 })).map((p) => p.join('')) },
    { weight: 1, arbitrary: fc.constantFrom('<script>alert(1)</script>', 'javascript:alert(1)', '"quoted"\n\tline', '{{severity}}', '') },
  );
const nonEmpty = (maxLength = 30) => text(maxLength).filter((s) => s.length > 0);
const id = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,20}$/);
const epoch = fc.integer({ min: 0, max: 4_102_444_800_000 });
const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
const stringMap = fc.dictionary(fc.oneof(key, fc.constantFrom('alertname', 'instance', 'password', 'summary')), text(), { maxKeys: 4, noNullPrototype: true });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://tickets.example/T-1?access_token=abc', 'http://user:secret@host.example:8080/p'),
);
const severity = fc.constantFrom('critical', 'high', 'medium', 'low') as fc.Arbitrary<Incident['severity']>;
const status = fc.constantFrom('investigating', 'identified', 'monitoring', 'resolved') as fc.Arbitrary<Incident['status']>;

const linkedAlert = fc.record({
  fingerprint: fc.string({ minLength: 1, maxLength: 16 }),
  linkedAt: epoch,
  snapshot: fc.record({ labels: stringMap, annotations: stringMap, startsAt: fc.string({ maxLength: 30 }), state: fc.constantFrom('active', 'suppressed', 'unprocessed') }),
  firing: fc.boolean(),
  lastChangeAt: epoch,
});

const incident: fc.Arbitrary<Incident> = fc.record(
  {
    id,
    title: nonEmpty(),
    severity,
    status,
    commander: text(),
    commsLead: text(),
    impact: text(100),
    services: fc.array(text(), { maxLength: 3 }),
    instances: fc.array(text(), { maxLength: 3 }),
    environment: text(),
    declaredAt: epoch,
    resolvedAt: epoch,
    eta: text(),
    linkedAlerts: fc.array(linkedAlert, { maxLength: 3 }),
    escalationLevel: fc.integer({ min: 0, max: 4 }),
    nextUpdateDueAt: fc.option(epoch, { nil: null }),
    milestones: fc.record({ respondedAt: epoch, notifiedAt: epoch, statusPageAt: epoch, reviewedAt: epoch }, { requiredKeys: [] }),
    links: fc.array(fc.record({ title: text(), url }), { maxLength: 3 }),
    updatedAt: epoch,
  },
  { requiredKeys: ['id', 'title', 'severity', 'status', 'commander', 'impact', 'services', 'instances', 'environment', 'declaredAt', 'linkedAlerts', 'escalationLevel', 'nextUpdateDueAt', 'milestones', 'links', 'updatedAt'] },
);

const entry: fc.Arbitrary<TimelineEntry> = fc.record(
  {
    id,
    at: epoch,
    recordedAt: epoch,
    editedAt: epoch,
    kind: fc.constantFrom('declared', 'status', 'severity', 'alert-firing', 'alert-resolved', 'ack', 'unack', 'silence', 'message', 'note', 'escalation', 'evidence', 'manual', 'field'),
    text: text(200),
    author: text(),
    starred: fc.boolean(),
    system: fc.boolean(),
    data: fc.dictionary(key, fc.oneof(text(), finite, fc.boolean(), fc.constant(null)), { maxKeys: 4, noNullPrototype: true }),
  },
  { requiredKeys: ['id', 'at', 'recordedAt', 'kind', 'text', 'author', 'starred', 'system'] },
);

const evidenceCommon = { id, at: epoch, author: text(), title: text(), note: text() };
const evidence: fc.Arbitrary<Evidence> = fc.oneof(
  fc.record(
    { ...evidenceCommon, kind: fc.constant('alert' as const), fingerprint: fc.string({ minLength: 1, maxLength: 16 }), labels: stringMap, annotations: stringMap, startsAt: fc.string({ maxLength: 30 }), state: fc.string({ maxLength: 10 }) },
    { requiredKeys: ['id', 'at', 'author', 'title', 'kind', 'fingerprint', 'labels', 'annotations', 'startsAt', 'state'] },
  ),
  fc.record(
    {
      ...evidenceCommon,
      kind: fc.constant('logs' as const),
      query: text(),
      source: text(),
      lines: fc.array(
        fc.record({
          time: fc.string({ maxLength: 30 }),
          level: fc.constantFrom('info', 'warn', 'ERROR', '<b>'),
          message: text(100),
          fields: fc.dictionary(key, fc.oneof(text(), finite, fc.boolean(), fc.constant(null)), { maxKeys: 3, noNullPrototype: true }),
        }),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['id', 'at', 'author', 'title', 'kind', 'lines'] },
  ),
  fc.record(
    {
      ...evidenceCommon,
      kind: fc.constant('chart' as const),
      unit: fc.string({ maxLength: 5 }),
      query: text(),
      series: fc.array(fc.record({ name: text(), points: fc.array(fc.tuple(finite, finite), { maxLength: 6 }) }), { maxLength: 3 }),
    },
    { requiredKeys: ['id', 'at', 'author', 'title', 'kind', 'unit', 'series'] },
  ),
) as fc.Arbitrary<Evidence>;

const template: fc.Arbitrary<Template> = fc.record({ id, name: nonEmpty(), body: nonEmpty(100), builtIn: fc.boolean() });

const exportInput: fc.Arbitrary<IncidentExportInput> = fc
  .record({
    incident,
    timeline: fc.array(entry, { maxLength: 8 }),
    evidence: fc.array(evidence, { maxLength: 3 }),
    templates: fc.uniqueArray(template, { maxLength: 4, selector: (t) => t.id }),
  })
  .chain(({ incident, timeline, evidence, templates }) => {
    const templateId = fc.oneof(fc.constant(null), id, ...(templates.length ? [fc.constantFrom(...templates.map((t) => t.id))] : []));
    const message: fc.Arbitrary<Message> = fc.record({
      id,
      templateId,
      text: text(200),
      markdown: text(200),
      at: epoch,
      author: text(),
      audiences: fc.subarray(['stakeholders', 'status-page'] as Message['audiences']),
    });
    return fc.array(message, { maxLength: 4 }).map((messages) => ({ incident, timeline, evidence, messages, templates }));
  });

/** JSON-clean copy (drops prototypes fast-check may have chosen). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

// ---------------------------------------------------------------------------------------------

describe('incident export round trip (property)', () => {
  it(`serialize → parse gives the same incident, scrubbed and with a sorted timeline (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(exportInput, epoch, (input, exportedAt) => {
        const text = serializeIncidentExport(input, { exportedAt });
        const parsed = parseIncidentExport(text);
        assert.deepStrictEqual(parsed, plain(buildIncidentExport(input, exportedAt)));
        // Against the input itself: only scrubbing and ordering differ.
        assert.deepStrictEqual(parsed.incident, plain(scrubDeep(input.incident)));
        assert.deepStrictEqual(parsed.timeline, plain(scrubDeep([...input.timeline].sort(compareEntries))));
        assert.deepStrictEqual(parsed.evidence, plain(scrubDeep(input.evidence)));
        assert.deepStrictEqual(parsed.messages, plain(scrubDeep(input.messages)));
        const usedIds = new Set(input.messages.map((m) => m.templateId));
        assert.deepStrictEqual(
          parsed.templatesUsed.map((t) => t.id),
          input.templates.filter((t) => usedIds.has(t.id)).map((t) => t.id).sort(),
        );
        assert.equal(parsed.exportedAt, new Date(exportedAt).toISOString());
        // A fixpoint: exporting the import again writes the same bytes.
        assert.equal(serializeIncidentExport({ ...parsed, templates: parsed.templatesUsed }, { exportedAt }), text);
      }),
      { numRuns: RUNS },
    );
  });

  it(`scrubbing is idempotent and never lengthens a string (${RUNS * 5} runs)`, () => {
    fc.assert(
      fc.property(fc.array(text(40), { maxLength: 6 }).map((p) => p.join(' ')), (s) => {
        const once = scrubText(s);
        assert.ok(once.length <= s.length);
        assert.equal(scrubText(once), once);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

const validInput = (): IncidentExportInput => ({
  incident: makeIncident({
    links: [{ title: 'Ticket', url: 'https://tickets.example/T-9?token=s3cr3tvalue&view=1' }],
    linkedAlerts: [
      {
        fingerprint: 'abc',
        linkedAt: T0,
        snapshot: { labels: { alertname: 'HighCPU', password: 'hunter2' }, annotations: { summary: 'curl -H "Authorization: Bearer abcdefghijklmnop"' }, startsAt: '2026-11-21T08:00:00Z', state: 'active' },
        firing: true,
        lastChangeAt: T0,
      },
    ],
  }),
  timeline: [
    { id: 'e2', at: T0 + 2000, recordedAt: T0 + 2000, kind: 'note', text: 'second', author: 'alice', starred: false, system: false },
    { id: 'e1', at: T0 + 1000, recordedAt: T0 + 5000, kind: 'note', text: 'db password=hunter2 in logs', author: 'alice', starred: true, system: false },
  ],
  evidence: [],
  messages: [{ id: 'm1', templateId: 'builtin-initial-alert', text: 'x', markdown: 'x', at: T0, author: 'alice', audiences: ['stakeholders'] }],
  templates: [...BUILTIN_TEMPLATES],
});

function fileError(fn: () => unknown): IncidentFileError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof IncidentFileError, `expected IncidentFileError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

describe('incident export file', () => {
  it('has the versioned envelope, a sorted timeline, only the templates used', () => {
    const doc = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as Record<string, unknown>;
    assert.equal(doc.format, EXPORT_FORMAT);
    assert.equal(doc.version, 1);
    assert.equal(doc.exportedAt, '2026-11-21T08:12:00.000Z');
    assert.deepEqual(Object.keys(doc), ['format', 'version', 'exportedAt', 'incident', 'timeline', 'evidence', 'messages', 'templatesUsed']);
    assert.deepEqual((doc.timeline as TimelineEntry[]).map((e) => e.id), ['e1', 'e2']);
    assert.deepEqual((doc.templatesUsed as Template[]).map((t) => t.id), ['builtin-initial-alert']);
  });

  it('never contains secrets', () => {
    const text = serializeIncidentExport(validInput(), { exportedAt: T0 });
    for (const secret of ['hunter2', 's3cr3tvalue', 'abcdefghijklmnop']) assert.ok(!text.includes(secret), `${secret} leaked`);
    assert.match(text, /token=\[REDACTED\]&view=1/);
    assert.match(text, /Authorization: Bearer \[REDACTED\]/);
  });

  it('reports oversized files before reading them', () => {
    const text = serializeIncidentExport(validInput(), { exportedAt: T0 });
    const e = fileError(() => parseIncidentExport(text, { maxBytes: 1024 }));
    assert.equal(e.problem, 'oversized');
    assert.match(e.message, /^the file is \d+\.\d KiB; an incident export may be at most 1\.0 KiB$/);
    assert.match(fileError(() => parseIncidentExport('x'.repeat(21 * 1024 * 1024))).message, /the file is 21 MiB; an incident export may be at most 20 MiB/);
  });

  it('reports an empty file', () => {
    assert.equal(fileError(() => parseIncidentExport('  \n')).problem, 'empty');
  });

  it('reports not-JSON with line and column', () => {
    const e = fileError(() => parseIncidentExport('{\n  "format": oops\n}'));
    assert.equal(e.problem, 'not-json');
    assert.equal(e.message, 'not valid JSON at line 2, column 13 (position 14): unexpected "o"');
    assert.deepEqual(e.position, { offset: 14, line: 2, column: 13 });
    assert.match(fileError(() => parseIncidentExport('{"a":1} x')).message, /line 1, column 9 .*after the end of the data/);
    assert.match(fileError(() => parseIncidentExport("{'a':1}")).message, /expected a "quoted" property name/);
  });

  it('reports a truncated file as truncated', () => {
    const text = serializeIncidentExport(validInput(), { exportedAt: T0 });
    for (const cut of [1, 10, Math.floor(text.length / 2), text.length - 3]) {
      const e = fileError(() => parseIncidentExport(text.slice(0, cut)));
      assert.equal(e.problem, 'truncated', `cut at ${cut}: ${e.message}`);
      assert.match(e.message, /looks truncated/);
    }
  });

  it('reports files that are not incident exports', () => {
    assert.match(fileError(() => parseIncidentExport('[1,2]')).message, /^not an Ops Console incident export: the file holds an array/);
    assert.match(fileError(() => parseIncidentExport('{"a":1}')).message, /no "format" field/);
    const e = fileError(() => parseIncidentExport('{"format":"grafana.dashboard","version":1}'));
    assert.equal(e.problem, 'wrong-format');
    assert.equal(e.message, 'not an Ops Console incident export: format is "grafana.dashboard", expected "ops-console.incident"');
  });

  it('reports a file from a newer version', () => {
    const doc = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as Record<string, unknown>;
    const e = fileError(() => parseIncidentExport(JSON.stringify({ ...doc, version: 2, somethingNew: true })));
    assert.equal(e.problem, 'newer-version');
    assert.match(e.message, /^made by a newer Ops Console: version 2 > 1/);
    assert.equal(fileError(() => parseIncidentExport(JSON.stringify({ ...doc, version: 0 }))).problem, 'unsupported-version');
    assert.match(fileError(() => parseIncidentExport(JSON.stringify({ ...doc, version: '1' }))).message, /version: must be a whole number/);
  });

  it('names the field path of schema violations', () => {
    const doc = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as { timeline: Record<string, unknown>[]; incident: Record<string, unknown> };
    (doc.timeline[1] as Record<string, unknown>).kind = 'party';
    const e = fileError(() => parseIncidentExport(JSON.stringify(doc)));
    assert.equal(e.problem, 'schema');
    assert.match(e.message, /^invalid incident export: timeline\[1\]\.kind: /);

    const doc2 = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as { incident: { links: { url: string }[] } };
    (doc2.incident.links[0] as { url: string }).url = 'javascript:alert(1)';
    assert.match(fileError(() => parseIncidentExport(JSON.stringify(doc2))).message, /incident\.links\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/);

    const doc3 = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as Record<string, unknown>;
    (doc3.incident as Record<string, unknown>).title = 'x'.repeat(301);
    assert.match(fileError(() => parseIncidentExport(JSON.stringify(doc3))).message, /incident\.title: /);

    const doc4 = JSON.parse(serializeIncidentExport(validInput(), { exportedAt: T0 })) as Record<string, unknown>;
    (doc4.incident as Record<string, unknown>).extra = 1;
    assert.match(fileError(() => parseIncidentExport(JSON.stringify(doc4))).message, /incident: Unrecognized key/);
  });

  it('accepts a byte-order mark', () => {
    const text = serializeIncidentExport(validInput(), { exportedAt: T0 });
    assert.equal(parseIncidentExport(`\uFEFF${text}`).incident.id, 'INC-1');
  });

  it('refuses to write an export too big to import again', () => {
    assert.throws(() => serializeIncidentExport(validInput(), { exportedAt: T0, maxBytes: 500 }), /more than the 500 bytes an import accepts/);
  });

  it('locates JSON errors', () => {
    assert.deepEqual(locateJsonError('{"a": [1, 2'), { offset: 11, line: 1, column: 12, eof: true, reason: 'unexpected end of the file' });
    assert.equal(locateJsonError('{"a": "x\ny"}').reason, 'a control character (such as a raw line break) inside a string');
    assert.equal(locateJsonError('[1,]').offset, 3);
    assert.equal(locateJsonError('"\\q"').reason, 'bad escape \\q in a string');
  });
});
