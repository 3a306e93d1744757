import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from './load';

const good = {
  environments: [
    {
      name: 'prod',
      prometheus: [{ name: 'p1', url: 'http://127.0.0.1:9090' }],
      alertmanager: [{ name: 'am1', url: 'http://127.0.0.1:9093' }],
      elasticsearch: [{ name: 'logs', url: 'http://127.0.0.1:9200', index: 'logs-*' }],
    },
  ],
};

test('the documented shape parses and gets the runbook defaults', () => {
  const cfg = parseConfig(JSON.stringify(good));
  assert.equal(cfg.environments[0]?.name, 'prod');
  assert.deepEqual(cfg.environments[0]?.thresholds.cpu, { warning: 80, critical: 95 });
  assert.deepEqual(cfg.environments[0]?.thresholds.disk, { warning: 80, critical: 90 });
  assert.equal(cfg.ackDurationMs, 15 * 60_000);
  assert.equal(cfg.theme, 'system');
});

test('errors name the key and the problem', () => {
  const bad = structuredClone(good) as { environments: { prometheus: { url: string }[] }[] };
  bad.environments[0]!.prometheus[0]!.url = 'not a url';
  assert.throws(() => parseConfig(JSON.stringify(bad), 'cfg.json'), (e: Error) => e instanceof ConfigError && /cfg\.json: environments\[0\]\.prometheus\[0\]\.url: must be a URL/.test(e.message));
  assert.throws(() => parseConfig('{"environments": []}'), /environments: needs at least one environment/);
  assert.throws(() => parseConfig('{"environments": [ {"name": "a"} ], "colour": 1}'), /Unrecognized key.*colour/);
  assert.throws(() => parseConfig('{"environments": [ {"name": "a"}, {"name": "a"} ]}'), /environments\[1\]\.name: duplicate environment "a"/);
  assert.throws(() => parseConfig('{"environments": [ {"name": "a", "prometheus": [{"name": "x", "url": "ftp://h"}]} ]}'), /url: must start with http/);
  assert.throws(() => parseConfig('{"environments": [ {"name": "a", "thresholds": {"cpu": {"warning": 90, "critical": 80}}} ]}'), /thresholds\.cpu: critical must be at least warning/);
});

test('invalid JSON is reported with its position', () => {
  assert.throws(() => parseConfig('{"environments": [', 'c.json'), /c\.json: not valid JSON: .*(position|JSON)/);
});

test('a bad file is reported and left exactly as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const path = join(dir, 'config.json');
  const text = '{ "environments": [ { "name": "prod", "prometheus": [ { "name": "p", "url": 42 } ] } ] }';
  writeFileSync(path, text);
  await assert.rejects(loadConfigFile(path), /prometheus\[0\]\.url/);
  assert.equal(readFileSync(path, 'utf8'), text);
  await assert.rejects(loadConfigFile(join(dir, 'missing.json')), /cannot read: ENOENT/);
});
