/**
 * Log search over the environment's Elasticsearch / OpenSearch sources: the first page with
 * histogram and sidebar top values, deep paging on a point in time (DeepPager) up to 100,000 hits,
 * surrounding documents, live tail, NDJSON/CSV export, saved searches and recent queries, and each
 * source's cluster health in the status bar. Errors keep the server's own words.
 */
import { randomUUID } from 'node:crypto';
import type {
  LogExportResult,
  LogFilterSpec,
  LogPageResult,
  LogSearchResult,
  LogSourceInfo,
  LogSurroundingResult,
  LogTopValues,
} from '../../preload/contract';
import { MAX_DEEP_HITS } from '../../preload/contract';
import { relaxHeapForBurst } from '../core/heap';
import { ElasticsearchClient, type SearchHit } from '../clients/elasticsearch';
import { SourceError } from '../clients/source-error';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { EnvironmentRuntime, Source } from '../core/environment';
import { ConsoleError } from '../core/errors';
import type { ConnectionConfig } from '../config/schema';
import { DeepPager } from './deep-pager';
import { buildLogSearch, chooseHistogramInterval, readLogAggregations, type LogFilter } from './log-query';
import { exportFileName, toCsv, toLogHit, toLogHitTable, toNdjson } from './log-hits';
import { SavedSearchStore } from './saved-searches';

/** Fields whose top values come from terms aggregations over the whole result. */
export const SIDEBAR_TERMS_FIELDS = ['service', 'level', 'host'];
const CURSOR_IDLE_MS = 5 * 60_000;
const MAX_CURSORS = 16;
const PIT_KEEP_ALIVE = '5m';
const TAIL_PAGE = 500;
const TAIL_MAX_PER_POLL = 5000;
const DEFAULT_TAIL_MS = 5000;
const SURROUNDING_SPAN_MS = 30 * 24 * 3600_000;

interface EsSourceConfig extends ConnectionConfig {
  index: string;
  flavor: 'auto' | 'elasticsearch' | 'opensearch';
  timestampField: string;
}

type EsSource = Source<ElasticsearchClient> & { config: EsSourceConfig };

interface Cursor {
  pager: DeepPager;
  source: EsSource;
  runtime: EnvironmentRuntime;
  lastUsed: number;
  limitNote: string | null;
}

interface Tail {
  id: string;
  runtime: EnvironmentRuntime;
  source: EsSource;
  query: string;
  filters: LogFilter[];
  /** Newest timestamp sent so far; the next poll asks from here (inclusive) and drops ids already sent. */
  lastTs: number;
  /** True until the first poll: documents exactly at `since` are the renderer's already. */
  strictAfter: boolean;
  sentAtLastTs: Set<string>;
  intervalMs: number;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
  lastError: string | null;
}

function backendError(err: unknown): never {
  if (err instanceof ConsoleError) throw err;
  if (err instanceof SourceError) throw new ConsoleError('backend', err.message);
  if (err instanceof RangeError) throw new ConsoleError('invalid-argument', err.message);
  throw err;
}

export class LogsFeature implements Feature {
  private runtime: EnvironmentRuntime | null = null;
  private sources: EsSource[] = [];
  private readonly cursors = new Map<string, Cursor>();
  private readonly tails = new Map<string, Tail>();
  readonly store: SavedSearchStore;

  constructor(private readonly core: ConsoleCore) {
    this.store = new SavedSearchStore(core.host.dataDir, core.now);
    core.provideSnapshot('logs.sources', () => this.sourceInfo());
    core.handle('logs.sources', () => this.sourceInfo());
    // Searching, paging and exporting are bursts of allocation the user waits on (main/core/heap.ts).
    core.handle('logs.search', (a) => {
      relaxHeapForBurst();
      return this.search(a);
    });
    core.handle('logs.page', (a) => {
      relaxHeapForBurst();
      return this.page(a.cursor);
    });
    core.handle('logs.closeCursor', (a) => this.closeCursor(a.cursor));
    core.handle('logs.surrounding', (a) => this.surrounding(a));
    core.handle('logs.tail.start', (a) => this.startTail(a));
    core.handle('logs.tail.stop', (a) => {
      this.stopTail(a.tailId);
    });
    core.handle('logs.export', (a) => {
      relaxHeapForBurst();
      return this.export(a);
    });
    core.handle('logs.savedSearches.list', () => this.store.list());
    core.handle('logs.savedSearches.save', async (a) => {
      try {
        return await this.store.save({ name: a.name, source: a.source, query: a.query, filters: a.filters, columns: a.columns, range: a.range });
      } catch (err) {
        if (err instanceof RangeError) throw new ConsoleError('conflict', err.message);
        throw err;
      }
    });
    core.handle('logs.savedSearches.delete', async (a) => {
      if (!(await this.store.remove(a.name))) throw new ConsoleError('not-found', `no saved search named "${a.name}"`);
      return this.store.list();
    });
    core.handle('logs.recent.clear', () => this.store.clearRecent());
  }

  onEnvironment(runtime: EnvironmentRuntime): void {
    this.closeAll();
    this.runtime = runtime;
    const polling = runtime.settings.polling.elasticsearchMs;
    this.sources = runtime.config.elasticsearch.map((cfg) => {
      const src = runtime.makeSource('elasticsearch', cfg, polling, (http) => new ElasticsearchClient(http, { index: cfg.index, flavor: cfg.flavor, timestampField: cfg.timestampField })) as EsSource;
      runtime.trackHealth(src.health);
      runtime.addPoller((signal) => this.pollHealth(src, signal), cfg.intervalMs ?? polling);
      return src;
    });
    runtime.onDispose(() => {
      if (this.runtime === runtime) this.closeAll();
    });
    this.core.emit('logs.sources', this.sourceInfo());
  }

  async dispose(): Promise<void> {
    this.closeAll();
    await this.store.idle();
  }

  /** Live tails (for tests and diagnostics). */
  get tailCount(): number {
    return this.tails.size;
  }

  get cursorCount(): number {
    return this.cursors.size;
  }

  private sourceInfo(): LogSourceInfo[] {
    return this.sources.map((s) => ({ name: s.name, url: s.config.url, index: s.config.index, timestampField: s.config.timestampField, flavor: s.config.flavor }));
  }

  private pick(name: string | undefined): EsSource {
    const runtime = this.runtime;
    if (!runtime) throw new ConsoleError('unavailable', 'no environment is selected');
    if (this.sources.length === 0) throw new ConsoleError('unavailable', `environment "${runtime.name}" has no Elasticsearch or OpenSearch source; add one in Settings`);
    if (name === undefined) return this.sources[0] as EsSource;
    const s = this.sources.find((x) => x.name === name);
    if (!s) throw new ConsoleError('not-found', `no log source named "${name}" in environment "${runtime.name}"`);
    return s;
  }

  private async pollHealth(src: EsSource, signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    try {
      const h = await src.client.clusterHealth({ signal });
      const ms = performance.now() - t0;
      const detail = `cluster ${h.clusterName} ${h.status}`;
      if (h.status === 'red') {
        const pct = h.activeShardsPercent !== null ? `, ${h.activeShardsPercent.toFixed(1)}% of shards active` : '';
        src.health.recordSuccess(ms, { detail, partialError: `cluster health red: ${h.unassignedShards} unassigned shards${pct}` });
      } else src.health.recordSuccess(ms, { detail });
    } catch (err) {
      if (signal.aborted) return;
      // Log readers often may not read cluster health: the cluster still answers, so it is up.
      if (err instanceof SourceError && err.status === 403) {
        try {
          await src.client.info({ signal });
          src.health.recordSuccess(performance.now() - t0, { detail: 'cluster health not permitted for this user' });
          return;
        } catch {
          // fall through to the health error
        }
      }
      src.health.recordFailure(err);
    }
  }

  // ---------- search and paging ----------

  private async search(a: { source?: string; query: string; from: number; to: number; filters: LogFilterSpec[]; size: number; columns?: string[] }): Promise<LogSearchResult> {
    const src = this.pick(a.source);
    const runtime = this.runtime as EnvironmentRuntime;
    const tsField = src.config.timestampField;
    const base = { query: a.query, from: a.from, to: a.to, filters: a.filters, timestampField: tsField, sortDesc: true };
    const interval = chooseHistogramInterval(a.to - a.from);
    const pager = new DeepPager(src.client, { search: { ...base, highlight: true }, pageSize: a.size, maxHits: MAX_DEEP_HITS, keepAlive: PIT_KEEP_ALIVE });
    const aggBody = buildLogSearch({ ...base, size: 0, highlight: false, histogramIntervalMs: interval.ms, trackTotalHits: false, tiebreaker: null });
    const termsBody = buildLogSearch({ ...base, size: 0, highlight: false, histogramIntervalMs: null, termsFields: SIDEBAR_TERMS_FIELDS, termsSize: 10, trackTotalHits: false, tiebreaker: null });
    // The page first, then the aggregations: the server answers the (large) page while it still counts, and the
    // core converts that page meanwhile. Opening the point in time is one short round trip.
    await pager.opened();
    const firstP = pager.next();
    // Marked handled now: it can fail (no point in time) before allSettled below looks at it, and an
    // unhandled rejection in that gap would take the process down.
    firstP.catch(() => undefined);
    await new Promise<void>((r) => setImmediate(r));
    const [first, agg, terms] = await Promise.allSettled([firstP, src.client.search(aggBody), src.client.search(termsBody)]);
    if (first.status === 'rejected') {
      await pager.close();
      backendError(first.reason);
    }
    if (agg.status === 'rejected') {
      await pager.close();
      backendError(agg.reason);
    }
    const page = first.value;
    const warnings: string[] = [];
    if (agg.value.noIndicesMatched) warnings.push(`no index matches "${src.config.index}"`);
    if (agg.value.shardFailures.length > 0) warnings.push(`partial results: ${agg.value.shards.failed} of ${agg.value.shards.total} shards failed: ${agg.value.shardFailures.slice(0, 3).join('; ')}`);
    if (agg.value.timedOut) warnings.push('the search timed out on the server; results are partial');
    let topValues: LogTopValues[] = [];
    if (terms.status === 'fulfilled') {
      const read = readLogAggregations(terms.value, SIDEBAR_TERMS_FIELDS).terms;
      topValues = SIDEBAR_TERMS_FIELDS.map((field) => ({
        field,
        values: (read[field]?.buckets ?? []).map((b) => ({ value: b.key, count: b.count })),
        otherCount: read[field]?.otherCount ?? 0,
      }));
    } else warnings.push(`top values unavailable: ${(terms.reason as Error).message}`);
    if (pager.fallbackReason && pager.mode === 'search_after') warnings.push(`paging without a point in time (${pager.fallbackReason}): new logs may shift later pages`);
    const histogram = readLogAggregations(agg.value).histogram;
    void this.store.remember(a.query, a.source ?? null).catch(() => undefined);

    let cursor: string | null = null;
    if (page && !page.done) cursor = this.addCursor({ pager, source: src, runtime, lastUsed: this.core.now(), limitNote: null });
    return {
      source: src.name,
      index: src.config.index,
      hits: toLogHitTable(page?.hits ?? [], tsField),
      total: page?.total ?? { value: 0, relation: 'eq' },
      histogram: { intervalMs: interval.ms, buckets: histogram.map((b) => ({ key: b.key, count: b.count })) },
      topValues,
      cursor,
      pagingMode: pager.mode ?? 'search_after',
      took: agg.value.took,
      warnings,
    };
  }

  private addCursor(c: Cursor): string {
    this.sweepCursors();
    while (this.cursors.size >= MAX_CURSORS) {
      const oldest = [...this.cursors.entries()].sort((x, y) => x[1].lastUsed - y[1].lastUsed)[0];
      if (!oldest) break;
      this.closeCursor(oldest[0]);
    }
    const id = randomUUID();
    this.cursors.set(id, c);
    return id;
  }

  private sweepCursors(): void {
    const now = this.core.now();
    for (const [id, c] of this.cursors) if (now - c.lastUsed > CURSOR_IDLE_MS) this.closeCursor(id);
  }

  private closeCursor(id: string): void {
    const c = this.cursors.get(id);
    if (!c) return;
    this.cursors.delete(id);
    void c.pager.close();
  }

  private async page(id: string): Promise<LogPageResult> {
    this.sweepCursors();
    const c = this.cursors.get(id);
    if (!c || c.runtime !== this.runtime) throw new ConsoleError('not-found', 'this result list expired (idle for 5 minutes or the environment changed); search again');
    c.lastUsed = this.core.now();
    let page;
    try {
      page = await c.pager.next();
    } catch (err) {
      this.closeCursor(id);
      backendError(err);
    }
    if (!page) {
      this.closeCursor(id);
      return { hits: toLogHitTable([], c.source.config.timestampField), total: c.pager.total ?? { value: 0, relation: 'eq' }, cursor: null, fetched: c.pager.fetched, limitNote: null };
    }
    let limitNote: string | null = null;
    if (page.done) {
      this.closeCursor(id);
      if (page.fetched >= MAX_DEEP_HITS && (page.total.value > page.fetched || page.total.relation === 'gte')) {
        limitNote = `showing the first ${MAX_DEEP_HITS.toLocaleString('en-US')} hits; narrow the query or the time range to see the rest`;
      }
    }
    return { hits: toLogHitTable(page.hits, c.source.config.timestampField), total: page.total, cursor: page.done ? null : id, fetched: page.fetched, limitNote };
  }

  // ---------- surrounding documents ----------

  private async surrounding(a: { source?: string; id: string; index: string; timestamp: number; by: 'host' | 'service'; value: string; n: number }): Promise<LogSurroundingResult> {
    const src = this.pick(a.source);
    const ts = src.config.timestampField;
    const filters: LogFilter[] = [{ field: a.by, value: a.value, negate: false }];
    const common = { query: '', filters, timestampField: ts, highlight: false, histogramIntervalMs: null, trackTotalHits: false } as const;
    const same = buildLogSearch({ ...common, from: a.timestamp, to: a.timestamp, size: Math.min(1000, 2 * a.n + 50), sortDesc: false, tiebreaker: '_doc' });
    const older = buildLogSearch({ ...common, from: Math.max(0, a.timestamp - SURROUNDING_SPAN_MS), to: Math.max(0, a.timestamp - 1), size: a.n, sortDesc: true, tiebreaker: '_doc' });
    const newer = buildLogSearch({ ...common, from: a.timestamp + 1, to: a.timestamp + SURROUNDING_SPAN_MS, size: a.n, sortDesc: false, tiebreaker: '_doc' });
    let sameR, olderR, newerR;
    try {
      [sameR, olderR, newerR] = await Promise.all([src.client.search(same), a.timestamp > 0 ? src.client.search(older) : Promise.resolve(null), src.client.search(newer)]);
    } catch (err) {
      backendError(err);
    }
    const sameHits = sameR.hits;
    const at = sameHits.findIndex((h) => h.id === a.id && h.index === a.index);
    if (at < 0) throw new ConsoleError('not-found', `document ${a.id} is not in ${a.index} with ${a.by} "${a.value}" at ${new Date(a.timestamp).toISOString()} any more`);
    const conv = (h: SearchHit) => toLogHit(h, ts);
    const olderList = [...sameHits.slice(0, at).reverse(), ...(olderR?.hits ?? [])].slice(0, a.n).map(conv);
    const newerAsc = [...sameHits.slice(at + 1), ...newerR.hits].slice(0, a.n).map(conv);
    return { anchor: conv(sameHits[at] as SearchHit), newer: newerAsc.reverse(), older: olderList };
  }

  // ---------- live tail ----------

  private startTail(a: { source?: string; query: string; filters: LogFilterSpec[]; since: number; intervalMs?: number }): { tailId: string; intervalMs: number } {
    const src = this.pick(a.source);
    const runtime = this.runtime as EnvironmentRuntime;
    const intervalMs = a.intervalMs ?? Math.min(DEFAULT_TAIL_MS, runtime.settings.polling.elasticsearchMs);
    const tail: Tail = {
      id: randomUUID(),
      runtime,
      source: src,
      query: a.query,
      filters: a.filters,
      lastTs: a.since,
      strictAfter: true,
      sentAtLastTs: new Set(),
      intervalMs,
      timer: null,
      stopped: false,
      lastError: null,
    };
    this.tails.set(tail.id, tail);
    this.scheduleTail(tail, intervalMs);
    return { tailId: tail.id, intervalMs };
  }

  private scheduleTail(t: Tail, delay: number): void {
    if (t.stopped) return;
    t.timer = setTimeout(() => {
      t.timer = null;
      void this.pollTail(t).finally(() => this.scheduleTail(t, t.intervalMs));
    }, delay);
    t.timer.unref?.();
  }

  private stopTail(id: string): void {
    const t = this.tails.get(id);
    if (!t) return;
    t.stopped = true;
    if (t.timer) clearTimeout(t.timer);
    this.tails.delete(id);
  }

  /** One tail poll: documents at or after the newest one sent, minus those already sent. */
  async pollTail(t: Tail): Promise<void> {
    const ts = t.source.config.timestampField;
    const fresh: SearchHit[] = [];
    let error: string | null = null;
    try {
      let after: (string | number | boolean | null)[] | undefined;
      for (let fetched = 0; fetched < TAIL_MAX_PER_POLL; ) {
        const body = buildLogSearch({
          query: t.query,
          filters: t.filters,
          from: t.strictAfter ? t.lastTs + 1 : t.lastTs,
          to: Math.max(this.core.now() + 60_000, t.lastTs + 1),
          size: TAIL_PAGE,
          timestampField: ts,
          sortDesc: false,
          highlight: true,
          histogramIntervalMs: null,
          trackTotalHits: false,
          ...(after ? { searchAfter: after } : {}),
        });
        const r = await t.source.client.search(body);
        if (t.stopped) return;
        fetched += r.hits.length;
        for (const h of r.hits) if (!t.sentAtLastTs.has(h.id)) fresh.push(h);
        const last = r.hits[r.hits.length - 1];
        if (r.hits.length < TAIL_PAGE || !last?.sort) break;
        after = last.sort;
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (t.stopped) return;
    if (fresh.length > 0) {
      fresh.reverse();
      const hits = toLogHitTable(fresh, ts);
      let newest = -Infinity;
      for (const row of hits.rows) if (row[2] !== null && row[2] > newest) newest = row[2];
      if (Number.isFinite(newest) && newest >= t.lastTs) {
        if (newest > t.lastTs || t.strictAfter) t.sentAtLastTs = new Set();
        t.lastTs = newest;
        t.strictAfter = false;
        for (const row of hits.rows) if (row[2] === newest) t.sentAtLastTs.add(row[0]);
      }
      this.core.emit('logs.tail', { tailId: t.id, hits, error, at: this.core.now() });
    } else if (error !== t.lastError) {
      this.core.emit('logs.tail', { tailId: t.id, hits: toLogHitTable([], ts), error, at: this.core.now() });
    }
    t.lastError = error;
  }

  // ---------- export ----------

  private async export(a: { source?: string; query: string; from: number; to: number; filters: LogFilterSpec[]; format: 'ndjson' | 'csv'; columns?: string[]; maxHits: number }): Promise<LogExportResult> {
    const src = this.pick(a.source);
    const ts = src.config.timestampField;
    const pager = new DeepPager(src.client, {
      search: { query: a.query, from: a.from, to: a.to, filters: a.filters, timestampField: ts, sortDesc: true, highlight: false },
      pageSize: Math.min(5000, a.maxHits),
      maxHits: a.maxHits,
      keepAlive: '2m',
    });
    const hits: SearchHit[] = [];
    let total = { value: 0, relation: 'eq' as 'eq' | 'gte' };
    try {
      for await (const page of pager) {
        hits.push(...page.hits);
        total = page.total;
      }
    } catch (err) {
      backendError(err);
    }
    const columns = [...new Set([ts, ...(a.columns && a.columns.length > 0 ? a.columns : ['service', 'level', 'host']), 'message'])];
    const content = a.format === 'ndjson' ? toNdjson(hits) : toCsv(hits, columns);
    return {
      fileName: exportFileName(src.name, a.from, a.to, a.format),
      mimeType: a.format === 'ndjson' ? 'application/x-ndjson' : 'text/csv',
      content,
      count: hits.length,
      truncated: total.value > hits.length || (total.relation === 'gte' && hits.length >= a.maxHits),
    };
  }

  private closeAll(): void {
    for (const id of [...this.cursors.keys()]) this.closeCursor(id);
    for (const id of [...this.tails.keys()]) {
      this.stopTail(id);
      this.core.emit('logs.tail', { tailId: id, hits: toLogHitTable([], ''), error: 'live tail stopped: the environment changed', at: this.core.now() });
    }
  }
}
