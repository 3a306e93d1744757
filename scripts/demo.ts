/**
 * `npm run demo`: a real local stack (Prometheus, Alertmanager, node exporter, a synthetic fleet, and the
 * Elasticsearch-protocol stand-in for logs) and the console pointed at it — in Electron where its binary
 * exists, otherwise in the browser mode, saying which and why. Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoStack } from '../test/support/demo-stack';
import { startEsTestServer } from '../test/support/es-test-server/server';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = resolve(import.meta.dirname ?? '.', '..');
const stack = await startDemoStack({ syntheticInstances: Number(process.env.DEMO_INSTANCES ?? 40) });
const logs = await startEsTestServer({ flavor: 'elasticsearch', version: '8.15.0', docs: 50_000 });
const dir = join(root, '.tmp', 'demo');
mkdirSync(dir, { recursive: true });
const configPath = join(dir, 'config.json');
writeFileSync(
  configPath,
  JSON.stringify(
    {
      environments: [
        {
          name: 'demo',
          prometheus: [{ name: 'prometheus', url: stack.prometheusUrl }],
          alertmanager: [{ name: 'alertmanager', url: stack.alertmanagerUrl }],
          elasticsearch: [{ name: 'logs (stand-in)', url: logs.url, index: 'logs-*' }],
          healthChecks: [
            { name: 'node exporter', url: `${stack.nodeExporterUrl}/metrics`, expectStatus: 200 },
            { name: 'prometheus ready', url: `${stack.prometheusUrl}/-/ready`, expectStatus: 200 },
          ],
        },
      ],
      user: process.env.USER ?? 'demo',
      polling: { prometheusMs: 5000, alertmanagerMs: 5000 },
    },
    null,
    2,
  ),
);
console.log(`demo stack: Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl}, logs stand-in ${logs.url}`);
console.log(`demo config: ${configPath}`);

const electron = findElectronBinary();
const child = electron.path
  ? (console.log('starting the console in Electron'), spawn(electron.path, ['.', '--config', configPath], { cwd: root, stdio: 'inherit' }))
  : (console.log(`starting the console in the browser mode, because ${electron.why}`),
    spawn(process.execPath, ['dist/browser-host/cli.mjs', '--config', configPath, '--data-dir', join(dir, 'data')], { cwd: root, stdio: 'inherit' }));

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    child.kill('SIGTERM');
    await Promise.allSettled([stack.stop(), logs.stop()]);
  }
  process.exit(code);
}
child.on('exit', (code) => void stop(code ?? 0));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
