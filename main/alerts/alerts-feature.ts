import type { AlertView, AlertsUpdate } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import type { GettableAlert } from '../clients/alertmanager';
import { diffAlerts, mergeAlerts } from './alert-merge';

/**
 * Polls every Alertmanager of the environment in one cycle, merges HA replicas, and tells the renderer
 * only what changed. An unreachable replica keeps its last answer out of the merge, hiding nothing the
 * others have.
 */
export class AlertsFeature implements Feature {
  private alerts = new Map<string, AlertView>();
  private seq = 0;
  private environment: string | null = null;
  private runtime: EnvironmentRuntime | null = null;
  private readonly listeners = new Set<(alerts: Map<string, AlertView>) => void>();

  constructor(private readonly core: ConsoleCore) {
    core.provideSnapshot('alerts.update', (): AlertsUpdate => ({ kind: 'snapshot', seq: this.seq, environment: this.environment, alerts: [...this.alerts.values()] }));
    core.handle('alerts.refresh', () => this.runtime?.refreshAll());
  }

  /** Other features (notifications, incidents, fleet counts) read merged alerts from here. */
  onAlerts(listener: (alerts: Map<string, AlertView>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): Map<string, AlertView> {
    return this.alerts;
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtime = runtime;
    this.environment = runtime.name;
    this.alerts = new Map();
    this.seq += 1;
    this.core.emit('alerts.update', { kind: 'snapshot', seq: this.seq, environment: this.environment, alerts: [] });
    if (runtime.alertmanager.length === 0) return;
    const lastGood = new Map<string, GettableAlert[]>();
    const interval = runtime.settings.polling.alertmanagerMs;
    runtime.addPoller(
      async (signal) => {
        const results = await Promise.allSettled(
          runtime.alertmanager.map(async (source) => {
            const started = performance.now();
            try {
              const alerts = await source.client.alerts({ signal });
              source.health.recordSuccess(performance.now() - started);
              lastGood.set(source.name, alerts);
            } catch (err) {
              source.health.recordFailure(err);
              throw err;
            }
          }),
        );
        if (runtime !== this.runtime) return;
        const okNames = new Set(runtime.alertmanager.filter((_, i) => results[i]?.status === 'fulfilled').map((s) => s.name));
        if (okNames.size > 0) {
          // Only sources that answered this cycle count; a failed replica's old answer could resurrect resolved alerts.
          this.apply(mergeAlerts([...lastGood].filter(([name]) => okNames.has(name)).map(([source, alerts]) => ({ source, alerts }))));
        }
        const failed = results.find((r) => r.status === 'rejected');
        if (okNames.size === 0 && failed) throw (failed as PromiseRejectedResult).reason;
      },
      interval,
      true,
    );
  }

  private apply(next: Map<string, AlertView>): void {
    const { upserted, removed } = diffAlerts(this.alerts, next);
    this.alerts = next;
    if (upserted.length === 0 && removed.length === 0) return;
    this.seq += 1;
    this.core.emit('alerts.update', { kind: 'diff', seq: this.seq, environment: this.environment, upserted, removed });
    for (const l of this.listeners) l(this.alerts);
  }
}
