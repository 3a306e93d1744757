import { memo, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AlertView } from '../../../../preload/contract';
import { uiState, type AlertGroup, type InboxRowList } from '../../../../main/alerts/alert-order';
import { formatAge } from '../../components/format';
import { startMs } from './inbox-model';

export const ROW_HEIGHT = 38;

export interface ListHandlers {
  onCursor(index: number): void;
  onOpen(fingerprint: string): void;
  onToggleGroup(key: string): void;
  onAcknowledge(alerts: AlertView[], what: string): void;
  onUnacknowledge(alerts: AlertView[], what: string): void;
  onSilence(alerts: AlertView[]): void;
}

interface Props extends ListHandlers {
  rows: InboxRowList;
  cursor: number;
  openFingerprint: string | null;
  markSince: number;
  now: number;
}

/**
 * A virtual grid: only the rows in view are in the DOM, so 50,000 alerts scroll like 50. The drawn rows sit
 * in normal flow inside one block moved by a single transform, and are keyed by their slot in that block:
 * scrolling changes the text of existing rows (memoised, so an unchanged row does not render) instead of
 * removing and creating whole rows, and no row's position is rewritten. Rows have a fixed height and
 * `contain: strict`, so laying one out never touches the others.
 */
export function AlertList({ rows, cursor, openFingerprint, markSince, now, ...h }: Props) {
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 6 });
  // The handlers object changes identity on every render of the pane; rows hold a stable one.
  const handlers = useRef(h);
  handlers.current = h;
  const stable = useMemo<ListHandlers>(
    () => ({
      onCursor: (i) => handlers.current.onCursor(i),
      onOpen: (fp) => handlers.current.onOpen(fp),
      onToggleGroup: (k) => handlers.current.onToggleGroup(k),
      onAcknowledge: (a, w) => handlers.current.onAcknowledge(a, w),
      onUnacknowledge: (a, w) => handlers.current.onUnacknowledge(a, w),
      onSilence: (a) => handlers.current.onSilence(a),
    }),
    [],
  );

  useEffect(() => {
    if (cursor >= 0 && cursor < rows.length) virtualizer.scrollToIndex(cursor, { align: 'auto' });
  }, [cursor, rows.length, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  return (
    <div ref={parentRef} className="alert-scroll" role="grid" aria-label="Alert list" aria-rowcount={rows.length} tabIndex={-1}>
      {rows.length === 0 && <div className="alert-empty muted">No alerts match the filter and the state toggles.</div>}
      <div className="alert-canvas" style={{ height: virtualizer.getTotalSize() }}>
        <div className="alert-window" style={{ transform: `translateY(${top}px)` }}>
          {items.map((item, slot) => {
            const row = rows.at(item.index);
            if (!row) return null;
            return row.kind === 'group' ? (
              <GroupRow key={`g${slot}`} group={row.group} collapsed={row.collapsed} index={item.index} selected={item.index === cursor} h={stable} />
            ) : (
              <AlertRow
                key={`a${slot}`}
                alert={row.alert}
                index={item.index}
                selected={item.index === cursor}
                open={openFingerprint === row.alert.fingerprint}
                isNew={startMs(row.alert) > markSince}
                now={now}
                h={stable}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function stateLabel(a: AlertView, now: number): string {
  const st = uiState(a);
  if (st === 'acknowledged' && a.ack) return `ack ${a.ack.by} ${formatAge(now - a.ack.at)} ago`;
  return st;
}

const AlertRow = memo(function AlertRow({ alert: a, index, selected, open, isNew, now, h }: { alert: AlertView; index: number; selected: boolean; open: boolean; isNew: boolean; now: number; h: ListHandlers }) {
  const sev = a.labels.severity ?? 'none';
  const st = uiState(a);
  const name = a.labels.alertname ?? '(no alertname)';
  const instance = a.labels.instance ?? '';
  const what = `${name}${instance ? ` on ${instance}` : ''}`;
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      aria-label={`${name} ${instance} ${sev} ${st}${isNew ? ' new' : ''}`}
      className={`alert-row sevbar-${sevClass(sev)} st-${st}${selected ? ' selected' : ''}${open ? ' open' : ''}`}
      onClick={() => {
        h.onCursor(index);
        h.onOpen(a.fingerprint);
      }}
    >
      <span role="gridcell" className="c-new">{isNew ? <span className="new-badge" title="Started since you last looked">NEW</span> : null}</span>
      <span role="gridcell" className={`c-sev sev sev-${sev}`}>{sev}</span>
      <span role="gridcell" className="c-name">{name}</span>
      <span role="gridcell" className="c-inst mono">{instance}</span>
      <span role="gridcell" className="c-sum muted">{a.annotations.summary ?? ''}</span>
      <span role="gridcell" className={`c-state state-badge st-${st}`}>{stateLabel(a, now)}</span>
      <span role="gridcell" className="c-age" title={`started ${a.startsAt}`}>{formatAge(now - startMs(a))}</span>
      <span role="gridcell" className="c-actions" onClick={(e) => e.stopPropagation()}>
        {a.ack ? (
          <button type="button" tabIndex={-1} onClick={() => h.onUnacknowledge([a], what)}>
            Unacknowledge
          </button>
        ) : (
          <button type="button" tabIndex={-1} onClick={() => h.onAcknowledge([a], what)}>
            Acknowledge
          </button>
        )}
        <button type="button" tabIndex={-1} onClick={() => h.onSilence([a])}>
          Silence
        </button>
      </span>
    </div>
  );
});

const GroupRow = memo(function GroupRow({ group: g, collapsed, index, selected, h }: { group: AlertGroup; collapsed: boolean; index: number; selected: boolean; h: ListHandlers }) {
  const title = g.value === '' ? `(no ${g.label})` : g.value;
  // Acknowledged alerts are counted per group; the unacknowledged ones are listed only on a click.
  const unackedCount = g.alerts.length - g.counts.acknowledged;
  const unacked = () => g.alerts.filter((a) => !a.ack);
  const sev = ['critical', 'warning', 'info', 'other'][g.worstRank] ?? 'other';
  const counts = Object.entries(g.counts).filter(([, n]) => n > 0);
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      aria-expanded={!collapsed}
      aria-label={`${g.label} ${title}: ${g.alerts.length} alerts`}
      className={`group-row sevbar-${sevClass(sev)}${selected ? ' selected' : ''}`}
      onClick={() => {
        h.onCursor(index);
        h.onToggleGroup(g.key);
      }}
    >
      <span role="gridcell" className="g-toggle" aria-hidden="true">{collapsed ? '▸' : '▾'}</span>
      <span role="gridcell" className="g-title">
        <span className="muted">{g.label}=</span>
        {title}
      </span>
      <span role="gridcell" className="g-count">{g.alerts.length}</span>
      <span role="gridcell" className="g-states muted">{counts.map(([k, n]) => `${n} ${k}`).join(' · ')}</span>
      <span role="gridcell" className="c-actions" onClick={(e) => e.stopPropagation()}>
        {unackedCount > 0 ? (
          <button type="button" tabIndex={-1} onClick={() => h.onAcknowledge(unacked(), `${unackedCount} ${title} alerts`)}>
            Acknowledge
          </button>
        ) : (
          <button type="button" tabIndex={-1} onClick={() => h.onUnacknowledge(g.alerts, `${g.alerts.length} ${title} alerts`)}>
            Unacknowledge
          </button>
        )}
        <button type="button" tabIndex={-1} onClick={() => h.onSilence(g.alerts)}>
          Silence
        </button>
      </span>
    </div>
  );
});

export function sevClass(sev: string): string {
  return sev === 'critical' || sev === 'warning' || sev === 'info' ? sev : 'other';
}
