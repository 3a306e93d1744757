import type { ConnectionConfig, ConsoleConfig, EnvironmentConfig } from '../config/schema';
import { createHttpClient, type HttpClient, type SecretResolver } from '../clients/http';
import { PrometheusClient } from '../clients/prometheus';
import { AlertmanagerClient } from '../clients/alertmanager';
import { HealthTracker } from './health';
import { Poller, type PollTask } from './poller';
import type { SourceHealth, SourceKind } from '../../preload/contract';

export interface Source<C> {
  name: string;
  config: ConnectionConfig;
  http: HttpClient;
  client: C;
  health: HealthTracker;
}

export interface PollerHandle {
  poller: Poller;
  /** Alert polling goes on while the window is hidden; everything else pauses. */
  keepWhileHidden: boolean;
  /** Started only after a first round of other pollers (AddPollerOptions.afterFirstRound). */
  afterFirstRound: boolean | readonly Poller[];
  intervalMs: number;
}

export interface AddPollerOptions {
  /**
   * A secondary poll: its first run waits until every poller registered without this option has finished its
   * first run (or one `intervalMs` has passed), so that a heavy side query (e.g. Prometheus' rules and pending
   * alerts) does not compete with the first tiles and alerts on the same server after a switch.
   * A list of pollers instead: waits for the first run of just those (e.g. the fleet's sparklines wait for the
   * values poll of their own source, not for the alerts); such a poller is secondary too (`true` does not
   * wait for it).
   */
  afterFirstRound?: boolean | readonly Poller[];
}

/** Everything live for the selected environment: clients, health, pollers. Torn down on switch. */
export class EnvironmentRuntime {
  readonly prometheus: Source<PrometheusClient>[];
  readonly alertmanager: Source<AlertmanagerClient>[];
  readonly extraHealth: HealthTracker[] = [];
  private readonly pollers: PollerHandle[] = [];
  private readonly disposers: (() => void | Promise<void>)[] = [];
  /** First run (settled either way) of each poller registered without afterFirstRound. */
  private readonly firstRuns: Promise<void>[] = [];
  /** First run (settled either way) of every poller. */
  private readonly firstRunOf = new Map<Poller, Promise<void>>();
  private started = false;

  constructor(
    readonly config: EnvironmentConfig,
    readonly settings: ConsoleConfig,
    private readonly resolveSecret: SecretResolver,
    private readonly onHealthChange: () => void,
    readonly now: () => number = Date.now,
  ) {
    const timeout = settings.polling.timeoutMs;
    this.prometheus = config.prometheus.map((c) => this.makeSource('prometheus', c, settings.polling.prometheusMs, (h) => new PrometheusClient(h), timeout));
    this.alertmanager = config.alertmanager.map((c) => this.makeSource('alertmanager', c, settings.polling.alertmanagerMs, (h) => new AlertmanagerClient(h), timeout));
  }

  get name(): string {
    return this.config.name;
  }

  makeSource<C>(kind: SourceKind, cfg: ConnectionConfig, intervalMs: number, make: (http: HttpClient) => C, timeoutMs = this.settings.polling.timeoutMs): Source<C> {
    const http = createHttpClient(cfg, this.resolveSecret, timeoutMs);
    const interval = cfg.intervalMs ?? intervalMs;
    const health = new HealthTracker(kind, cfg.name, cfg.url, Math.max(3 * interval, interval + 2 * (cfg.timeoutMs ?? timeoutMs)), this.now);
    this.disposers.push(() => http.close());
    return { name: cfg.name, config: cfg, http, client: make(http), health };
  }

  /** Registers a health tracker owned by a feature (health checks, Elasticsearch). */
  trackHealth(tracker: HealthTracker): void {
    this.extraHealth.push(tracker);
  }

  addPoller(task: PollTask, intervalMs: number, keepWhileHidden = false, options: AddPollerOptions = {}): Poller {
    let firstDone!: () => void;
    const firstRun = new Promise<void>((r) => (firstDone = r));
    const poller = new Poller(async (signal) => {
      try {
        await task(signal);
      } finally {
        firstDone();
        this.onHealthChange();
      }
    }, { intervalMs });
    const after = options.afterFirstRound;
    const handle: PollerHandle = { poller, keepWhileHidden, afterFirstRound: after === undefined || after === false ? false : after, intervalMs };
    if (!handle.afterFirstRound) this.firstRuns.push(firstRun);
    this.firstRunOf.set(poller, firstRun);
    this.pollers.push(handle);
    if (this.started) this.startPoller(handle);
    return poller;
  }

  private startPoller(p: PollerHandle): void {
    if (!p.afterFirstRound) {
      p.poller.start();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((r) => {
      timer = setTimeout(r, p.intervalMs);
      timer.unref?.();
    });
    const awaited = p.afterFirstRound === true ? this.firstRuns : p.afterFirstRound.map((q) => this.firstRunOf.get(q) ?? Promise.resolve());
    void Promise.race([Promise.all(awaited), cap]).then(() => {
      clearTimeout(timer);
      if (this.started) p.poller.start();
    });
  }

  onDispose(fn: () => void | Promise<void>): void {
    this.disposers.push(fn);
  }

  start(): void {
    this.started = true;
    for (const p of this.pollers) this.startPoller(p);
  }

  setVisible(visible: boolean): void {
    for (const p of this.pollers) {
      if (p.keepWhileHidden) continue;
      if (visible) p.poller.resume();
      else p.poller.pause();
    }
  }

  refreshAll(): Promise<void> {
    return Promise.all(this.pollers.map((p) => p.poller.refreshNow())).then(() => undefined);
  }

  health(): SourceHealth[] {
    return [...this.prometheus.map((s) => s.health), ...this.alertmanager.map((s) => s.health), ...this.extraHealth].map((h) => h.snapshot());
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const p of this.pollers) p.poller.stop();
    await Promise.allSettled(this.disposers.map((d) => d()));
  }
}
