import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AlertView, SilenceMatcher } from '../../preload/contract';
import { compileFilter, compileMatcher, formatMatcher, parseFilter, regexProblem, type ParsedFilter } from './alert-filter';

function parsed(input: string): ParsedFilter {
  const r = parseFilter(input);
  if (!r.ok) assert.fail(`expected "${input}" to parse, got: ${r.error}`);
  return r.filter;
}

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}): AlertView {
  return { fingerprint: 'f', labels, annotations, startsAt: '', updatedAt: '', endsAt: '', generatorURL: '', state: 'active', silencedBy: [], inhibitedBy: [], receivers: [], alertmanagers: [] };
}

test('parses the four Alertmanager operators', () => {
  assert.deepEqual(parsed('severity="critical" instance=~"server-.*" job!="node" env!~"dev|test"').matchers, [
    { name: 'severity', value: 'critical', isRegex: false, isEqual: true },
    { name: 'instance', value: 'server-.*', isRegex: true, isEqual: true },
    { name: 'job', value: 'node', isRegex: false, isEqual: false },
    { name: 'env', value: 'dev|test', isRegex: true, isEqual: false },
  ]);
});

test('accepts braces, commas and unquoted values, and keeps free text apart', () => {
  const f = parsed('{alertname=HighCPUUsage, team="infra"} Disk "full now"');
  assert.deepEqual(f.matchers.map(formatMatcher), ['alertname="HighCPUUsage"', 'team="infra"']);
  assert.deepEqual(f.text, ['disk', 'full now']);
});

test('free text that merely contains symbols stays free text', () => {
  assert.deepEqual(parsed('server-1 a!b 10.0.0.1:9100').text, ['server-1', 'a!b', '10.0.0.1:9100']);
});

test('escaped quotes and backslashes inside values', () => {
  assert.deepEqual(parsed('summary="say \\"hi\\" \\\\ now"').matchers[0]?.value, 'say "hi" \\ now');
});

test('names the problem: unterminated quote, operator without a name, bad regex', () => {
  const a = parseFilter('severity="crit');
  assert.equal(a.ok, false);
  if (!a.ok) assert.match(a.error, /unterminated quote/);
  const b = parseFilter('="x"');
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.error, /no label name/);
  const c = parseFilter('instance=~"server-(.*"');
  assert.equal(c.ok, false);
  if (!c.ok) assert.match(c.error, /invalid regular expression in instance=~/);
  assert.match(regexProblem([{ name: 'x', value: '[', isRegex: true, isEqual: true }]) ?? '', /invalid regular expression/);
  assert.equal(regexProblem([{ name: 'x', value: '[', isRegex: false, isEqual: true }]), null);
});

test('matching follows Alertmanager: anchored regex, a missing label is the empty string', () => {
  const f = compileFilter(parsed('instance=~"server-.*" severity!="info"'));
  assert.equal(f(alert({ instance: 'server-1', severity: 'critical' })), true);
  assert.equal(f(alert({ instance: 'my-server-1', severity: 'critical' })), false, 'regex is anchored');
  assert.equal(f(alert({ instance: 'server-1', severity: 'info' })), false);
  assert.equal(f(alert({ instance: 'server-1' })), true, 'missing severity is "" which is != info');
  assert.equal(compileMatcher({ name: 'team', value: '', isRegex: false, isEqual: true })({}), true);
  assert.equal(compileMatcher({ name: 'team', value: '.+', isRegex: true, isEqual: false })({}), true);
});

test('free text matches label and annotation values case-insensitively', () => {
  const f = compileFilter(parsed('DISK payments'));
  assert.equal(f(alert({ alertname: 'DiskSpaceLow', service: 'payments' })), true);
  assert.equal(f(alert({ alertname: 'DiskSpaceLow' }, { summary: 'payments host' })), true);
  assert.equal(f(alert({ alertname: 'HighCPU' })), false);
});

const labelName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const matcherArb: fc.Arbitrary<SilenceMatcher> = fc
  .record({ name: labelName, value: fc.string({ maxLength: 20 }), isRegex: fc.boolean(), isEqual: fc.boolean() })
  .map((m) => ({ name: m.name, isRegex: m.isRegex, isEqual: m.isEqual, value: m.isRegex ? m.value.replace(/[\\^$.*+?()[\]{}|]/g, '') : m.value }));

test('property: any matchers formatted and joined parse back to the same matchers', () => {
  fc.assert(
    fc.property(fc.array(matcherArb, { maxLength: 6 }), fc.constantFrom(' ', ', ', '\t'), (ms, sep) => {
      const r = parseFilter(ms.map(formatMatcher).join(sep));
      assert.equal(r.ok, true);
      if (r.ok) {
        assert.deepEqual(r.filter.matchers, ms);
        assert.deepEqual(r.filter.text, []);
      }
    }),
  );
});

test('property: the parser never throws and reports positions inside the input', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60, unit: fc.constantFrom('a', 'b', '=', '!', '~', '"', '\\', ' ', ',', '{', '}', '.', '*', '(', ')', '[', 'é') }), (s) => {
      const r = parseFilter(s);
      if (!r.ok) {
        assert.ok(r.position >= 0 && r.position <= s.length, `position ${r.position} in ${JSON.stringify(s)}`);
        assert.ok(r.error.length > 0);
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: plain words are free text, lower-cased, in order', () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-zA-Z0-9.:/-]{1,10}$/), { maxLength: 5 }), (words) => {
      const r = parseFilter(words.join(' '));
      assert.equal(r.ok, true);
      if (r.ok) assert.deepEqual(r.filter.text, words.map((w) => w.toLowerCase()));
    }),
  );
});

test('overlong input is refused with a message', () => {
  const r = parseFilter('x'.repeat(10_001));
  assert.equal(r.ok, false);
});
