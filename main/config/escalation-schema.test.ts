/** The optional `escalation` section of the config (global and per environment): what it takes and how a bad field is named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from './load';

const base = { environments: [{ name: 'prod' }] };

function refused(config: unknown): string {
  try {
    parseConfig(JSON.stringify(config));
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('the config should have been refused');
}

test('escalation is optional, global or per environment, and kept as given (trimmed)', () => {
  assert.equal(parseConfig(JSON.stringify(base)).escalation, undefined);
  const cfg = parseConfig(
    JSON.stringify({
      escalation: { levels: [{ level: 1, contacts: [' pager: ops-primary '] }, { level: 4, title: 'CTO + executive team', contacts: [] }] },
      environments: [{ name: 'prod', escalation: { levels: [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0102'] }] } }, { name: 'staging' }],
    }),
  );
  assert.deepEqual(cfg.escalation?.levels, [{ level: 1, contacts: ['pager: ops-primary'] }, { level: 4, title: 'CTO + executive team', contacts: [] }]);
  assert.deepEqual(cfg.environments[0]?.escalation?.levels, [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0102'] }]);
  assert.equal(cfg.environments[1]?.escalation, undefined);
});

test('a bad escalation field is refused with its path', () => {
  assert.match(refused({ ...base, escalation: { levels: [{ level: 5 }] } }), /^config: escalation\.levels\[0\]\.level: must be 1, 2, 3 or 4/);
  assert.match(
    refused({ environments: [{ name: 'prod', escalation: { levels: [{ level: 1, contacts: ['ok', '  '] }] } }] }),
    /^config: environments\[0\]\.escalation\.levels\[0\]\.contacts\[1\]: must not be empty/,
  );
  assert.match(refused({ ...base, escalation: { levels: [{ level: 1, title: 'x'.repeat(201) }] } }), /^config: escalation\.levels\[0\]\.title: /);
  assert.match(refused({ ...base, escalation: { levels: [{ level: 1, contacts: Array.from({ length: 51 }, (_, i) => `c${i}`) }] } }), /^config: escalation\.levels\[0\]\.contacts: /);
  assert.match(refused({ ...base, escalation: { levels: [{ level: 2 }, { level: 2 }] } }), /^config: escalation\.levels\[1\]\.level: level 2 is given twice/);
  assert.match(refused({ ...base, escalation: { levels: [] } }), /^config: escalation\.levels: needs at least one level/);
  assert.match(refused({ ...base, escalation: { levels: [{ level: 1, phone: '555' }] } }), /^config: escalation\.levels\[0\]: .*phone/);
  assert.match(refused({ ...base, escalation: [{ level: 1 }] }), /^config: escalation: /);
});
