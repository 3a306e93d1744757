import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartEvidence, Evidence, IncidentDetail } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useAlertsStore } from '../../store/alerts-store';
import { errorText, fmtUtc } from './format';

const COLORS = ['var(--accent)', 'var(--crit)', 'var(--ok)', 'var(--warn)', 'var(--muted)'];

/** A metric chart from its stored data points: renders with no backend (offline review). */
export function ChartSnapshot({ ev }: { ev: ChartEvidence }) {
  const data = useMemo(() => {
    const byT = new Map<number, Record<string, number>>();
    ev.series.forEach((s, i) => {
      for (const [t, v] of s.points) {
        const row = byT.get(t) ?? { t };
        row[`s${i}`] = v;
        byT.set(t, row);
      }
    });
    return [...byT.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  }, [ev]);
  const fmtT = (t: number) => new Date(t).toISOString().slice(11, 16);
  return (
    <div className="inc-chart" role="img" aria-label={`Chart: ${ev.title}`}>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtT} stroke="var(--muted)" fontSize={11} />
          <YAxis stroke="var(--muted)" fontSize={11} width={48} unit={ev.unit && ev.unit.length <= 3 ? ev.unit : undefined} />
          <Tooltip labelFormatter={(t) => fmtUtc(Number(t))} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }} />
          <Legend />
          {ev.series.map((s, i) => (
            <Line key={i} dataKey={`s${i}`} name={s.name} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {ev.query && <div className="muted mono small">{ev.query}</div>}
    </div>
  );
}

function EvidenceItem({ ev }: { ev: Evidence }) {
  return (
    <li className={`inc-evidence ev-${ev.kind}`}>
      <div className="inc-entry-meta">
        <strong>{ev.title}</strong>
        <span className="muted">
          {ev.kind === 'alert' ? 'Alert' : ev.kind === 'logs' ? `${ev.lines.length} log lines` : 'Metric chart'} · {ev.author} · {fmtUtc(ev.at)}
        </span>
      </div>
      {ev.note && <p>{ev.note}</p>}
      {ev.kind === 'alert' && (
        <dl className="inc-labels">
          {Object.entries(ev.labels).map(([k, v]) => (
            <div key={`l-${k}`}>
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
          {Object.entries(ev.annotations).map(([k, v]) => (
            <div key={`a-${k}`}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
          <div>
            <dt>state</dt>
            <dd>
              {ev.state} since {ev.startsAt}
            </dd>
          </div>
        </dl>
      )}
      {ev.kind === 'logs' && (
        <>
          {ev.query && <div className="muted mono small">{ev.query}</div>}
          <pre className="inc-logs">{ev.lines.map((l) => `${l.time} ${l.level.toUpperCase()} ${l.message}`).join('\n')}</pre>
        </>
      )}
      {ev.kind === 'chart' && <ChartSnapshot ev={ev} />}
    </li>
  );
}

export function EvidenceList({ evidence, detail }: { evidence: Evidence[]; detail?: IncidentDetail }) {
  return (
    <section className="inc-evidence-list" aria-label="Evidence">
      <div className="inc-section-head">
        <h2>Evidence</h2>
        <span className="muted">{evidence.length}</span>
      </div>
      {detail && <AttachAlert detail={detail} />}
      <ul className="plain">
        {evidence.map((ev) => (
          <EvidenceItem key={ev.id} ev={ev} />
        ))}
        {evidence.length === 0 && <li className="muted">Nothing attached yet. Attach an alert here, log lines from Logs, or a chart from a server's drill-down.</li>}
      </ul>
    </section>
  );
}

/** Attach an alert as it is now (labels and annotations at this moment). */
function AttachAlert({ detail }: { detail: IncidentDetail }) {
  const byFp = useAlertsStore((s) => s.byFingerprint);
  const [fp, setFp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const options = useMemo(() => {
    const linked = new Set(detail.incident.linkedAlerts.map((a) => a.fingerprint));
    return [...byFp.values()]
      .sort((a, b) => Number(linked.has(b.fingerprint)) - Number(linked.has(a.fingerprint)) || (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? ''))
      .slice(0, 500);
  }, [byFp, detail.incident.linkedAlerts]);
  if (options.length === 0) return null;
  return (
    <div className="inc-attach">
      <select aria-label="Alert to attach" value={fp} onChange={(e) => setFp(e.target.value)}>
        <option value="">Attach a firing alert…</option>
        {options.map((a) => (
          <option key={a.fingerprint} value={a.fingerprint}>
            {a.labels.alertname ?? a.fingerprint} {a.labels.instance ?? ''} {a.labels.severity ? `(${a.labels.severity})` : ''}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!fp}
        onClick={() => {
          void getBridge()
            .invoke('incidents.attachEvidence', { incidentId: detail.incident.id, evidence: { kind: 'alert', fingerprint: fp } })
            .then(() => {
              setFp('');
              setError(null);
            })
            .catch((err: unknown) => setError(errorText(err)));
        }}
      >
        Attach alert
      </button>
      {error && (
        <span role="alert" className="error-text">
          {error}
        </span>
      )}
    </div>
  );
}
