import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import type { FleetThresholds } from '../../../../preload/contract';
import type { StoredSparkline } from '../../store/fleet-store';
import { ServerTileButton } from './ServerTileButton';
import { STATES, TILE_GAP, columnsFor, layoutRows, moveFocus, type GridRow, type TileGroup } from './fleet-view';

const HEADER_HEIGHT = 34;
const ROW_HEIGHT = 150;
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN = 6;

/**
 * Row heights from the ResizeObserver only (after layout, before paint). The library's default also reads
 * offsetHeight when a row mounts, which forced a synchronous layout of the whole grid on every first render;
 * a new row starts at its estimate (or its last measured size) instead.
 */
function measureRow(el: Element, entry: ResizeObserverEntry | undefined, instance: Virtualizer<HTMLDivElement, Element>): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  const index = instance.indexFromElement(el);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}

interface Props {
  groups: TileGroup[];
  groupBy: string;
  sparklines: Record<string, Record<string, StoredSparkline>>;
  thresholds: FleetThresholds;
  now: number;
  showSource: boolean;
  onOpen: (id: string) => void;
}

/**
 * The server tiles as a virtualised grid: columns follow the width (ResizeObserver), only the rows in view
 * (plus a margin) are in the DOM. Group headers are rows too; each group on screen keeps its role="group"
 * element around its visible rows. Arrow keys, Page Up/Down, Home and End move the focus between tiles and
 * scroll to them; Tab moves through the tiles in the DOM.
 */
export function FleetTileGrid({ groups, groupBy, sparklines, thresholds, now, showSource, onOpen }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = (w: number) => {
      // A hidden pane (display: none) measures 0: keep the last width.
      if (w > 0) setWidth(w);
    };
    // One synchronous read when the grid mounts (the pane mounts it before the first tiles arrive, so that read
    // costs nothing then); afterwards only the ResizeObserver, which never forces a layout.
    measure(el.clientWidth);
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) measure(e.contentRect.width);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const columns = columnsFor(width || 1000);
  const { rows, rowOfTile } = useMemo(() => layoutRows(groups, columns, groupBy !== ''), [groups, columns, groupBy]);
  const count = rowOfTile.length;

  // The first tiles paint with one row of margin; the full margin (smooth scrolling, keyboard moves) follows
  // right after that frame.
  const [overscan, setOverscan] = useState(1);
  const hasRows = rows.length > 0;
  useEffect(() => {
    if (!hasRows || overscan === OVERSCAN) return;
    let t: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      t = setTimeout(() => setOverscan(OVERSCAN), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(t);
    };
  }, [hasRows, overscan]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'header' ? HEADER_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan,
    initialRect: { width: 1000, height: 800 },
    measureElement: measureRow,
  });

  const focusTile = useCallback(
    (index: number) => {
      const row = rowOfTile[index];
      if (row === undefined) return;
      virtualizer.scrollToIndex(row, { align: 'auto' });
      let tries = 0;
      const attempt = () => {
        const el = scrollRef.current?.querySelector<HTMLButtonElement>(`button[data-flat="${index}"]`);
        if (el) {
          el.focus({ preventScroll: false });
          return;
        }
        if (++tries < 10) requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
    },
    [rowOfTile, virtualizer],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const target = e.target as HTMLElement;
    const flat = target.dataset.flat;
    if (flat === undefined) return;
    const visibleRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const next = moveFocus(e.key, Number(flat), count, rows, rowOfTile, visibleRows);
    if (next === null) return;
    e.preventDefault();
    focusTile(next);
  };

  const items = virtualizer.getVirtualItems();
  // Visible rows by group, in order, so that each group on screen is one role="group" element.
  const byGroup: { group: number; items: VirtualItem[] }[] = [];
  for (const item of items) {
    const row = rows[item.index];
    if (!row) continue;
    const last = byGroup[byGroup.length - 1];
    if (last && last.group === row.group) last.items.push(item);
    else byGroup.push({ group: row.group, items: [item] });
  }

  const renderRow = (item: VirtualItem, row: GridRow) => {
    const style = { transform: `translateY(${item.start}px)` };
    if (row.kind === 'header') {
      const g = groups[row.group]!;
      return (
        <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} className="srv-vrow" style={style}>
          <h2 className="srv-group-title">
            {groupBy}: {g.key} <span className="muted">({g.tiles.length})</span>
            {STATES.filter((st) => st !== 'ok' && g.counts[st] > 0).map((st) => (
              <span key={st} className={`srv-mini badge-${st}`}>
                {g.counts[st]} {st}
              </span>
            ))}
          </h2>
        </div>
      );
    }
    return (
      <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} className="srv-vrow srv-grid" style={style}>
        {row.tiles.map((t, i) => (
          <ServerTileButton key={t.id} tile={t} sparkline={sparklines[t.source]?.[t.instance]} thresholds={thresholds} now={t.stale ? now : 0} showSource={showSource} onOpen={onOpen} flatIndex={row.first + i} />
        ))}
      </div>
    );
  };

  return (
    <div ref={scrollRef} className="srv-scroll" onKeyDown={onKeyDown} style={{ ['--srv-cols' as string]: String(columns), ['--srv-gap' as string]: `${TILE_GAP}px` }}>
      <div className="srv-vlist" style={{ height: virtualizer.getTotalSize() }}>
        {byGroup.map(({ group, items: groupItems }) => {
          const g = groups[group]!;
          return (
            <div key={`g\u0000${g.key}`} className="srv-vgroup" role="group" aria-label={g.key ? `${groupBy} ${g.key}` : 'All servers'}>
              {groupItems.map((item) => renderRow(item, rows[item.index]!))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
