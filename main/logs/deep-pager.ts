/**
 * Pages through every hit of a log search past the 10,000 result window with search_after.
 *
 * With a point in time (Elasticsearch >= 7.10, OpenSearch >= 2.4) the pages come from one frozen
 * snapshot: no duplicates or gaps even while new logs arrive, and the total is exact. The
 * tiebreaker is `_shard_doc` where the server has it (Elasticsearch >= 7.12), `_doc` otherwise.
 * Without PIT (older versions, or the server refused to open one) it falls back to plain
 * search_after on [timestamp, _doc]: new documents that sort before the cursor are not seen, and the
 * reported total says so ('gte' as soon as more hits arrive than were counted).
 */
import type { ElasticsearchClient, EsCapabilities, PitHandle, SearchHit, TotalHits } from '../clients/elasticsearch';
import { SourceError } from '../clients/source-error';
import { buildLogSearch, MAX_RESULT_WINDOW, type LogSearchParams, type SortValue } from './log-query';

export type DeepPagerMode = 'pit' | 'search_after';

export interface DeepPagerOptions {
  /** The log search (query, range, filters, sort direction, highlight, timestamp field). */
  search: Omit<LogSearchParams, 'size' | 'searchAfter' | 'histogramIntervalMs' | 'termsFields' | 'termsSize' | 'tiebreaker' | 'trackTotalHits' | 'pit'>;
  /** Hits per request, 1..10000 (default 1000). */
  pageSize?: number;
  /** Stop after this many hits (default: all). */
  maxHits?: number;
  /** PIT keep_alive, renewed on every page (default '2m'). */
  keepAlive?: string;
  /** Use a point in time when the server has one (default true). */
  usePit?: boolean;
  /** Count the total exactly on the first page (default true); false counts up to 10,000. */
  exactTotal?: boolean;
  signal?: AbortSignal;
}

export interface DeepPage {
  hits: SearchHit[];
  pageIndex: number;
  /** Hits returned so far, this page included. */
  fetched: number;
  total: TotalHits;
  mode: DeepPagerMode;
  /** True when pages come from a frozen snapshot (PIT). */
  consistent: boolean;
  done: boolean;
}

const CONTEXT_GONE = /search_context_missing_exception|No search context found/;

export class DeepPager implements AsyncIterable<DeepPage> {
  private modeValue: DeepPagerMode | null = null;
  private caps: EsCapabilities | null = null;
  private pit: PitHandle | null = null;
  private after: SortValue[] | undefined;
  private totalValue: TotalHits | null = null;
  private fetchedValue = 0;
  private pageIndex = 0;
  private finished = false;
  private inflight: Promise<DeepPage | null> = Promise.resolve(null);
  private readonly pageSize: number;
  private readonly maxHits: number;
  private readonly keepAlive: string;
  /** Why PIT is not used, when it is not. */
  fallbackReason: string | null = null;

  constructor(
    private readonly client: ElasticsearchClient,
    private readonly opts: DeepPagerOptions,
  ) {
    const size = opts.pageSize ?? 1000;
    if (!Number.isInteger(size) || size < 1 || size > MAX_RESULT_WINDOW) throw new RangeError(`pageSize must be 1..${MAX_RESULT_WINDOW}, got ${size}`);
    this.pageSize = size;
    this.maxHits = opts.maxHits ?? Infinity;
    this.keepAlive = opts.keepAlive ?? '2m';
  }

  get mode(): DeepPagerMode | null {
    return this.modeValue;
  }
  get total(): TotalHits | null {
    return this.totalValue;
  }
  get fetched(): number {
    return this.fetchedValue;
  }
  get done(): boolean {
    return this.finished;
  }

  /**
   * Resolves once the pager knows its mode (server capabilities read, point in time opened or refused); never
   * rejects — a failure there is the first page's error. Lets a caller send its page request ahead of others.
   */
  opened(): Promise<void> {
    return this.ensureStarted().catch(() => undefined);
  }

  private startP: Promise<void> | null = null;

  private ensureStarted(): Promise<void> {
    this.startP ??= this.start();
    return this.startP;
  }

  /** The next page, or null when everything (or maxHits) has been returned. Calls are serialised. */
  next(): Promise<DeepPage | null> {
    const run = this.inflight.catch(() => null).then(() => this.fetchPage());
    this.inflight = run;
    return run;
  }

  /** Releases the point in time (best effort); the pager returns no more pages. */
  async close(): Promise<void> {
    this.finished = true;
    const pit = this.pit;
    this.pit = null;
    if (pit) {
      try {
        await this.client.closePit(pit);
      } catch {
        // The PIT expires on its own after keep_alive.
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DeepPage> {
    try {
      for (;;) {
        const page = await this.next();
        if (!page) return;
        yield page;
        if (page.done) return;
      }
    } finally {
      await this.close();
    }
  }

  private async start(): Promise<void> {
    const signal = this.opts.signal;
    this.caps = await this.client.capabilities({ signal });
    if (this.opts.usePit === false) {
      this.modeValue = 'search_after';
      this.fallbackReason = 'point in time disabled by the caller';
      return;
    }
    if (!this.caps.pit) {
      this.modeValue = 'search_after';
      const name = this.caps.flavor === 'opensearch' ? 'OpenSearch' : 'Elasticsearch';
      this.fallbackReason = `${name} ${this.caps.version ?? ''} has no point in time`.replace(/\s+/g, ' ');
      return;
    }
    try {
      this.pit = await this.client.openPit(this.keepAlive, { signal });
      this.modeValue = 'pit';
    } catch (err) {
      if (err instanceof SourceError && (err.kind === 'http' || err.kind === 'auth') && err.status !== undefined && err.status < 500) {
        this.modeValue = 'search_after';
        this.fallbackReason = `point in time refused: ${err.message}`;
        return;
      }
      throw err;
    }
  }

  private async fetchPage(): Promise<DeepPage | null> {
    if (this.finished) return null;
    try {
      if (this.modeValue === null) await this.ensureStarted();
      const mode = this.modeValue as DeepPagerMode;
      const remaining = this.maxHits - this.fetchedValue;
      const size = Math.min(this.pageSize, remaining);
      if (size <= 0) {
        await this.close();
        return null;
      }
      const first = this.pageIndex === 0;
      const useShardDoc = mode === 'pit' && !!this.caps?.shardDocTiebreaker;
      const body = buildLogSearch({
        ...this.opts.search,
        size,
        ...(this.after ? { searchAfter: this.after } : {}),
        histogramIntervalMs: null,
        termsFields: [],
        tiebreaker: useShardDoc ? '_shard_doc' : '_doc',
        trackTotalHits: first ? (this.opts.exactTotal === false ? MAX_RESULT_WINDOW : true) : false,
        ...(this.pit ? { pit: { id: this.pit.id, keepAlive: this.keepAlive } } : {}),
      });
      let result;
      try {
        result = await this.client.search(body, { signal: this.opts.signal });
      } catch (err) {
        if (err instanceof SourceError && mode === 'pit' && CONTEXT_GONE.test(err.message)) {
          throw new SourceError('http', `the point in time expired or was closed (keep_alive ${this.keepAlive}): ${err.message}`, err.status);
        }
        throw err;
      }
      if (result.pitId && this.pit) this.pit = { ...this.pit, id: result.pitId };
      const hits = result.hits;
      this.fetchedValue += hits.length;
      if (first) this.totalValue = result.total ?? { value: hits.length, relation: 'gte' };
      const last = hits[hits.length - 1];
      if (last?.sort) this.after = last.sort;
      else if (hits.length > 0) throw new SourceError('parse', 'search answer has hits without sort values; search_after paging is impossible');

      const exhausted = hits.length < size;
      const limited = this.fetchedValue >= this.maxHits;
      let total = this.totalValue as TotalHits;
      if (exhausted && mode === 'pit') total = { value: this.fetchedValue, relation: 'eq' };
      else if (this.fetchedValue > total.value) total = { value: this.fetchedValue, relation: 'gte' };
      this.totalValue = total;
      const page: DeepPage = {
        hits,
        pageIndex: this.pageIndex++,
        fetched: this.fetchedValue,
        total,
        mode,
        consistent: mode === 'pit',
        done: exhausted || limited,
      };
      if (page.done) await this.close();
      return page;
    } catch (err) {
      await this.close();
      throw err;
    }
  }
}
