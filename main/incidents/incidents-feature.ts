/**
 * Incidents as a core feature: opens the incident service on the host's data folder (autosaved,
 * atomic writes), registers every `incidents.*` request, feeds it what the console sees (alerts
 * polled by AlertsFeature, acknowledgements and silences made through it), runs the response-timer
 * reminders (their notifications are NotifyFeature's), and opens exported files for read-only review (`--open <file>`, the OS "open with").
 *
 * The service opens asynchronously (it reads the data folder); requests made before that wait for it.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { EscalationLevelDef, OpenedIncidentFile, IncidentRequestName } from '../../preload/contract';
import { INCIDENT_LIMITS } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime } from '../core/environment';
import type { AlertAction, AlertsFeature } from '../alerts/alerts-feature';
import { ConsoleError } from '../core/errors';
import { formatZodError } from '../core/validation';
import { IncidentService, openIncidentService, type IncidentServiceOptions } from './incident-service';
import { IncidentStore } from './store';
import { layerEscalation, mergeEscalationMatrix } from './policy';
import type { ConsoleConfig } from '../config/schema';


export interface IncidentsFeatureOptions {
  /** How often the response timers are checked; default 15 s. */
  reminderIntervalMs?: number;
  /** Store options for tests (debounce). */
  debounceMs?: number;
  /** Extra service options (clock, ids) for tests. */
  service?: Omit<IncidentServiceOptions, 'persistence' | 'emit'>;
}

/** `<dataDir>/escalation-matrix.json`: `{ "levels": [{ "level": 1, "title": "...", "contacts": ["..."] }] }`. */
const matrixFileSchema = z
  .object({
    levels: z
      .array(
        z
          .object({
            level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
            title: z.string().min(1).max(200).optional(),
            contacts: z.array(z.string().min(1).max(200)).max(50).optional(),
          })
          .strict(),
      )
      .max(4),
  })
  .strict();

export const ESCALATION_FILE = 'escalation-matrix.json';

/**
 * The escalation contacts in force for one environment, level by level and field by field: the
 * environment's `escalation` in the config, then the config's global `escalation`, then
 * `<dataDir>/escalation-matrix.json` (still read, for installations set up before the config had the
 * field), then the runbook's titles. Config wins over the file.
 */
export function escalationFor(config: ConsoleConfig | null | undefined, environment: string | null, file: readonly Partial<EscalationLevelDef>[]): Partial<EscalationLevelDef>[] {
  const env = environment === null ? undefined : config?.environments.find((e) => e.name === environment);
  return layerEscalation(env?.escalation?.levels, config?.escalation?.levels, file);
}

/** Reads the installation's escalation contacts; a missing file keeps the runbook's levels, a bad one is reported. */
export function readEscalationMatrix(dataDir: string): { matrix: Partial<EscalationLevelDef>[]; error: string | null } {
  const file = join(dataDir, ESCALATION_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { matrix: [], error: null };
  }
  try {
    const parsed = matrixFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { matrix: [], error: `${file}: ${formatZodError(parsed.error)}` };
    return { matrix: parsed.data.levels, error: null };
  } catch (err) {
    return { matrix: [], error: `${file}: not valid JSON (${(err as Error).message})` };
  }
}

export class IncidentsFeature implements Feature {
  readonly store: IncidentStore;
  readonly ready: Promise<IncidentService>;
  private service: IncidentService | null = null;
  private runtimeName: string | null = null;
  private stopTimer: (() => void) | null = null;
  private opened: OpenedIncidentFile | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private disposed = false;
  readonly matrixError: string | null;
  private readonly fileMatrix: Partial<EscalationLevelDef>[];

  constructor(
    private readonly core: ConsoleCore,
    alerts: Pick<AlertsFeature, 'onAlerts' | 'onAction' | 'current'>,
    opts: IncidentsFeatureOptions = {},
  ) {
    this.store = new IncidentStore({
      dataDir: core.host.dataDir,
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      onError: (err, file) => console.error(`ops-console: saving ${file} failed, retrying: ${(err as Error).message}`),
    });
    const { matrix, error } = readEscalationMatrix(core.host.dataDir);
    this.fileMatrix = matrix;
    this.matrixError = error;
    if (error) console.error(`ops-console: ${error}; using the runbook's escalation levels`);
    this.ready = openIncidentService(this.store, {
      user: () => core.settings?.user ?? 'ops-console',
      environment: () => this.runtimeName ?? core.activeRuntime?.name ?? null,
      escalationMatrix: escalationFor(core.settings, core.activeRuntime?.name ?? null, matrix),
      ...opts.service,
      // 'incidents.reminders' also reaches NotifyFeature, which turns an overdue target into a notification.
      emit: (event) => core.emit(event.name, event.payload as never),
    });
    this.ready.then(
      (service) => {
        if (this.disposed) return;
        this.service = service;
        service.onAlertsChanged(alerts.current(), this.runtimeName);
        this.applyEscalation();
        this.stopTimer = service.startReminderTimer(opts.reminderIntervalMs ?? 15_000);
        service.checkReminders();
      },
      (err: unknown) => console.error(`ops-console: incidents cannot be read from ${this.store.incidentsDir}: ${(err as Error).message}`),
    );

    core.provideSnapshot('incidents.list', () => this.service?.list() ?? []);
    core.provideSnapshot('incidents.reminders', () => this.service?.dueReminders() ?? []);
    core.provideSnapshot('incidents.storage', () => this.service?.storageProblems() ?? []);
    core.provideSnapshot('incidents.review', () => this.opened);
    core.provideSnapshot('incidents.escalationMatrix', () => this.service?.escalationMatrix() ?? mergeEscalationMatrix(escalationFor(core.settings, this.runtimeName, this.fileMatrix)));
    this.registerHandlers();

    this.unsubscribe.push(alerts.onAlerts((map) => this.service?.onAlertsChanged(map, this.runtimeName)));
    this.unsubscribe.push(alerts.onAction((action) => this.onAction(action)));
  }

  private registerHandlers(): void {
    // The handler names come from the service itself: every contract request is registered.
    const names = Object.keys(new IncidentService().handlers()) as IncidentRequestName[];
    for (const name of names) {
      const handle = this.core.handle.bind(this.core) as (n: IncidentRequestName, fn: (args: unknown) => Promise<unknown>) => void;
      handle(name, async (args) => {
        const service = await this.requireService();
        const handler = service.handlers()[name] as (a: unknown) => unknown;
        return handler(args);
      });
    }
  }

  private async requireService(): Promise<IncidentService> {
    try {
      return await this.ready;
    } catch (err) {
      throw new ConsoleError('unavailable', `incidents cannot be read from ${this.store.incidentsDir}: ${(err as Error).message}`);
    }
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtimeName = runtime.name;
    this.applyEscalation(runtime.settings);
    // The environment starts with no alerts known: nothing is recorded until its first poll.
    this.service?.onAlertsUpdate({ kind: 'snapshot', seq: 0, environment: runtime.name, alerts: [] });
  }

  /** The environment's (or the config's, or the file's) escalation contacts, told to the renderer when they change. */
  private applyEscalation(config: ConsoleConfig | null | undefined = this.core.settings): void {
    const s = this.service;
    if (!s) return;
    if (s.setEscalationMatrix(escalationFor(config, this.runtimeName, this.fileMatrix))) this.core.emit('incidents.escalationMatrix', s.escalationMatrix());
  }

  private onAction(action: AlertAction): void {
    const s = this.service;
    if (!s) return;
    if (action.kind === 'ack') s.onAck({ fingerprints: action.fingerprints, author: action.author, until: action.until, at: action.at });
    else if (action.kind === 'unack') s.onUnack({ fingerprints: action.fingerprints, author: action.author, at: action.at });
    else
      s.onSilence({
        silenceId: action.silenceId,
        matchers: action.matchers,
        author: action.author,
        comment: action.comment,
        endsAt: action.endsAt,
        at: action.at,
      });
  }


  /**
   * Opens an exported incident file for read-only review (host `--open`, OS file association).
   * Nothing is merged into the live incidents; a bad file gives the clear reason and changes nothing.
   */
  async openFile(path: string): Promise<OpenedIncidentFile> {
    const fileName = basename(path).slice(0, INCIDENT_LIMITS.fileName);
    let result: OpenedIncidentFile;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new ConsoleError('invalid-argument', `${fileName} is not a file`);
      if (info.size > INCIDENT_LIMITS.importBytes) {
        throw new ConsoleError('invalid-argument', `${fileName} is ${info.size} bytes: larger than 20 MiB, the most an incident export may be`);
      }
      const content = await readFile(path, 'utf8');
      const service = await this.requireService();
      const review = service.invoke('incidents.import', { content, fileName });
      result = { fileName, review, error: null, at: this.core.now() };
    } catch (err) {
      const code = err instanceof ConsoleError ? undefined : (err as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `${fileName}: no such file (${path})` : code ? `${fileName}: cannot read (${code})` : (err as Error).message;
      result = { fileName, review: null, error: message, at: this.core.now() };
    }
    this.opened = result;
    this.core.emit('incidents.review', result);
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer?.();
    for (const u of this.unsubscribe) u();
    // Whatever is still waiting for its debounce is written now, synchronously.
    this.store.flushSync();
  }
}
