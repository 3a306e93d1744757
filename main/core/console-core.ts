import type { z } from 'zod';
import {
  requests,
  isRequestName,
  type ConsoleEvent,
  type EnvironmentsState,
  type EventMap,
  type EventName,
  type HelloResult,
  type RequestName,
  type RequestResult,
  type Requests,
  type WireResult,
} from '../../preload/contract';
import type { ConsoleConfig } from '../config/schema';
import type { SecretResolver } from '../clients/http';
import { inlineSecrets } from '../clients/http';
import { EnvironmentRuntime } from './environment';
import { ConsoleError, toErrorShape } from './errors';
import { formatZodError } from './validation';
import { safeExternalUrl } from './safe-url';

export const CONSOLE_VERSION = '0.1.0';

export interface HostServices {
  kind: 'electron' | 'browser';
  /** Opens a vetted http(s) URL in the system browser; false when the renderer must do it itself. */
  openExternal(url: string): Promise<boolean>;
  resolveSecret?: SecretResolver;
  /** Where incidents, settings and other user data live. */
  dataDir: string;
}

type Handler<N extends RequestName> = (args: z.output<Requests[N]['args']>) => Promise<RequestResult<N>> | RequestResult<N>;

/** A feature (fleet, alerts, logs, incidents, notifications) plugs into the core through this. */
export interface Feature {
  /** Called when an environment starts; register pollers on it. */
  onEnvironment?(runtime: EnvironmentRuntime): void;
  onVisibility?(visible: boolean): void;
  dispose?(): void | Promise<void>;
}

export interface CoreOptions {
  config: ConsoleConfig | null;
  configError?: string | null;
  configPath?: string | null;
  host: HostServices;
  now?: () => number;
}

/** The console core: plain Node, no Electron. Hosts bridge `invoke` and `subscribe` to a renderer. */
export class ConsoleCore {
  readonly host: HostServices;
  readonly now: () => number;
  private config: ConsoleConfig | null;
  private configError: string | null;
  private configPath: string | null;
  private readonly handlers = new Map<RequestName, (args: unknown) => unknown>();
  private readonly snapshots = new Map<EventName, () => unknown>();
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private readonly features: Feature[] = [];
  private runtime: EnvironmentRuntime | null = null;
  private activeName: string | null = null;
  private visible = true;
  private healthQueued = false;
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(opts: CoreOptions) {
    this.host = opts.host;
    this.now = opts.now ?? Date.now;
    this.config = opts.config;
    this.configError = opts.configError ?? null;
    this.configPath = opts.configPath ?? null;
    this.registerCoreHandlers();
  }

  get settings(): ConsoleConfig | null {
    return this.config;
  }

  get activeRuntime(): EnvironmentRuntime | null {
    return this.runtime;
  }

  get isVisible(): boolean {
    return this.visible;
  }

  handle<N extends RequestName>(name: N, fn: Handler<N>): void {
    if (this.handlers.has(name)) throw new Error(`handler for ${name} registered twice`);
    this.handlers.set(name, fn as (args: unknown) => unknown);
  }

  /** The latest state of a topic, sent to a renderer when it says hello. */
  provideSnapshot<E extends EventName>(name: E, fn: () => EventMap[E]): void {
    this.snapshots.set(name, fn);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    const event = { name, payload } as ConsoleEvent;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addFeature(feature: Feature): void {
    this.features.push(feature);
    if (this.runtime) feature.onEnvironment?.(this.runtime);
  }

  /** Validates the arguments against the contract's schema, then runs the handler. Never throws. */
  async invoke(name: unknown, rawArgs: unknown): Promise<WireResult<unknown>> {
    try {
      if (!isRequestName(name)) throw new ConsoleError('unknown-request', `unknown request ${JSON.stringify(String(name)).slice(0, 80)}`);
      const parsed = requests[name].args.safeParse(rawArgs ?? {});
      if (!parsed.success) throw new ConsoleError('invalid-argument', `${name}: ${formatZodError(parsed.error)}`);
      const handler = this.handlers.get(name);
      if (!handler) throw new ConsoleError('unavailable', `${name} is not available in this host`);
      const result = await handler(parsed.data);
      return { ok: true, result: result ?? null };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  }

  async start(): Promise<void> {
    const initial = this.config?.defaultEnvironment ?? this.config?.environments[0]?.name ?? null;
    if (initial) await this.selectEnvironment(initial);
    else this.emit('core.environments', this.environmentsState());
    this.healthTimer = setInterval(() => this.queueHealth(), 1000);
    this.healthTimer.unref();
  }

  async selectEnvironment(name: string): Promise<void> {
    const env = this.config?.environments.find((e) => e.name === name);
    if (!env || !this.config) throw new ConsoleError('not-found', `no environment named "${name}"`);
    await this.runtime?.stop();
    this.activeName = name;
    this.runtime = new EnvironmentRuntime(env, this.config, this.host.resolveSecret ?? inlineSecrets, () => this.queueHealth(), this.now);
    for (const f of this.features) f.onEnvironment?.(this.runtime);
    this.runtime.setVisible(this.visible);
    this.runtime.start();
    this.emit('core.environments', this.environmentsState());
    this.queueHealth();
  }

  /**
   * Replaces the whole configuration (Settings saved or imported): the running environment is torn
   * down and started again with the new settings — the same one if it still exists, else the default.
   * Before start() it only swaps the configuration.
   */
  async applyConfig(config: ConsoleConfig): Promise<void> {
    this.config = config;
    this.configError = null;
    if (!this.healthTimer) return;
    const keep = this.activeName && config.environments.some((e) => e.name === this.activeName) ? this.activeName : null;
    const next = keep ?? config.defaultEnvironment ?? config.environments[0]?.name ?? null;
    if (next) await this.selectEnvironment(next);
    else this.emit('core.environments', this.environmentsState());
  }

  setVisibility(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    this.runtime?.setVisible(visible);
    for (const f of this.features) f.onVisibility?.(visible);
    // Back in view: everything refreshes at once rather than on its next tick.
    if (visible) void this.runtime?.refreshAll();
  }

  /** Power and network hooks (resume, network back): refresh every source now. */
  refreshNow(): Promise<void> {
    return this.runtime?.refreshAll() ?? Promise.resolve();
  }

  environmentsState(): EnvironmentsState {
    return {
      environments: (this.config?.environments ?? []).map((e) => ({
        name: e.name,
        sources: [
          ...e.prometheus.map((s) => ({ id: `prometheus:${s.name}`, kind: 'prometheus' as const, name: s.name, url: s.url })),
          ...e.alertmanager.map((s) => ({ id: `alertmanager:${s.name}`, kind: 'alertmanager' as const, name: s.name, url: s.url })),
          ...e.elasticsearch.map((s) => ({ id: `elasticsearch:${s.name}`, kind: 'elasticsearch' as const, name: s.name, url: s.url })),
          ...e.healthChecks.map((s) => ({ id: `healthcheck:${s.name}`, kind: 'healthcheck' as const, name: s.name, url: s.url })),
        ],
      })),
      active: this.activeName,
      configError: this.configError,
      configPath: this.configPath,
      readOnly: false,
    };
  }

  async shutdown(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
    await this.runtime?.stop();
    this.runtime = null;
    await Promise.allSettled(this.features.map((f) => f.dispose?.()));
    this.listeners.clear();
  }

  private queueHealth(): void {
    if (this.healthQueued) return;
    this.healthQueued = true;
    queueMicrotask(() => {
      this.healthQueued = false;
      this.emit('core.health', this.runtime?.health() ?? []);
    });
  }

  private registerCoreHandlers(): void {
    this.provideSnapshot('core.environments', () => this.environmentsState());
    this.provideSnapshot('core.health', () => this.runtime?.health() ?? []);
    this.handle('core.hello', (): HelloResult => {
      const snapshot: Record<string, unknown> = {};
      for (const [topic, fn] of this.snapshots) snapshot[topic] = fn();
      return { version: CONSOLE_VERSION, host: this.host.kind, snapshot };
    });
    this.handle('core.selectEnvironment', ({ name }) => this.selectEnvironment(name));
    this.handle('core.refreshNow', () => this.refreshNow());
    this.handle('core.setVisibility', ({ visible }) => this.setVisibility(visible));
    this.handle('core.openExternal', async ({ url }) => {
      const safe = safeExternalUrl(url);
      if (!safe) throw new ConsoleError('invalid-argument', `refusing to open "${url.slice(0, 200)}": only http and https links open`);
      const opened = await this.host.openExternal(safe);
      return { openedBy: opened ? ('host' as const) : ('renderer' as const), url: safe };
    });
  }
}
