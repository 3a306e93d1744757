import type {
  AlertView,
  AlertsUpdate,
  PendingAlertsState,
  PreviewResult,
  SilenceMatcher,
  SilenceResult,
  SilencesState,
  SilenceView,
} from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime, Source } from '../core/environment';
import type { Poller } from '../core/poller';
import type { AlertmanagerClient, GettableAlert, GettableSilence, PostableSilence } from '../clients/alertmanager';
import { SourceError } from '../clients/source-error';
import { ConsoleError } from '../core/errors';
import { byFingerprint, diffAlerts, mergeAlertMaps, reuseUnchanged, type ViewOrigin } from './alert-merge';
import { compareAlerts, severityRank } from './alert-order';
import { regexProblem } from './alert-filter';
import { ackComment, ackMatchers, applyAcks, clustersFromStatus, extensionProblem, mergeSilences, previewMatches } from './silence-logic';
import { pendingFromPrometheus } from './pending';
import { FirstLoad } from './first-load';

type AmSource = Source<AlertmanagerClient>;

/** A write made through the console (for the incident timeline). Times are epoch ms. */
export type AlertAction =
  | { kind: 'ack'; fingerprints: string[]; author: string; until: number; at: number }
  | { kind: 'unack'; fingerprints: string[]; author: string; at: number }
  | { kind: 'silence'; silenceId: string; matchers: SilenceMatcher[]; author: string; comment: string; endsAt: number; at: number };

/** Status (cluster peers) is re-read every this many alert polls. */
const STATUS_EVERY = 6;
const WRITE_CONCURRENCY = 6;

/**
 * Polls every Alertmanager of the environment in one cycle (alerts and silences), merges HA replicas, and
 * tells the renderer only what changed. An unreachable replica keeps its last answer out of the merge,
 * hiding nothing the others have.
 *
 * Writes (acknowledge, silence, expire) go to ONE reachable Alertmanager per HA cluster, as karma does:
 * replicas gossip silences, so writing to every replica would create duplicates. Clusters come from each
 * Alertmanager's /api/v2/status peer list; an Alertmanager whose status is unknown counts as its own cluster.
 * When the chosen replica cannot be reached, the next member of the same cluster is tried; a refusal
 * (4xx) is not retried elsewhere, its text goes back to the user as is.
 */
export class AlertsFeature implements Feature {
  private alerts = new Map<string, AlertView>();
  private seq = 0;
  private environment: string | null = null;
  private runtime: EnvironmentRuntime | null = null;
  private readonly listeners = new Set<(alerts: Map<string, AlertView>) => void>();
  private readonly actionListeners = new Set<(action: AlertAction) => void>();
  private silences: SilenceView[] = [];
  private silencesKey = '';
  private peers = new Map<string, string[] | null>();
  private pending: PendingAlertsState = { environment: null, alerts: [], errors: [], updatedAt: null };
  private alertPoller: Poller | null = null;
  /** Each Alertmanager's alerts as last parsed: an unchanged alert in the next answer is this same object. */
  private parsedBySource = new Map<string, Map<string, GettableAlert>>();
  /** What each current view was built from, so an unchanged alert keeps its view (see mergeAlertMaps). */
  private origins = new WeakMap<AlertView, ViewOrigin>();

  constructor(private readonly core: ConsoleCore) {
    core.provideSnapshot('alerts.update', (): AlertsUpdate => ({ kind: 'snapshot', seq: this.seq, environment: this.environment, alerts: [...this.alerts.values()] }));
    core.provideSnapshot('alerts.silences', () => this.silencesState());
    core.provideSnapshot('alerts.pending', () => this.pending);
    core.handle('alerts.refresh', () => this.runtime?.refreshAll());
    core.handle('alerts.acknowledge', ({ fingerprints }) => this.acknowledge(fingerprints));
    core.handle('alerts.unacknowledge', ({ fingerprints }) => this.unacknowledge(fingerprints));
    core.handle('alerts.silences.preview', ({ matchers }) => this.preview(matchers));
    core.handle('alerts.silences.create', (args) => this.createSilence(args));
    core.handle('alerts.silences.extend', ({ id, endsAt }) => this.extendSilence(id, endsAt));
    core.handle('alerts.silences.expire', ({ ids }) => this.expireSilences(ids));
  }

  /** Other features (notifications, incidents, fleet counts) read merged alerts from here. */
  onAlerts(listener: (alerts: Map<string, AlertView>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Acknowledgements and silences made in the console, after they succeeded (incidents record them). */
  onAction(listener: (action: AlertAction) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  private announce(action: AlertAction): void {
    for (const l of this.actionListeners) {
      try {
        l(action);
      } catch {
        // A listener's failure must not fail the write that already happened.
      }
    }
  }

  current(): Map<string, AlertView> {
    return this.alerts;
  }

  currentSilences(): SilenceView[] {
    return this.silences;
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.runtime = runtime;
    this.environment = runtime.name;
    this.alerts = new Map();
    this.silences = [];
    this.silencesKey = '';
    this.peers = new Map();
    this.alertPoller = null;
    this.parsedBySource = new Map();
    this.seq += 1;
    this.core.emit('alerts.update', { kind: 'snapshot', seq: this.seq, environment: this.environment, alerts: [] });
    this.core.emit('alerts.silences', this.silencesState());
    this.pending = { environment: runtime.name, alerts: [], errors: [], updatedAt: null };
    this.core.emit('alerts.pending', this.pending);
    if (runtime.alertmanager.length > 0) this.startAlertPolling(runtime);
    if (runtime.prometheus.length > 0) this.startPendingPolling(runtime);
  }

  private startAlertPolling(runtime: EnvironmentRuntime): void {
    let cycle = 0;
    this.alertPoller = runtime.addPoller(
      async (signal) => {
        // This cycle's answers only (a failed replica's old answer could resurrect resolved alerts), so the
        // previous poll's 50,000 parsed alerts are not kept alive while the next answer is read.
        const lastGood = new Map<string, Map<string, GettableAlert>>();
        const lastSilences = new Map<string, GettableSilence[]>();
        const withStatus = cycle % STATUS_EVERY === 0 || runtime.alertmanager.some((s) => !this.peers.has(s.name));
        cycle += 1;
        const firstLoad = this.alerts.size === 0 ? new FirstLoad(this.alerts, (upserted, removed) => this.emitDiff(upserted, removed)) : null;
        const onBatch = firstLoad
          ? (source: string) => (batch: GettableAlert[]) => {
              if (runtime === this.runtime) firstLoad.add(source, batch);
            }
          : null;
        const results = await Promise.allSettled(
          runtime.alertmanager.map(async (source) => {
            const started = performance.now();
            try {
              const known = this.parsedBySource.get(source.name);
              const intern = known ? (a: GettableAlert): GettableAlert => reuseUnchanged(known.get(a.fingerprint), a) : undefined;
              const [alerts, silences] = await Promise.all([source.client.alerts({ signal, intern, onBatch: onBatch?.(source.name) }), source.client.silences({ signal })]);
              source.health.recordSuccess(performance.now() - started);
              lastGood.set(source.name, byFingerprint(alerts));
              lastSilences.set(source.name, silences);
            } catch (err) {
              source.health.recordFailure(err);
              throw err;
            }
            if (withStatus) {
              try {
                const status = await source.client.status(signal);
                this.peers.set(source.name, status.cluster.status === 'disabled' ? null : (status.cluster.peers ?? []).map((p) => p.name));
              } catch {
                // Cluster membership is only a routing hint for writes; the poll itself succeeded.
              }
            }
          }),
        );
        if (runtime !== this.runtime) return;
        const okNames = new Set(runtime.alertmanager.filter((_, i) => results[i]?.status === 'fulfilled').map((s) => s.name));
        if (okNames.size === 0) firstLoad?.retract();
        else {
          firstLoad?.flush();
          // Only sources that answered this cycle count; a failed replica's old answer could resurrect resolved alerts.
          this.setSilences(mergeSilences([...lastSilences].filter(([name]) => okNames.has(name)).map(([source, silences]) => ({ source, silences }))));
          const perSource = [...lastGood].filter(([name]) => okNames.has(name)).map(([source, byFp]) => ({ source, byFingerprint: byFp }));
          for (const { source, byFingerprint: byFp } of perSource) this.parsedBySource.set(source, byFp);
          this.apply(mergeAlertMaps(perSource, this.alerts, this.origins), firstLoad?.showedAny ?? false);
        }
        const failed = results.find((r) => r.status === 'rejected');
        if (okNames.size === 0 && failed) throw (failed as PromiseRejectedResult).reason;
      },
      runtime.settings.polling.alertmanagerMs,
      true,
    );
  }

  private startPendingPolling(runtime: EnvironmentRuntime): void {
    runtime.addPoller(async (signal) => {
      const results = await Promise.allSettled(
        runtime.prometheus.map(async (source) => {
          const [alerts, groups] = await Promise.all([source.client.ruleAlerts({ signal }), source.client.rules({ signal })]);
          return { source: source.name, alerts, groups };
        }),
      );
      if (runtime !== this.runtime) return;
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const errors = results.flatMap((r, i) => (r.status === 'rejected' ? [{ source: runtime.prometheus[i]!.name, message: (r.reason as Error).message }] : []));
      const alerts = ok.length > 0 ? pendingFromPrometheus(ok) : this.pending.alerts;
      const next: PendingAlertsState = { environment: runtime.name, alerts, errors, updatedAt: this.core.now() };
      const changed = JSON.stringify(next.alerts) !== JSON.stringify(this.pending.alerts) || JSON.stringify(errors) !== JSON.stringify(this.pending.errors) || this.pending.updatedAt === null;
      this.pending = next;
      if (changed) this.core.emit('alerts.pending', next);
      // Rules and pending alerts (~600 kB at 2,000 servers) after the first tiles and alerts, not on the same server at once.
    }, runtime.settings.polling.alertmanagerMs, false, { afterFirstRound: true });
  }

  private silencesState(): SilencesState {
    const settings = this.runtime?.settings ?? this.core.settings;
    return {
      environment: this.environment,
      silences: this.silences,
      user: settings?.user ?? 'ops-console',
      ackDurationMs: settings?.ackDurationMs ?? 15 * 60_000,
      clusters: this.runtime ? this.clusters(this.runtime) : [],
    };
  }

  private clusters(runtime: EnvironmentRuntime): { name: string; members: string[] }[] {
    return clustersFromStatus(
      runtime.alertmanager.map((s) => s.name),
      this.peers,
    );
  }

  private setSilences(next: SilenceView[]): void {
    const key = JSON.stringify(next) + JSON.stringify([...this.peers]);
    this.silences = next;
    if (key === this.silencesKey) return;
    this.silencesKey = key;
    this.core.emit('alerts.silences', this.silencesState());
  }

  /** `announce`: tell the other features even if the renderer needs no diff (a first load already showed it all). */
  private apply(merged: Map<string, AlertView>, announce = false): void {
    const next = applyAcks(merged, this.silences, {
      inPlace: true,
      onReplace: (before, after) => {
        const origin = this.origins.get(before);
        if (origin) this.origins.set(after, origin);
      },
    });
    // A kept view now stands for this poll's parsed objects (e.g. only updatedAt moved), so that the next
    // poll recognises them and keeps it again without building a view.
    const { upserted, removed } = diffAlerts(this.alerts, next, true, (kept, fresh) => {
      const origin = this.origins.get(fresh);
      if (origin) this.origins.set(kept, origin);
    });
    this.alerts = next;
    if (upserted.length === 0 && removed.length === 0) {
      if (announce) for (const l of this.listeners) l(this.alerts);
      return;
    }
    // A big change (the first poll of 50,000) goes out in chunks, the worst alerts first: the renderer
    // paints the first rows from a small message instead of waiting for one 20 MB text. All chunks are sent
    // in this same tick, so no snapshot or other diff can come between them.
    const chunks = upserted.length > FIRST_CHUNK * 2 ? chunked(worstFirst(upserted)) : [upserted];
    chunks.forEach((chunk, i) => this.emitDiff(chunk, i === 0 ? removed : []));
    for (const l of this.listeners) l(this.alerts);
  }

  private emitDiff(upserted: AlertView[], removed: string[]): void {
    this.seq += 1;
    this.core.emit('alerts.update', { kind: 'diff', seq: this.seq, environment: this.environment, upserted, removed });
  }

  // ---------------------------------------------------------------------------------------------
  // writes

  private requireRuntime(): EnvironmentRuntime {
    const rt = this.runtime;
    if (!rt || rt.alertmanager.length === 0) throw new ConsoleError('unavailable', 'no Alertmanager is configured for this environment');
    return rt;
  }

  /** One target list per cluster that contains any of `holders` (all clusters when holders is empty). */
  private targets(rt: EnvironmentRuntime, holders: string[]): AmSource[][] {
    const byName = new Map(rt.alertmanager.map((s) => [s.name, s]));
    const healthRank = (s: AmSource) => {
      const st = s.health.snapshot().state;
      return st === 'ok' ? 0 : st === 'pending' || st === 'stale' || st === 'degraded' ? 1 : 2;
    };
    return this.clusters(rt)
      .filter((c) => holders.length === 0 || c.members.some((m) => holders.includes(m)))
      .map((c) => {
        const members = c.members.map((m) => byName.get(m)!).filter(Boolean);
        // Replicas that hold the alert / silence first, then healthy ones.
        return members.sort((a, b) => Number(!holders.includes(a.name)) - Number(!holders.includes(b.name)) || healthRank(a) - healthRank(b));
      });
  }

  /** Runs `write` on one member of each cluster, falling over to the next member only when unreachable. */
  private async writeToClusters<T>(clusters: AmSource[][], write: (s: AmSource) => Promise<T>): Promise<{ results: T[]; failures: { alertmanager: string; message: string }[] }> {
    const results: T[] = [];
    const failures: { alertmanager: string; message: string }[] = [];
    await Promise.all(
      clusters.map(async (members) => {
        let lastErr: { alertmanager: string; message: string } | null = null;
        for (const s of members) {
          try {
            results.push(await write(s));
            return;
          } catch (err) {
            lastErr = { alertmanager: s.name, message: err instanceof Error ? err.message : String(err) };
            const unreachable = err instanceof SourceError && (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'tls');
            if (!unreachable) break;
          }
        }
        if (lastErr) failures.push(lastErr);
      }),
    );
    return { results, failures };
  }

  private failureError(action: string, failures: { alertmanager: string; message: string }[]): ConsoleError {
    const text = failures.map((f) => `Alertmanager ${f.alertmanager}: ${f.message}`).join('\n');
    return new ConsoleError('backend', `${action} failed.\n${text}`);
  }

  private async postSilence(clusters: AmSource[][], silence: PostableSilence, action: string): Promise<SilenceResult> {
    const { results, failures } = await this.writeToClusters(clusters, (s) => s.client.postSilence(silence));
    if (results.length === 0) throw this.failureError(action, failures);
    return { silenceIds: results, failures };
  }

  private async acknowledge(fingerprints: string[]): Promise<SilenceResult> {
    const rt = this.requireRuntime();
    const alerts = fingerprints.map((fp) => {
      const a = this.alerts.get(fp);
      if (!a) throw new ConsoleError('not-found', `alert ${fp} is no longer firing`);
      return a;
    });
    const now = this.core.now();
    const user = rt.settings.user;
    const out: SilenceResult = { silenceIds: [], failures: [] };
    let firstError: unknown = null;
    await forEachLimited(alerts, WRITE_CONCURRENCY, async (a) => {
      try {
        const r = await this.postSilence(
          this.targets(rt, a.alertmanagers),
          { matchers: ackMatchers(a.labels), startsAt: new Date(now).toISOString(), endsAt: new Date(now + rt.settings.ackDurationMs).toISOString(), createdBy: user, comment: ackComment(user) },
          `Acknowledging ${a.labels.alertname ?? a.fingerprint}`,
        );
        out.silenceIds.push(...r.silenceIds);
        out.failures.push(...r.failures);
      } catch (err) {
        firstError ??= err;
      }
    });
    if (out.silenceIds.length === 0 && firstError) throw firstError;
    this.announce({ kind: 'ack', fingerprints: alerts.map((a) => a.fingerprint), author: user, until: now + rt.settings.ackDurationMs, at: now });
    await this.refreshSoon();
    return out;
  }

  private async unacknowledge(fingerprints: string[]): Promise<{ expired: string[] }> {
    const ids = new Set<string>();
    for (const fp of fingerprints) {
      const a = this.alerts.get(fp);
      if (!a) throw new ConsoleError('not-found', `alert ${fp} is no longer firing`);
      if (!a.ack) throw new ConsoleError('not-found', `${a.labels.alertname ?? fp} is not acknowledged`);
      for (const id of a.ack.silenceIds) ids.add(id);
    }
    const result = await this.expireSilences([...ids]);
    this.announce({ kind: 'unack', fingerprints: [...fingerprints], author: this.runtime?.settings.user ?? 'ops-console', at: this.core.now() });
    return result;
  }

  private preview(matchers: SilenceMatcher[]): PreviewResult {
    const problem = regexProblem(matchers);
    if (problem) throw new ConsoleError('invalid-argument', problem);
    const matched = previewMatches(this.alerts.values(), matchers).sort(compareAlerts);
    return {
      count: matched.length,
      sample: matched.slice(0, 20).map((a) => ({ fingerprint: a.fingerprint, alertname: a.labels.alertname ?? '', instance: a.labels.instance ?? '', severity: a.labels.severity ?? '' })),
    };
  }

  private async createSilence(args: { matchers: SilenceMatcher[]; startsAt?: string; endsAt: string; comment: string; createdBy: string }): Promise<SilenceResult> {
    const rt = this.requireRuntime();
    const now = this.core.now();
    const startsAt = args.startsAt ? parseTime(args.startsAt, 'startsAt') : now;
    const endsAt = parseTime(args.endsAt, 'endsAt');
    if (endsAt <= Math.max(now, startsAt)) throw new ConsoleError('invalid-argument', 'the silence must end in the future and after it starts');
    const result = await this.postSilence(
      this.targets(rt, []),
      { matchers: args.matchers, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString(), createdBy: args.createdBy, comment: args.comment },
      'Creating the silence',
    );
    for (const silenceId of result.silenceIds.slice(0, 1)) this.announce({ kind: 'silence', silenceId, matchers: args.matchers, author: args.createdBy, comment: args.comment, endsAt, at: now });
    await this.refreshSoon();
    return result;
  }

  private async extendSilence(id: string, endsAtText: string): Promise<SilenceResult> {
    const rt = this.requireRuntime();
    const s = this.silences.find((x) => x.id === id);
    if (!s) throw new ConsoleError('not-found', `no silence ${id} in this environment`);
    const endsAt = parseTime(endsAtText, 'endsAt');
    const problem = extensionProblem(Date.parse(s.endsAt), endsAt, this.core.now());
    if (problem) throw new ConsoleError('invalid-argument', problem);
    const result = await this.postSilence(
      this.targets(rt, s.alertmanagers),
      { id: s.id, matchers: s.matchers, startsAt: s.state === 'expired' ? new Date(this.core.now()).toISOString() : s.startsAt, endsAt: new Date(endsAt).toISOString(), createdBy: s.createdBy, comment: s.comment },
      'Extending the silence',
    );
    await this.refreshSoon();
    return result;
  }

  private async expireSilences(ids: string[]): Promise<{ expired: string[] }> {
    const rt = this.requireRuntime();
    const expired: string[] = [];
    const failures: { alertmanager: string; message: string }[] = [];
    await forEachLimited(ids, WRITE_CONCURRENCY, async (id) => {
      const s = this.silences.find((x) => x.id === id);
      const r = await this.writeToClusters(this.targets(rt, s?.alertmanagers ?? []), (src) => src.client.expireSilence(id));
      if (r.results.length > 0) expired.push(id);
      else failures.push(...r.failures);
    });
    if (expired.length === 0 && failures.length > 0) throw this.failureError('Expiring the silence', failures);
    await this.refreshSoon();
    return { expired };
  }

  /** After a write, poll at once so the inbox shows the new state without waiting for the interval. */
  private async refreshSoon(): Promise<void> {
    try {
      await this.alertPoller?.refreshNow();
    } catch {
      // The next poll shows it.
    }
  }
}

const FIRST_CHUNK = 1000;
const CHUNK = 10_000;

/** Critical first, then warning, info, the rest; arrival order kept within a severity (no full sort). */
function worstFirst(alerts: AlertView[]): AlertView[] {
  const buckets: AlertView[][] = [[], [], [], []];
  for (const a of alerts) buckets[severityRank(a.labels.severity)]!.push(a);
  return buckets.flat();
}

function chunked(alerts: AlertView[]): AlertView[][] {
  const out: AlertView[][] = [alerts.slice(0, FIRST_CHUNK)];
  for (let i = FIRST_CHUNK; i < alerts.length; i += CHUNK) out.push(alerts.slice(i, i + CHUNK));
  return out;
}

function parseTime(text: string, field: string): number {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new ConsoleError('invalid-argument', `${field}: "${text}" is not a date and time`);
  return t;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
