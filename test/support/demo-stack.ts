/**
 * The whole demo backend on 127.0.0.1: a real node_exporter, a synthetic fleet exporter, a real Alertmanager
 * (assets/demo/alertmanager.yml) and a real Prometheus that scrapes both exporters as job "node", evaluates
 * assets/demo/prometheus-rules.yml and sends its alerts to the Alertmanager.
 * Used by the integration tests, the benchmarks and `npm run demo`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startAlertmanager, startNodeExporter, startPrometheus, type RunningServer } from './real-servers';
import { startSyntheticExporter, syntheticScrapeConfig, type SyntheticExporter } from './synthetic-exporter';

export const DEMO_RULES_FILE = fileURLToPath(new URL('../../assets/demo/prometheus-rules.yml', import.meta.url));
export const DEMO_ALERTMANAGER_CONFIG_FILE = fileURLToPath(new URL('../../assets/demo/alertmanager.yml', import.meta.url));

export interface DemoStackOptions {
  /** Fake hosts served by the synthetic exporter; default 50. */
  syntheticInstances?: number;
  /** Seed of the synthetic values; default 1. */
  seed?: number;
  /** How Prometheus scrapes the synthetic exporter; default "per-instance" (one target, and one `up`, per host). */
  syntheticMode?: 'per-instance' | 'aggregate';
  /** Scrape interval of the real node_exporter (and Prometheus' global default); default 1. */
  scrapeIntervalSec?: number;
  /** Scrape interval of the synthetic hosts; default 1 up to 200 hosts, then about one scrape request per 4 ms overall. */
  syntheticScrapeIntervalSec?: number;
  /** Global rule evaluation interval (the demo rule groups set their own); default 1. */
  evaluationIntervalSec?: number;
  /** Override the rule file / Alertmanager configuration. */
  rulesFile?: string;
  alertmanagerConfigFile?: string;
}

export interface DemoStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  nodeExporterUrl: string;
  syntheticExporterUrl: string;
  prometheus: RunningServer;
  alertmanager: RunningServer & { clusterAddress: string | null };
  nodeExporter: RunningServer;
  synthetic: SyntheticExporter;
  /** Stops all four; idempotent. */
  stop(): Promise<void>;
}

/** Default synthetic scrape interval: 1 s for small fleets, then about 250 scrape requests per second. */
export function defaultSyntheticScrapeIntervalSec(instances: number, mode: 'per-instance' | 'aggregate'): number {
  if (mode === 'aggregate') return instances <= 500 ? 1 : 5;
  return instances <= 200 ? 1 : Math.ceil(instances / 250);
}

export async function startDemoStack(opts: DemoStackOptions = {}): Promise<DemoStack> {
  const instances = opts.syntheticInstances ?? 50;
  const mode = opts.syntheticMode ?? 'per-instance';
  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(p: Promise<T>): Promise<T> =>
    p.then((s) => {
      started.push(s);
      return s;
    });
  const stopStarted = async (): Promise<void> => {
    await Promise.allSettled(started.splice(0).map((s) => s.stop()));
  };

  try {
    const [nodeExporter, synthetic, alertmanager] = await Promise.all([
      track(startNodeExporter()),
      track(startSyntheticExporter({ instances, seed: opts.seed ?? 1 })),
      track(startAlertmanager({ configYaml: readFileSync(opts.alertmanagerConfigFile ?? DEMO_ALERTMANAGER_CONFIG_FILE, 'utf8') })),
    ]);
    const prometheus = await track(
      startPrometheus({
        scrapeIntervalSec: opts.scrapeIntervalSec ?? 1,
        evaluationIntervalSec: opts.evaluationIntervalSec ?? 1,
        ruleFiles: [opts.rulesFile ?? DEMO_RULES_FILE],
        alertmanagerUrls: [alertmanager.url],
        scrapeConfigs: [
          { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${nodeExporter.port}`] }] },
          syntheticScrapeConfig(synthetic, {
            mode,
            jobName: 'node-synthetic',
            scrapeIntervalSec: opts.syntheticScrapeIntervalSec ?? defaultSyntheticScrapeIntervalSec(instances, mode),
          }),
        ],
      }),
    );
    let stopping: Promise<void> | null = null;
    return {
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager.url,
      nodeExporterUrl: nodeExporter.url,
      syntheticExporterUrl: synthetic.url,
      prometheus,
      alertmanager,
      nodeExporter,
      synthetic,
      stop() {
        // Prometheus first, so it does not record the exporters going away.
        stopping ??= prometheus.stop().then(stopStarted);
        return stopping;
      },
    };
  } catch (err) {
    await stopStarted();
    throw err;
  }
}
