// Finds the test files of one suite (Node 20's --test takes no globs) and runs them with node:test.
// Usage: node scripts/run-tests.mjs unit|integration|e2e [filter]
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = {
  unit: { dirs: ['main', 'preload', 'renderer'], concurrency: 2 },
  integration: { dirs: ['test/integration'], concurrency: 1 },
  e2e: { dirs: ['e2e'], concurrency: 1 },
};
const [suite, filter] = process.argv.slice(2);
const spec = suites[suite];
if (!spec) {
  console.error(`usage: run-tests.mjs ${Object.keys(suites).join('|')} [filter]`);
  process.exit(2);
}
const files = spec.dirs
  .flatMap((d) => readdirSync(join(root, d), { recursive: true, withFileTypes: false }).map((f) => join(d, String(f))))
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules') && (!filter || f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no ${suite} test files found`);
  process.exit(1);
}
console.log(`${suite}: ${files.length} files`);
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${spec.concurrency}`, '--test-reporter=spec', ...files.map((f) => relative(root, join(root, f)))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, OPS_CONSOLE_TEST_SUITE: suite } },
);
process.exit(res.status ?? 1);
