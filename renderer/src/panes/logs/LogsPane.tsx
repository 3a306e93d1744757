import { useCallback, useEffect, useRef, useState } from 'react';
import { saveFile } from '../../components/save-file';
import { attachToIncident } from '../../store/incident-draft-store';
import { logLinesEvidence } from '../../store/evidence-builders';
import { useLogsStore, QUICK_RANGES, MAX_LOADED } from '../../store/logs-store';
import { useUiStore } from '../../store/ui-store';
import { useCoreStore } from '../../store/core-store';
import { LogHistogram } from './LogHistogram';
import { LogTable, ROW_MESSAGE_LIMIT, Segments } from './LogTable';
import { FieldSidebar } from './FieldSidebar';
import { describeRange, formatCount, fromLocalInput, levelClass, localTime, toLocalInput, utcTitle, valueText } from './log-format';
import type { LogHit } from '../../../../preload/contract';
import './logs.css';


function TimeRange() {
  const range = useLogsStore((s) => s.range);
  const from = useLogsStore((s) => s.from);
  const to = useLogsStore((s) => s.to);
  const setRange = useLogsStore((s) => s.setRange);
  const [custom, setCustom] = useState<{ from: string; to: string } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const openCustom = () => {
    const now = Date.now();
    setCustom({ from: toLocalInput(from || now - 3_600_000), to: toLocalInput(to || now) });
    setErr(null);
  };
  const apply = () => {
    if (!custom) return;
    const f = fromLocalInput(custom.from);
    const t = fromLocalInput(custom.to);
    if (f === null || t === null) return setErr('Both times are needed, e.g. 2026-11-21T08:00.');
    if (t <= f) return setErr('"To" must be after "From".');
    setErr(null);
    setCustom(null);
    setRange({ kind: 'absolute', from: f, to: t + 59_999 });
  };
  return (
    <div className="logs-range">
      <div role="group" aria-label="Time range" className="logs-seg">
        {QUICK_RANGES.map((q) => (
          <button key={q.label} type="button" aria-pressed={range.kind === 'relative' && range.ms === q.ms} onClick={() => setRange({ kind: 'relative', ms: q.ms })} title={`Last ${q.label}`}>
            {q.label}
          </button>
        ))}
        <button type="button" aria-pressed={range.kind === 'absolute'} aria-expanded={custom !== null} onClick={() => (custom ? setCustom(null) : openCustom())}>
          {range.kind === 'absolute' ? describeRange(range.from, range.to) : 'Absolute…'}
        </button>
      </div>
      {custom && (
        <div className="logs-custom" role="group" aria-label="Absolute time range">
          <label>
            From <input type="datetime-local" aria-label="From" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} />
          </label>
          <label>
            To <input type="datetime-local" aria-label="To" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} />
          </label>
          <button type="button" className="primary" onClick={apply}>
            Apply
          </button>
          {err && (
            <span role="alert" className="error-text">
              {err}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function SavedMenu() {
  const saved = useLogsStore((s) => s.saved);
  const recent = useLogsStore((s) => s.recent);
  const applySaved = useLogsStore((s) => s.applySaved);
  const deleteSaved = useLogsStore((s) => s.deleteSaved);
  const saveSearch = useLogsStore((s) => s.saveSearch);
  const search = useLogsStore((s) => s.search);
  const [naming, setNaming] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [chosen, setChosen] = useState('');
  const save = async () => {
    if (naming === null) return;
    const e = await saveSearch(naming.trim());
    if (e) setErr(e);
    else {
      setNaming(null);
      setErr(null);
    }
  };
  return (
    <div className="logs-saved">
      <select
        aria-label="Saved searches"
        value={chosen}
        onChange={(e) => {
          setChosen(e.target.value);
          const s = saved.find((x) => x.name === e.target.value);
          if (s) applySaved(s);
        }}
      >
        <option value="">Saved searches ({saved.length})</option>
        {saved.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      {chosen && saved.some((s) => s.name === chosen) && (
        <button
          type="button"
          onClick={() => {
            void deleteSaved(chosen);
            setChosen('');
          }}
        >
          Delete saved
        </button>
      )}
      <select
        aria-label="Recent queries"
        value=""
        onChange={(e) => {
          if (e.target.value) void search({ query: e.target.value });
        }}
      >
        <option value="">Recent ({recent.length})</option>
        {recent.map((r) => (
          <option key={`${r.source}|${r.query}`} value={r.query}>
            {r.query.length > 80 ? `${r.query.slice(0, 80)}…` : r.query}
          </option>
        ))}
      </select>
      {naming === null ? (
        <button type="button" onClick={() => setNaming('')}>
          Save search…
        </button>
      ) : (
        <form
          className="logs-save-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input aria-label="Saved search name" autoFocus maxLength={120} placeholder="Name" value={naming} onChange={(e) => setNaming(e.target.value)} />
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => (setNaming(null), setErr(null))}>
            Cancel
          </button>
          {err && (
            <span role="alert" className="error-text">
              {err}
            </span>
          )}
        </form>
      )}
    </div>
  );
}

function Surrounding() {
  const s = useLogsStore((st) => st.surrounding);
  const close = useLogsStore((st) => st.closeSurrounding);
  if (!s) return null;
  const row = (h: LogHit, anchor = false) => (
    <li key={h.id} className={`sur-row ${levelClass(h.level)}${anchor ? ' anchor' : ''}`} aria-current={anchor || undefined}>
      <span className="mono log-time" title={h.timestamp !== null ? utcTitle(h.timestamp) : ''}>
        {h.timestamp !== null ? localTime(h.timestamp) : '—'}
      </span>
      <span className="log-level">{h.level}</span>
      <span className="log-cell">{valueText(h.fields.service)}</span>
      <span className="log-message">
        <Segments segments={h.message} limit={ROW_MESSAGE_LIMIT} />
      </span>
    </li>
  );
  return (
    <section className="logs-surrounding" role="region" aria-label="Surrounding documents">
      <div className="sur-head">
        <h2>
          Surrounding documents · {s.by} {s.value}
        </h2>
        <button type="button" onClick={close} aria-label="Close surrounding documents">
          ✕
        </button>
      </div>
      {s.error && (
        <p role="alert" className="error-text">
          {s.error}
        </p>
      )}
      {!s.result && !s.error && <p className="muted">Loading…</p>}
      {s.result && (
        <ol className="sur-list">
          {s.result.newer.map((h) => row(h))}
          {row(s.result.anchor, true)}
          {s.result.older.map((h) => row(h))}
        </ol>
      )}
    </section>
  );
}

export function LogsPane() {
  const st = useLogsStore();
  const pivot = useUiStore((s) => s.logsPivot);
  const connected = useCoreStore((s) => s.connected);
  const inputRef = useRef<HTMLInputElement>(null);
  const handledPivot = useRef<number | null>(null);

  useEffect(() => {
    if (!connected) return;
    void useLogsStore.getState().loadSaved();
  }, [connected]);

  useEffect(() => {
    const s = useLogsStore.getState();
    if (pivot && handledPivot.current !== pivot.nonce) {
      handledPivot.current = pivot.nonce;
      s.applyPivot(pivot);
      return;
    }
    if (!s.searched && !s.loading && s.sources.length > 0) void s.search();
  }, [pivot, st.sources.length]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === '/' && !(t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'))) {
        e.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Leaving the pane ends a live tail.
  useEffect(() => () => void useLogsStore.getState().stopTail(), []);

  const onNearEnd = useCallback(() => {
    const s = useLogsStore.getState();
    // Scrolling on loads the next page by itself (not while a live tail is adding on top).
    if (s.cursor && !s.loadingMore && !s.error && s.hits.length < MAX_LOADED && !(s.tail && !s.tail.paused)) void s.loadMore();
  }, []);

  const exportAs = async (format: 'ndjson' | 'csv') => {
    const r = await st.exportResults(format);
    if (r) saveFile(r);
  };

  const total = st.total;
  const totalText = total ? `${formatCount(total.value)}${total.relation === 'gte' ? '+' : ''} hits` : '';
  const footer = (
    <div className="logs-more">
      {st.cursor && st.hits.length < MAX_LOADED && (
        <button type="button" onClick={() => void st.loadMore()} disabled={st.loadingMore}>
          {st.loadingMore ? 'Loading…' : `Load more (${formatCount(st.hits.length)} of ${totalText} shown)`}
        </button>
      )}
      {!st.cursor && st.hits.length > 0 && <span className="muted">All {formatCount(st.hits.length)} loaded hits shown.</span>}
      {st.limitNote && <span className="muted">{st.limitNote}</span>}
    </div>
  );

  return (
    <section aria-label="Logs" className="pane logs-pane">
      <form
        className="logs-querybar"
        role="search"
        aria-label="Log query"
        onSubmit={(e) => {
          e.preventDefault();
          void st.search();
        }}
      >
        {st.sources.length > 1 && (
          <select aria-label="Log source" value={st.source ?? ''} onChange={(e) => st.setSource(e.target.value)}>
            {st.sources.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} · {s.index}
              </option>
            ))}
          </select>
        )}
        {st.sources.length === 1 && (
          <span className="logs-index mono" title={st.sources[0]!.url}>
            {st.sources[0]!.index}
          </span>
        )}
        <input
          ref={inputRef}
          type="search"
          name="Query"
          aria-label="Query"
          className={`logs-query mono${st.error ? ' invalid' : ''}`}
          placeholder='Lucene, e.g. service:synapse AND level:ERROR AND message:"Authentication failed"'
          value={st.draft}
          maxLength={4096}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => st.setDraft(e.target.value)}
        />
        <button type="submit" className="primary" disabled={st.loading}>
          {st.loading ? 'Searching…' : 'Search'}
        </button>
        <TimeRange />
      </form>
      {st.error && (
        <div role="alert" className="logs-error" aria-label="Query error">
          <strong>The server refused the search:</strong> <code className="error-text">{st.error}</code>
        </div>
      )}
      <div className="logs-toolbar">
        {st.filters.length > 0 && (
          <ul className="logs-filters" aria-label="Filters">
            {st.filters.map((f, i) => (
              <li key={`${f.field}|${String(f.value)}|${i}`} className={`pill${f.negate ? ' negate' : ''}`}>
                <button type="button" className="pill-text" title="Invert this filter" onClick={() => st.toggleFilter(i)}>
                  {f.negate ? 'NOT ' : ''}
                  {f.field}: {valueText(f.value)}
                </button>
                <button type="button" className="icon-btn" aria-label={`Remove filter ${f.negate ? 'NOT ' : ''}${f.field}: ${valueText(f.value)}`} onClick={() => st.removeFilter(i)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <span className="spacer" />
        <SavedMenu />
      </div>
      {st.sources.length === 0 && <p className="muted logs-empty">No Elasticsearch or OpenSearch source in this environment. Add one in Settings.</p>}
      {st.searched && total && (
        <div className="logs-summary" role="status" aria-label="Search summary" data-query={st.query} data-loading={st.loading || undefined}>
          <strong className="logs-total">{totalText}</strong>
          <span className="muted">
            {describeRange(st.from, st.to)}
            {st.took !== null ? ` · ${st.took} ms` : ''}
            {st.pagingMode === 'search_after' ? ' · paging without point in time' : ''}
          </span>
          <span className="spacer" />
          <div className="logs-tail" role="group" aria-label="Live tail">
            {!st.tail && (
              <button type="button" onClick={() => void st.startTail()} title="Poll for new logs and add them on top">
                ▶ Live tail
              </button>
            )}
            {st.tail && !st.tail.paused && (
              <>
                <span className="tail-live">● live{st.tail.added > 0 ? ` · ${formatCount(st.tail.added)} new` : ''}</span>
                <button type="button" onClick={() => void st.pauseTail()}>
                  Pause
                </button>
              </>
            )}
            {st.tail?.paused && (
              <>
                <span className="muted">paused</span>
                <button type="button" onClick={() => void st.resumeTail()}>
                  Resume
                </button>
              </>
            )}
            {st.tail && (
              <button type="button" onClick={() => void st.stopTail()}>
                Stop
              </button>
            )}
            {st.tail?.error && <span className="error-text">{st.tail.error}</span>}
          </div>
          <button type="button" onClick={() => attachToIncident(logLinesEvidence(st.hits, st.query, st.source))} title="Attach the first 200 shown lines to an incident">
            Attach to incident
          </button>
          <button type="button" onClick={() => void exportAs('ndjson')}>
            Export NDJSON
          </button>
          <button
            type="button"
            onClick={() => void exportAs('csv')}
            title="CSV for spreadsheets: text cells that start with = + - @, a tab or a carriage return get a leading ' so the spreadsheet shows them as text instead of running them as formulas (numbers are written as they are)"
          >
            Export CSV
          </button>
        </div>
      )}
      {st.exportNote && <p className="muted logs-note">{st.exportNote}</p>}
      {st.warnings.map((w) => (
        <p key={w} className="logs-warning" role="note">
          {w}
        </p>
      ))}
      {st.histogram && <LogHistogram histogram={st.histogram} onNarrow={st.narrowRange} />}
      <div className="logs-body">
        <FieldSidebar hits={st.hits} topValues={st.topValues} total={total?.value ?? 0} columns={st.columns} onFilter={st.addFilter} onToggleColumn={st.toggleColumn} />
        <div className="logs-main">
          {st.searched && st.hits.length === 0 && !st.error && !st.loading && <p className="muted logs-empty">No hits in this range. Widen the time range or loosen the query.</p>}
          <LogTable
            hits={st.hits}
            expanded={st.expanded}
            onToggle={st.toggleExpanded}
            columns={st.columns}
            onFilter={st.addFilter}
            onToggleColumn={st.toggleColumn}
            onSurrounding={(h, by) => void st.showSurrounding(h, by)}
            footer={footer}
            onNearEnd={onNearEnd}
          />
        </div>
        <Surrounding />
      </div>
    </section>
  );
}
