import { useCallback, useMemo } from 'react';
import { FleetTileGrid } from './FleetTileGrid';
import type { HealthCheckTile, TileState } from '../../../../preload/contract';
import { useFleetStore, type SortKey } from '../../store/fleet-store';
import { getBridge } from '../../bridge';
import { formatAge } from '../../components/format';
import { useNow } from '../../components/use-now';
import { ServerView } from './ServerView';
import { STATES, compareTiles, groupTiles, groupableLabels, matchesFilter, parseFilter } from './fleet-view';
import './servers.css';

const SORTS: { key: SortKey; label: string }[] = [
  { key: 'worst', label: 'Worst first' },
  { key: 'name', label: 'Name' },
  { key: 'cpu', label: 'CPU %' },
  { key: 'memory', label: 'Memory %' },
  { key: 'disk', label: 'Disk %' },
  { key: 'netRx', label: 'Network receive' },
  { key: 'netTx', label: 'Network transmit' },
  { key: 'load1', label: 'Load (1m)' },
  { key: 'alerts', label: 'Alerts firing' },
];

export function ServersPane() {
  const selected = useFleetStore((s) => s.view.selected);
  const tile = useFleetStore((s) => (s.view.selected ? s.byId.get(s.view.selected) : undefined));
  if (selected) return <ServerView tileId={selected} tile={tile ?? null} />;
  return <FleetGrid />;
}

function FleetGrid() {
  const tiles = useFleetStore((s) => s.tiles);
  const checks = useFleetStore((s) => s.healthChecks);
  const sources = useFleetStore((s) => s.sources);
  const summary = useFleetStore((s) => s.summary);
  const thresholds = useFleetStore((s) => s.thresholds);
  const lines = useFleetStore((s) => s.sparklines.bySource);
  const environment = useFleetStore((s) => s.environment);
  const view = useFleetStore((s) => s.view);
  const setView = useFleetStore((s) => s.setView);
  const now = useNow(5000);
  const open = useCallback((id: string) => setView({ selected: id }), [setView]);

  const filter = useMemo(() => parseFilter(view.filter), [view.filter]);
  const shown = useMemo(() => {
    const list = tiles.filter((t) => (view.states.length === 0 || view.states.includes(t.state)) && matchesFilter(t, filter));
    return list.sort(compareTiles(view.sort));
  }, [tiles, filter, view.states, view.sort]);
  const groups = useMemo(() => groupTiles(shown, view.groupBy), [shown, view.groupBy]);
  const labelKeys = useMemo(() => groupableLabels(tiles), [tiles]);
  const multiSource = sources.length > 1;
  const unreachable = sources.filter((s) => !s.reachable);
  const queryErrors = sources.flatMap((s) => Object.entries(s.queryErrors).map(([m, e]) => ({ source: s.name, metric: m, error: e })));

  const toggleState = (st: TileState) => setView({ states: view.states.includes(st) ? view.states.filter((x) => x !== st) : [...view.states, st] });

  return (
    <section aria-label="Servers" className="pane servers-pane">
      <div className="srv-toolbar">
        <h1 className="pane-title">Servers</h1>
        <div className="srv-summary" role="group" aria-label="Fleet summary">
          {STATES.map((st) => (
            <button key={st} type="button" className={`srv-count count-${st}`} aria-pressed={view.states.includes(st)} onClick={() => toggleState(st)} title={`Show only ${st} (click again to clear)`}>
              <span className="srv-count-n">{summary[st]}</span> {st}
            </button>
          ))}
          {summary.stale > 0 && <span className="srv-count count-stale">{summary.stale} stale</span>}
        </div>
        <span className="spacer" />
        <label className="srv-field">
          Filter
          <input type="search" value={view.filter} placeholder="text or label=value, label!=value" aria-label="Filter servers" onChange={(e) => setView({ filter: e.target.value })} size={28} />
        </label>
        <label className="srv-field">
          Sort
          <select value={view.sort} aria-label="Sort servers" onChange={(e) => setView({ sort: e.target.value as SortKey })}>
            {SORTS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="srv-field">
          Group
          <select value={view.groupBy} aria-label="Group servers by" onChange={(e) => setView({ groupBy: e.target.value })}>
            <option value="">None</option>
            <option value="source">Source</option>
            {labelKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void getBridge().invoke('fleet.refresh', {}).catch(() => undefined)}>
          Refresh
        </button>
      </div>

      {unreachable.map((s) => (
        <div key={s.name} role="alert" className="banner banner-error srv-banner">
          {s.name} not answering: {s.error ?? 'no answer'} — showing its last values
          {s.lastSuccessAt !== null ? ` from ${formatAge(now - s.lastSuccessAt)} ago` : ''}, marked stale.
        </div>
      ))}
      {queryErrors.map((q) => (
        <div key={`${q.source}|${q.metric}`} className="banner banner-warn srv-banner">
          {q.source}: the {q.metric} query failed: {q.error}
        </div>
      ))}

      {checks.length > 0 && <HealthChecks checks={checks} now={now} />}

      {environment && tiles.length === 0 && sources.length === 0 && <p className="muted">This environment has no Prometheus source configured.</p>}
      {tiles.length === 0 && sources.length > 0 && unreachable.length === 0 && <p className="muted">Waiting for the first answer from Prometheus…</p>}
      {tiles.length > 0 && shown.length === 0 && (
        <p className="muted">
          No server matches. <button type="button" onClick={() => setView({ filter: '', states: [] })}>Clear filter</button>
        </p>
      )}
      {/* Mounted while still empty, so that its width is known (and measured) before the first tiles arrive. */}
      {(shown.length > 0 || sources.length > 0) && <FleetTileGrid groups={groups} groupBy={view.groupBy} sparklines={lines} thresholds={thresholds} now={now} showSource={multiSource} onOpen={open} />}
    </section>
  );
}

function HealthChecks({ checks, now }: { checks: HealthCheckTile[]; now: number }) {
  return (
    <div className="srv-checks" role="list" aria-label="Health checks">
      {checks.map((c) => {
        const state = c.pending ? 'pending' : c.state;
        return (
          <div key={c.id} role="listitem" className={`tile hc-tile tile-${c.pending ? 'pending' : c.state}`} aria-label={`${c.name} ${state}`} data-state={state}>
            <span className="srv-head">
              <span className="tile-instance">{c.name}</span>
              <span className={`srv-badge badge-${c.pending ? 'pending' : c.state}`}>{c.pending ? '…' : c.state === 'ok' ? 'OK' : c.state.toUpperCase()}</span>
            </span>
            <span className="srv-sub mono" title={c.url}>{c.url}</span>
            <span className="srv-sub">
              {c.status !== null ? `HTTP ${c.status}` : c.pending ? 'checking…' : 'no answer'}
              {c.latencyMs !== null && ` · ${c.latencyMs} ms`}
              {c.checkedAt !== null && ` · ${formatAge(now - c.checkedAt)} ago`}
            </span>
            {c.error && <span className="hc-error">{c.error}</span>}
          </div>
        );
      })}
    </div>
  );
}
