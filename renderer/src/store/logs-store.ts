import { create } from 'zustand';
import type {
  LogFilterSpec,
  LogHistogram,
  LogHit,
  LogSourceInfo,
  LogSurroundingResult,
  LogTopValues,
  LogTotal,
  SavedSearch,
  SavedSearches,
} from '../../../preload/contract';
import { decodeLogHits, hitField } from '../../../preload/contract';
import { getBridge } from '../bridge';
import { onTopic } from './event-router';

export const QUICK_RANGES: { label: string; ms: number }[] = [
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 3_600_000 },
  { label: '4h', ms: 4 * 3_600_000 },
  { label: '24h', ms: 24 * 3_600_000 },
  { label: '7d', ms: 7 * 24 * 3_600_000 },
];

export type LogRange = { kind: 'relative'; ms: number } | { kind: 'absolute'; from: number; to: number };

export const PAGE_SIZE = 500;
export const MAX_LOADED = 100_000;

export interface TailState {
  id: string | null;
  paused: boolean;
  error: string | null;
  /** Hits added by the tail since it started. */
  added: number;
}

export interface SurroundingState {
  anchorId: string;
  by: 'host' | 'service';
  value: string;
  result: LogSurroundingResult | null;
  error: string | null;
}

interface LogsState {
  sources: LogSourceInfo[];
  source: string | null;
  /** What is in the query bar (kept as typed, even when the server refuses it). */
  draft: string;
  /** The query of the results shown. */
  query: string;
  range: LogRange;
  /** Resolved bounds of the results shown. */
  from: number;
  to: number;
  filters: LogFilterSpec[];
  columns: string[];
  hits: LogHit[];
  total: LogTotal | null;
  histogram: LogHistogram | null;
  topValues: LogTopValues[];
  cursor: string | null;
  pagingMode: 'pit' | 'search_after' | null;
  warnings: string[];
  limitNote: string | null;
  took: number | null;
  loading: boolean;
  loadingMore: boolean;
  /** The server's refusal (query parse error, missing index), shown beside the query as is. */
  error: string | null;
  expanded: Record<string, true>;
  tail: TailState | null;
  saved: SavedSearch[];
  recent: SavedSearches['recent'];
  surrounding: SurroundingState | null;
  exportNote: string | null;
  searched: boolean;

  setDraft(q: string): void;
  setSource(name: string): void;
  setRange(r: LogRange): void;
  search(opts?: { query?: string }): Promise<void>;
  loadMore(): Promise<void>;
  addFilter(f: LogFilterSpec): void;
  removeFilter(i: number): void;
  toggleFilter(i: number): void;
  toggleColumn(field: string): void;
  toggleExpanded(id: string): void;
  narrowRange(from: number, to: number): void;
  startTail(): Promise<void>;
  pauseTail(): Promise<void>;
  resumeTail(): Promise<void>;
  stopTail(): Promise<void>;
  exportResults(format: 'ndjson' | 'csv'): Promise<{ fileName: string; content: string; mimeType: string } | null>;
  loadSaved(): Promise<void>;
  saveSearch(name: string): Promise<string | null>;
  deleteSaved(name: string): Promise<void>;
  applySaved(s: SavedSearch): void;
  showSurrounding(hit: LogHit, by: 'host' | 'service'): Promise<void>;
  closeSurrounding(): void;
  applyPivot(p: { query: string; from: number; to: number }): void;
}

export function resolveRange(r: LogRange, now = Date.now()): { from: number; to: number } {
  return r.kind === 'relative' ? { from: now - r.ms, to: now } : { from: r.from, to: r.to };
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
let searchSeq = 0;

/** Adds tail hits to the histogram, creating buckets past the end as time moves on. */
export function addToHistogram(h: LogHistogram, hits: LogHit[]): LogHistogram {
  const first = h.buckets[0];
  if (!first) return h;
  const buckets = h.buckets.map((b) => ({ ...b }));
  for (const hit of hits) {
    if (hit.timestamp === null) continue;
    const i = Math.floor((hit.timestamp - first.key) / h.intervalMs);
    if (i < 0) continue;
    while (buckets.length <= i) buckets.push({ key: first.key + buckets.length * h.intervalMs, count: 0 });
    buckets[i]!.count += 1;
  }
  return { ...h, buckets };
}

export const useLogsStore = create<LogsState>((set, get) => ({
  sources: [],
  source: null,
  draft: '',
  query: '',
  range: { kind: 'relative', ms: 3_600_000 },
  from: 0,
  to: 0,
  filters: [],
  columns: ['service', 'host'],
  hits: [],
  total: null,
  histogram: null,
  topValues: [],
  cursor: null,
  pagingMode: null,
  warnings: [],
  limitNote: null,
  took: null,
  loading: false,
  loadingMore: false,
  error: null,
  expanded: {},
  tail: null,
  saved: [],
  recent: [],
  surrounding: null,
  exportNote: null,
  searched: false,

  setDraft: (draft) => set({ draft }),
  setSource: (source) => {
    set({ source });
    void get().search();
  },
  setRange: (range) => {
    set({ range });
    void get().search();
  },

  search: async (opts = {}) => {
    const s = get();
    const query = opts.query ?? s.draft;
    const { from, to } = resolveRange(s.range);
    const seq = ++searchSeq;
    // The previous result's cursor (its point in time on the server) is closed once this search has its answer:
    // closing it first made the server do that work while the user waits for the new one.
    const old = s.cursor;
    const closeOld = (): void => {
      if (old) void getBridge().invoke('logs.closeCursor', { cursor: old }).catch(() => undefined);
    };
    if (s.tail?.id) void getBridge().invoke('logs.tail.stop', { tailId: s.tail.id }).catch(() => undefined);
    set({ loading: true, error: null, draft: query, cursor: null, tail: null, exportNote: null });
    try {
      const r = await getBridge().invoke('logs.search', {
        ...(s.source ? { source: s.source } : {}),
        query,
        from,
        to,
        filters: s.filters,
        size: PAGE_SIZE,
        ...(s.columns.length ? { columns: s.columns } : {}),
      });
      closeOld();
      if (seq !== searchSeq) {
        if (r.cursor) void getBridge().invoke('logs.closeCursor', { cursor: r.cursor }).catch(() => undefined);
        return;
      }
      const q = query.trim();
      const recent = q ? [{ query: q, source: r.source, at: Date.now() }, ...get().recent.filter((x) => !(x.query === q && x.source === r.source))].slice(0, 20) : get().recent;
      set({
        loading: false,
        searched: true,
        query,
        from,
        to,
        source: r.source,
        hits: decodeLogHits(r.hits),
        total: r.total,
        histogram: r.histogram,
        topValues: r.topValues,
        cursor: r.cursor,
        pagingMode: r.pagingMode,
        warnings: r.warnings,
        took: r.took,
        limitNote: null,
        expanded: {},
        recent,
      });
    } catch (e) {
      closeOld();
      if (seq !== searchSeq) return;
      set({ loading: false, searched: true, error: errText(e) });
    }
  },

  loadMore: async () => {
    const { cursor, loadingMore } = get();
    if (!cursor || loadingMore) return;
    const seq = searchSeq;
    set({ loadingMore: true });
    try {
      const p = await getBridge().invoke('logs.page', { cursor });
      if (seq !== searchSeq) return;
      const more = decodeLogHits(p.hits);
      set((st) => ({ hits: st.hits.concat(more), total: p.total, cursor: p.cursor, limitNote: p.limitNote, loadingMore: false }));
    } catch (e) {
      if (seq !== searchSeq) return;
      set({ loadingMore: false, cursor: null, error: errText(e) });
    }
  },

  addFilter: (f) => {
    set((st) => ({ filters: [...st.filters.filter((x) => !(x.field === f.field && x.value === f.value)), f] }));
    void get().search();
  },
  removeFilter: (i) => {
    set((st) => ({ filters: st.filters.filter((_, j) => j !== i) }));
    void get().search();
  },
  toggleFilter: (i) => {
    set((st) => ({ filters: st.filters.map((f, j) => (j === i ? { ...f, negate: !f.negate } : f)) }));
    void get().search();
  },
  toggleColumn: (field) => set((st) => ({ columns: st.columns.includes(field) ? st.columns.filter((c) => c !== field) : [...st.columns, field].slice(0, 20) })),
  toggleExpanded: (id) =>
    set((st) => {
      const expanded = { ...st.expanded };
      if (expanded[id]) delete expanded[id];
      else expanded[id] = true;
      return { expanded };
    }),
  narrowRange: (from, to) => {
    if (!(to > from)) return;
    set({ range: { kind: 'absolute', from: Math.round(from), to: Math.round(to) } });
    void get().search();
  },

  startTail: async () => {
    const s = get();
    const newest = s.hits[0]?.timestamp ?? s.to;
    try {
      const { tailId } = await getBridge().invoke('logs.tail.start', {
        ...(s.source ? { source: s.source } : {}),
        query: s.query,
        filters: s.filters,
        since: Math.max(0, Math.round(newest)),
      });
      set((st) => ({ tail: { id: tailId, paused: false, error: null, added: st.tail?.added ?? 0 } }));
    } catch (e) {
      set({ tail: { id: null, paused: true, error: errText(e), added: 0 } });
    }
  },
  pauseTail: async () => {
    const t = get().tail;
    if (!t) return;
    set({ tail: { ...t, id: null, paused: true } });
    if (t.id) await getBridge().invoke('logs.tail.stop', { tailId: t.id }).catch(() => undefined);
  },
  resumeTail: async () => {
    await get().startTail();
  },
  stopTail: async () => {
    const t = get().tail;
    set({ tail: null });
    if (t?.id) await getBridge().invoke('logs.tail.stop', { tailId: t.id }).catch(() => undefined);
  },

  exportResults: async (format) => {
    const s = get();
    set({ exportNote: `Exporting ${format.toUpperCase()}…` });
    try {
      const r = await getBridge().invoke('logs.export', {
        ...(s.source ? { source: s.source } : {}),
        query: s.query,
        from: s.from,
        to: s.to,
        filters: s.filters,
        format,
        maxHits: MAX_LOADED,
        ...(s.columns.length ? { columns: s.columns } : {}),
      });
      set({ exportNote: `Exported ${r.count.toLocaleString('en-US')} hits to ${r.fileName}${r.truncated ? ' (first 100,000 only)' : ''}` });
      return r;
    } catch (e) {
      set({ exportNote: `Export failed: ${errText(e)}` });
      return null;
    }
  },

  loadSaved: async () => {
    try {
      const r = await getBridge().invoke('logs.savedSearches.list', {});
      set({ saved: r.saved, recent: r.recent });
    } catch {
      // The lists stay empty; saving shows the error.
    }
  },
  saveSearch: async (name) => {
    const s = get();
    try {
      const r = await getBridge().invoke('logs.savedSearches.save', {
        name,
        source: s.source,
        query: s.draft,
        filters: s.filters,
        columns: s.columns,
        range: s.range.kind === 'relative' ? { kind: 'relative', ms: s.range.ms } : { kind: 'absolute', from: s.range.from, to: s.range.to },
      });
      set({ saved: r.saved, recent: r.recent });
      return null;
    } catch (e) {
      return errText(e);
    }
  },
  deleteSaved: async (name) => {
    try {
      const r = await getBridge().invoke('logs.savedSearches.delete', { name });
      set({ saved: r.saved, recent: r.recent });
    } catch {
      await get().loadSaved();
    }
  },
  applySaved: (sv) => {
    const range: LogRange = sv.range.kind === 'relative' ? { kind: 'relative', ms: sv.range.ms ?? 3_600_000 } : { kind: 'absolute', from: sv.range.from ?? 0, to: sv.range.to ?? Date.now() };
    const known = sv.source && get().sources.some((x) => x.name === sv.source);
    set({ draft: sv.query, filters: sv.filters, columns: sv.columns, range, ...(known ? { source: sv.source } : {}) });
    void get().search();
  },

  showSurrounding: async (hit, by) => {
    const value = hitField(hit, by);
    if (value === undefined || value === null || hit.timestamp === null) return;
    const st: SurroundingState = { anchorId: hit.id, by, value: String(value), result: null, error: null };
    set({ surrounding: st });
    try {
      const s = get();
      const result = await getBridge().invoke('logs.surrounding', {
        ...(s.source ? { source: s.source } : {}),
        id: hit.id,
        index: hit.index,
        timestamp: Math.round(hit.timestamp),
        by,
        value: String(value),
        n: 10,
      });
      if (get().surrounding?.anchorId === hit.id) set({ surrounding: { ...st, result } });
    } catch (e) {
      if (get().surrounding?.anchorId === hit.id) set({ surrounding: { ...st, error: errText(e) } });
    }
  },
  closeSurrounding: () => set({ surrounding: null }),

  applyPivot: (p) => {
    set({ draft: p.query, filters: [], range: { kind: 'absolute', from: Math.round(p.from), to: Math.round(p.to) } });
    void get().search();
  },
}));

onTopic('logs.sources', (sources) => {
  const before = useLogsStore.getState();
  const changed = JSON.stringify(before.sources) !== JSON.stringify(sources);
  useLogsStore.setState((s) => ({ sources, source: s.source && sources.some((x) => x.name === s.source) ? s.source : (sources[0]?.name ?? null) }));
  // Another environment (or edited sources): the results shown belong to the old one.
  if (changed && before.searched) {
    if (sources.length > 0) void useLogsStore.getState().search();
    else useLogsStore.setState({ hits: [], total: null, histogram: null, topValues: [], cursor: null, tail: null, searched: false });
  }
});

onTopic('logs.tail', (ev) => {
  const s = useLogsStore.getState();
  if (!s.tail || s.tail.id !== ev.tailId) return;
  const seen = new Set(s.hits.slice(0, 2000).map((h) => h.id));
  const fresh = decodeLogHits(ev.hits).filter((h) => !seen.has(h.id));
  const newest = fresh[0]?.timestamp ?? null;
  useLogsStore.setState({
    hits: fresh.length ? [...fresh, ...s.hits] : s.hits,
    total: s.total && fresh.length ? { ...s.total, value: s.total.value + fresh.length } : s.total,
    histogram: s.histogram && fresh.length ? addToHistogram(s.histogram, fresh) : s.histogram,
    to: newest !== null && newest > s.to ? newest : s.to,
    tail: { ...s.tail, error: ev.error, added: s.tail.added + fresh.length, ...(ev.error?.startsWith('live tail stopped') ? { id: null, paused: true } : {}) },
  });
});
