import type { FleetState, ServerTile } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import type { AlertsFeature } from '../alerts/alerts-feature';

/** Live fleet: one tile per Prometheus `up` target, merged across the environment's Prometheus sources. */
export class FleetFeature implements Feature {
  private state: FleetState = { environment: null, tiles: [], updatedAt: null };
  private bySource = new Map<string, ServerTile[]>();
  private runtime: EnvironmentRuntime | null = null;

  constructor(
    private readonly core: ConsoleCore,
    /** Firing alerts per instance come from here. */
    readonly alerts: AlertsFeature,
  ) {
    core.provideSnapshot('fleet.state', () => this.state);
    core.handle('fleet.refresh', () => this.runtime?.refreshAll());
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtime = runtime;
    this.bySource = new Map();
    this.state = { environment: runtime.name, tiles: [], updatedAt: null };
    this.core.emit('fleet.state', this.state);
    for (const source of runtime.prometheus) {
      const interval = source.config.intervalMs ?? runtime.settings.polling.prometheusMs;
      runtime.addPoller(async (signal) => {
        const started = performance.now();
        try {
          const samples = await source.client.query('up', { signal });
          const now = this.core.now();
          this.bySource.set(
            source.name,
            samples.map((s) => {
              const instance = s.metric.instance ?? '(no instance)';
              const up = s.value === 1;
              return {
                id: `${source.name}|${instance}|${s.metric.job ?? ''}`,
                instance,
                job: s.metric.job ?? '',
                source: source.name,
                up,
                state: up ? 'ok' : 'down',
                labels: s.metric,
                updatedAt: now,
                stale: false,
              } satisfies ServerTile;
            }),
          );
          source.health.recordSuccess(performance.now() - started);
        } catch (err) {
          source.health.recordFailure(err);
          // Keep the last values, visibly stale.
          this.bySource.set(source.name, (this.bySource.get(source.name) ?? []).map((t) => ({ ...t, stale: true })));
          throw err;
        } finally {
          this.publish(runtime);
        }
      }, interval);
    }
  }

  private publish(runtime: EnvironmentRuntime): void {
    if (runtime !== this.runtime) return;
    const tiles = [...this.bySource.values()].flat().sort((a, b) => a.instance.localeCompare(b.instance));
    this.state = { environment: runtime.name, tiles, updatedAt: this.core.now() };
    this.core.emit('fleet.state', this.state);
  }
}
