import { useEffect, useMemo, useState } from 'react';
import { attachToIncident } from '../../store/incident-draft-store';
import { chartEvidence } from '../../store/evidence-builders';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FleetHistory, FleetMetric, ServerTile } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useAlertsStore } from '../../store/alerts-store';
import { useFleetStore } from '../../store/fleet-store';
import { useUiStore } from '../../store/ui-store';
import { formatAge } from '../../components/format';
import { useNow } from '../../components/use-now';
import { formatRate, formatValue, hostOf } from './fleet-view';

const RANGES = [
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 3600_000 },
  { label: '6h', ms: 6 * 3600_000 },
  { label: '24h', ms: 24 * 3600_000 },
] as const;

type Range = { kind: 'last'; ms: number } | { kind: 'custom'; from: number; to: number };

const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)'];

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function ServerView({ tileId, tile }: { tileId: string; tile: ServerTile | null }) {
  const setView = useFleetStore((s) => s.setView);
  const thresholds = useFleetStore((s) => s.thresholds);
  const byFp = useAlertsStore((s) => s.byFingerprint);
  const now = useNow(5000);
  const [range, setRange] = useState<Range>({ kind: 'last', ms: 3600_000 });
  const [customFrom, setCustomFrom] = useState(() => toLocalInput(Date.now() - 3 * 3600_000));
  const [customTo, setCustomTo] = useState(() => toLocalInput(Date.now()));
  const [customError, setCustomError] = useState<string | null>(null);
  const [history, setHistory] = useState<FleetHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const sourceFromId = tileId.split('|')[0] ?? '';
  const instance = tile?.instance ?? tileId.split('|')[1] ?? '';
  const source = tile?.source ?? sourceFromId;

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    const args = range.kind === 'last' ? { instance, source, rangeMs: range.ms } : { instance, source, from: range.from, to: range.to };
    getBridge()
      .invoke('fleet.history', args)
      .then((h) => {
        if (!cancelled) setHistory(h);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [instance, source, range]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) setView({ selected: null });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  const alerts = useMemo(() => [...byFp.values()].filter((a) => a.state === 'active' && a.labels.instance === instance), [byFp, instance]);

  const applyCustom = () => {
    const from = Date.parse(customFrom);
    const to = Date.parse(customTo);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return setCustomError('Both times are needed, e.g. 2026-11-21T08:00.');
    if (to <= from) return setCustomError('"To" must be after "From".');
    if (to - from > 31 * 24 * 3600_000) return setCustomError('The range can be at most 31 days.');
    setCustomError(null);
    setRange({ kind: 'custom', from, to });
  };

  const searchLogs = () => {
    const to = range.kind === 'last' ? Date.now() : range.to;
    const from = range.kind === 'last' ? to - range.ms : range.from;
    useUiStore.getState().pivotToLogs({ query: `host:"${hostOf(instance)}"`, from, to });
  };

  const state = tile?.state ?? 'down';
  return (
    <section aria-label={`Server ${instance}`} className="pane servers-pane srv-detail">
      <div className="srv-toolbar">
        <button type="button" onClick={() => setView({ selected: null })}>
          ← All servers
        </button>
        <h1 className="pane-title srv-detail-title">
          {instance} <span className={`srv-badge badge-${state}`}>{tile ? state.toUpperCase() : 'GONE'}</span>
        </h1>
        <span className="muted">
          {tile?.job} · {source}
          {tile?.stale && <span className="srv-stale"> · stale, {formatAge(now - tile.updatedAt)} old</span>}
        </span>
        <span className="spacer" />
        <div className="srv-ranges" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button key={r.label} type="button" aria-pressed={range.kind === 'last' && range.ms === r.ms} onClick={() => setRange({ kind: 'last', ms: r.ms })}>
              {r.label}
            </button>
          ))}
        </div>
        <label className="srv-field">
          From <input type="datetime-local" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} aria-label="Custom range from" />
        </label>
        <label className="srv-field">
          To <input type="datetime-local" value={customTo} onChange={(e) => setCustomTo(e.target.value)} aria-label="Custom range to" />
        </label>
        <button type="button" aria-pressed={range.kind === 'custom'} onClick={applyCustom}>
          Apply custom
        </button>
        <button type="button" className="primary" onClick={searchLogs}>
          Search logs
        </button>
      </div>
      {customError && (
        <div role="alert" className="banner banner-error">
          {customError}
        </div>
      )}
      {!tile && <div className="banner banner-warn">This server is no longer among the targets; the charts show its history.</div>}
      {tile && (
        <div className="srv-now">
          {(['cpu', 'memory', 'disk', 'load1', 'netRx', 'netTx'] as const).map((m) => (
            <span key={m} className="srv-now-item">
              <span className="muted">{NAMES[m]}</span> <strong>{formatValue(m, tile.values[m])}</strong>
              {m === 'disk' && tile.diskMount && <span className="muted"> ({tile.diskMount})</span>}
            </span>
          ))}
        </div>
      )}
      <div className="srv-detail-body">
        <div className="srv-charts" aria-busy={loading}>
          {error && (
            <div role="alert" className="banner banner-error">
              Could not load history: {error}
            </div>
          )}
          {(['cpu', 'memory', 'disk', 'net', 'load1'] as const).map((m) => (
            <HistoryChart key={m} which={m} history={history} thresholds={thresholds} />
          ))}
        </div>
        <aside className="srv-side" aria-label="Alerts firing">
          <h2>Alerts firing ({alerts.length})</h2>
          {alerts.length === 0 && <p className="muted">None.</p>}
          <ul className="srv-alert-list">
            {alerts.map((a) => (
              <li key={a.fingerprint}>
                <button type="button" className={`srv-alert sev-${a.labels.severity ?? 'none'}`} onClick={() => useUiStore.getState().focusAlert(a.fingerprint)}>
                  <span className="sev">{a.labels.severity ?? '—'}</span> {a.labels.alertname}
                  <span className="muted"> · {formatAge(now - Date.parse(a.startsAt))}</span>
                  {a.annotations.summary && <span className="srv-alert-summary">{a.annotations.summary}</span>}
                </button>
              </li>
            ))}
          </ul>
          {tile && (
            <>
              <h2>Labels</h2>
              <dl className="srv-labels">
                {Object.entries(tile.labels)
                  .filter(([k]) => k !== '__name__')
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd className="mono">{v}</dd>
                    </div>
                  ))}
              </dl>
            </>
          )}
        </aside>
      </div>
    </section>
  );
}

const NAMES: Record<FleetMetric, string> = { cpu: 'CPU', memory: 'Memory', disk: 'Disk', netRx: 'Receive', netTx: 'Transmit', load1: 'Load 1m' };
const TITLES = { cpu: 'CPU %', memory: 'Memory %', disk: 'Disk % (per filesystem)', net: 'Network (bytes/s)', load1: 'Load (1m)' } as const;

function HistoryChart({ which, history, thresholds }: { which: 'cpu' | 'memory' | 'disk' | 'net' | 'load1'; history: FleetHistory | null; thresholds: ReturnType<typeof useFleetStore.getState>['thresholds'] }) {
  const metrics: FleetMetric[] = which === 'net' ? ['netRx', 'netTx'] : [which];
  const { rows, keys } = useMemo(() => {
    const byT = new Map<number, Record<string, number>>();
    const keys: { key: string; name: string }[] = [];
    for (const s of history?.series ?? []) {
      if (!metrics.includes(s.metric)) continue;
      const key = `${s.metric}:${s.label}`;
      keys.push({ key, name: which === 'net' ? NAMES[s.metric] : s.label || NAMES[s.metric] });
      for (const [t, v] of s.points) {
        const row = byT.get(t) ?? { t };
        row[key] = v;
        byT.set(t, row);
      }
    }
    return { rows: [...byT.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0)), keys };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [history, which]);
  const pct = which === 'cpu' || which === 'memory' || which === 'disk';
  const err = metrics.map((m) => history?.errors[m]).find(Boolean);
  const span = history ? history.to - history.from : 3600_000;
  const tick = (t: number) => new Date(t).toLocaleString(undefined, span > 24 * 3600_000 ? { month: 'short', day: 'numeric', hour: '2-digit', hour12: false } : { hour: '2-digit', minute: '2-digit', hour12: false });
  const ticks = history ? Array.from({ length: 6 }, (_, i) => Math.round(history.from + ((history.to - history.from) * i) / 5)) : undefined;
  const fmtY = (v: number) => (pct ? `${Math.round(v)}%` : which === 'net' ? formatRate(v) : v.toFixed(1));
  return (
    <figure className="srv-chart" aria-label={TITLES[which]}>
      <figcaption>
        {TITLES[which]}
        {history && keys.length > 0 && (
          <button
            type="button"
            className="srv-attach"
            aria-label={`Attach ${TITLES[which]} chart to incident`}
            onClick={() => attachToIncident(chartEvidence(TITLES[which], pct ? '%' : which === 'net' ? 'B/s' : '', history, metrics))}
          >
            Attach to incident
          </button>
        )}
      </figcaption>
      {err && <p className="hc-error">Query failed: {err}</p>}
      {!err && history && keys.length === 0 && <p className="muted">No data for this range.</p>}
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="2 4" />
          <XAxis dataKey="t" type="number" scale="time" domain={history ? [history.from, history.to] : ['auto', 'auto']} ticks={ticks} tickFormatter={tick} stroke="var(--muted)" fontSize={11} />
          <YAxis domain={pct ? [0, 100] : [0, 'auto']} tickFormatter={fmtY} stroke="var(--muted)" fontSize={11} width={pct ? 40 : 70} />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString(undefined, { hour12: false })}
            formatter={(v) => (typeof v === 'number' ? fmtY(v) : String(v))}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
          />
          {pct && <ReferenceLine y={thresholds[which].warning} stroke="var(--warn)" strokeDasharray="4 3" />}
          {pct && <ReferenceLine y={thresholds[which].critical} stroke="var(--crit)" strokeDasharray="4 3" />}
          {(which === 'net' || keys.length > 1) && <Legend verticalAlign="top" height={20} iconType="plainline" wrapperStyle={{ fontSize: 12, color: 'var(--text)' }} />}
          {keys.map((k, i) => (
            <Line key={k.key} dataKey={k.key} name={k.name} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
