import { useEffect, useLayoutEffect, useRef } from 'react';
import { ClippedText, clipForDisplay } from '../../components/ClippedText';
import { measureElement as measureByLayout, useVirtualizer } from '@tanstack/react-virtual';
import type { LogFilterSpec, LogHit, LogSegment } from '../../../../preload/contract';
import { hitField, hitFieldNames, messageFieldOf } from '../../../../preload/contract';
import { levelClass, localTime, utcTitle, valueText } from './log-format';

export const ROW_HEIGHT = 30;

/** Highlighted text as text; past `limit` characters the rest is cut for display (a 1 MB line must not freeze the table). */
export function Segments({ segments, limit = Infinity }: { segments: LogSegment[]; limit?: number }) {
  const shown: LogSegment[] = [];
  let left = limit;
  let hidden = 0;
  for (const s of segments) {
    if (left <= 0) hidden += s.text.length;
    else if (s.text.length <= left) {
      shown.push(s);
      left -= s.text.length;
    } else {
      shown.push({ ...s, text: s.text.slice(0, left) });
      hidden += s.text.length - left;
      left = 0;
    }
  }
  return (
    <>
      {shown.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
      {hidden > 0 && <span className="clip-note">… {hidden.toLocaleString('en-US')} more characters</span>}
    </>
  );
}

/** Longest message shown in a table row; the expanded document shows up to DOC_MESSAGE_LIMIT. */
export const ROW_MESSAGE_LIMIT = 2000;
export const DOC_MESSAGE_LIMIT = 20_000;

interface DocProps {
  hit: LogHit;
  onFilter(f: LogFilterSpec): void;
  onToggleColumn(field: string): void;
  columns: string[];
  onSurrounding(hit: LogHit, by: 'host' | 'service'): void;
}

/** The whole document as a key/value list, with filter for / out and column toggles on every field. */
export function LogDocument({ hit, onFilter, onToggleColumn, columns, onSurrounding }: DocProps) {
  const names = hitFieldNames(hit).sort((a, b) => a.localeCompare(b));
  return (
    <div className="log-doc" role="region" aria-label="Document">
      <div className="log-doc-actions">
        <span className="muted">
          {hit.index} · _id {hit.id}
        </span>
        {typeof hit.fields.host === 'string' && (
          <button type="button" onClick={() => onSurrounding(hit, 'host')}>
            Surrounding on this host
          </button>
        )}
        {typeof hit.fields.service === 'string' && (
          <button type="button" onClick={() => onSurrounding(hit, 'service')}>
            Surrounding in this service
          </button>
        )}
      </div>
      <dl className="log-doc-fields">
        {names.map((name) => {
          const v = hitField(hit, name) ?? null;
          const hl = name === (messageFieldOf(hit) ?? 'message') ? hit.message : hit.highlights?.[name];
          return (
            <div className="log-doc-row" key={name}>
              <dt>{name}</dt>
              <dd>
                <span className="log-doc-actions-inline">
                  <button type="button" className="icon-btn" aria-label={`Filter for ${name}: ${clipForDisplay(valueText(v), 200).shown}`} title="Filter for this value" onClick={() => onFilter({ field: name, value: v, negate: false })}>
                    +
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Filter out ${name}: ${clipForDisplay(valueText(v), 200).shown}`} title="Filter out this value" onClick={() => onFilter({ field: name, value: v, negate: true })}>
                    −
                  </button>
                  <button type="button" className="icon-btn" aria-pressed={columns.includes(name)} aria-label={`Toggle column ${name}`} title="Show as a column" onClick={() => onToggleColumn(name)}>
                    ▥
                  </button>
                </span>
                <span className="log-doc-value">{hl ? <Segments segments={hl} limit={DOC_MESSAGE_LIMIT} /> : <ClippedText text={valueText(v)} limit={DOC_MESSAGE_LIMIT} />}</span>
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

interface TableProps extends Omit<DocProps, 'hit'> {
  hits: LogHit[];
  expanded: Record<string, true>;
  onToggle(id: string): void;
  footer: React.ReactNode;
  /** Called when the view nears the last loaded hit (to load the next page). */
  onNearEnd(): void;
}

export function LogTable({ hits, expanded, onToggle, columns, footer, onNearEnd, ...docProps }: TableProps) {
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: hits.length,
    getScrollElement: () => parentRef.current,
    estimateSize: (i) => (expanded[hits[i]?.id ?? ''] ? 320 : ROW_HEIGHT),
    getItemKey: (i) => hits[i]?.id ?? i,
    overscan: 15,
    // A closed row is exactly ROW_HEIGHT (fixed in logs.css): only an opened document is measured, so a new page
    // mounts its rows without a layout read per row during the commit.
    measureElement: (el, entry, inst) => (el.classList.contains('open') ? measureByLayout(el, entry, inst) : ROW_HEIGHT),
  });

  // Live tail puts new hits on top; someone reading further down keeps their rows in place.
  const firstId = useRef<string | null>(null);
  const prevHits = useRef<LogHit[]>(hits);
  useLayoutEffect(() => {
    const el = parentRef.current;
    const old = prevHits.current;
    const oldFirst = firstId.current;
    prevHits.current = hits;
    firstId.current = hits[0]?.id ?? null;
    if (!el || !oldFirst || hits.length <= old.length || hits[0]?.id === oldFirst) return;
    const added = hits.findIndex((h) => h.id === oldFirst);
    if (added > 0 && el.scrollTop > 0) el.scrollTop += added * ROW_HEIGHT;
  }, [hits]);

  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (hits.length > 0 && lastIndex >= hits.length - 40) onNearEnd();
  }, [lastIndex, hits.length, onNearEnd]);

  const gridCols = `190px 70px ${columns.map(() => 'minmax(90px, 160px)').join(' ')} minmax(0, 1fr)`;
  return (
    <div className="log-table" role="table" aria-label="Log hits" aria-rowcount={hits.length}>
      <div className="log-row log-head" role="row" style={{ gridTemplateColumns: gridCols }}>
        <span role="columnheader">Time</span>
        <span role="columnheader">Level</span>
        {columns.map((c) => (
          <span role="columnheader" key={c} className="log-col-head">
            {c}
            <button type="button" className="icon-btn" aria-label={`Remove column ${c}`} onClick={() => docProps.onToggleColumn(c)}>
              ×
            </button>
          </span>
        ))}
        <span role="columnheader">Message</span>
      </div>
      <div ref={parentRef} className="log-scroll" data-testid="log-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const hit = hits[item.index]!;
            const open = !!expanded[hit.id];
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className={`log-item${open ? ' open' : ''}`} style={{ transform: `translateY(${item.start}px)` }}>
                <div
                  className={`log-row ${levelClass(hit.level)}`}
                  role="row"
                  aria-expanded={open}
                  data-id={hit.id}
                  tabIndex={0}
                  style={{ gridTemplateColumns: gridCols }}
                  onClick={() => onToggle(hit.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onToggle(hit.id);
                    }
                  }}
                >
                  <span role="cell" className="log-time mono" title={hit.timestamp !== null ? utcTitle(hit.timestamp) : 'no timestamp'}>
                    <span className="caret" aria-hidden="true">
                      {open ? '▾' : '▸'}
                    </span>
                    {hit.timestamp !== null ? localTime(hit.timestamp) : '—'}
                  </span>
                  <span role="cell" className="log-level">
                    {hit.level ?? ''}
                  </span>
                  {columns.map((c) => (
                    <span role="cell" key={c} className="log-cell" title={valueText(hitField(hit, c))}>
                      {hit.highlights?.[c] ? <Segments segments={hit.highlights[c]} limit={300} /> : clipForDisplay(valueText(hitField(hit, c)), 300).shown}
                    </span>
                  ))}
                  <span role="cell" className="log-message">
                    <Segments segments={hit.message} limit={ROW_MESSAGE_LIMIT} />
                  </span>
                </div>
                {open && <LogDocument hit={hit} columns={columns} {...docProps} />}
              </div>
            );
          })}
        </div>
        {footer}
      </div>
    </div>
  );
}
