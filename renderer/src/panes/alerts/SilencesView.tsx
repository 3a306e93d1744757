import { useMemo, useState } from 'react';
import type { SilenceState, SilenceView } from '../../../../preload/contract';
import { formatMatcher, compileMatchers } from '../../../../main/alerts/alert-filter';
import { formatAge } from '../../components/format';
import { useAlertsStore } from '../../store/alerts-store';
import { expireSilences, extendSilence } from './actions';

const STATES: SilenceState[] = ['active', 'pending', 'expired'];

/** Active, pending and expired silences with search, expire and extend. */
export function SilencesView({ now }: { now: number }) {
  const silences = useAlertsStore((s) => s.silences.silences);
  const alerts = useAlertsStore((s) => s.byFingerprint);
  const [state, setState] = useState<SilenceState>('active');
  const [query, setQuery] = useState('');
  const counts = useMemo(() => {
    const c: Record<SilenceState, number> = { active: 0, pending: 0, expired: 0 };
    for (const s of silences) c[s.state] += 1;
    return c;
  }, [silences]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return silences.filter((s) => s.state === state && (!q || `${s.id} ${s.comment} ${s.createdBy} ${s.matchers.map(formatMatcher).join(' ')}`.toLowerCase().includes(q)));
  }, [silences, state, query]);
  const matchedCount = (s: SilenceView): number => {
    try {
      const m = compileMatchers(s.matchers);
      let n = 0;
      for (const a of alerts.values()) if (m(a.labels)) n += 1;
      return n;
    } catch {
      return 0;
    }
  };
  return (
    <div className="silences-view">
      <div className="toolbar">
        <div className="seg" role="group" aria-label="Silence state">
          {STATES.map((s) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>
              {s[0]!.toUpperCase() + s.slice(1)} {counts[s]}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search silences" placeholder="Search matchers, comment, author, id" value={query} onChange={(e) => setQuery(e.target.value)} className="grow" />
      </div>
      <ul className="silence-list" aria-label="Silences">
        {shown.length === 0 && <li className="muted">No {state} silences{query ? ' match the search' : ''}.</li>}
        {shown.map((s) => (
          <li key={s.id} className={`silence-item${s.isAck ? ' is-ack' : ''}`} aria-label={`Silence by ${s.createdBy}: ${s.comment}`}>
            <div className="silence-main">
              <div className="silence-matchers mono">
                {s.isAck && <span className="state-badge st-acknowledged">ACK</span>}
                {s.matchers.map((m) => (
                  <span key={formatMatcher(m)} className="chip">
                    {formatMatcher(m)}
                  </span>
                ))}
              </div>
              <div>
                <strong>{s.createdBy}</strong>: {s.comment}
              </div>
              <div className="muted">
                {s.state === 'pending' ? `starts in ${formatAge(Date.parse(s.startsAt) - now)} · ` : `started ${formatAge(now - Date.parse(s.startsAt))} ago · `}
                {s.state === 'expired' ? `ended ${formatAge(now - Date.parse(s.endsAt))} ago` : `ends in ${formatAge(Date.parse(s.endsAt) - now)} (${new Date(Date.parse(s.endsAt)).toLocaleString()})`}
                {s.state !== 'expired' && ` · matches ${matchedCount(s)} current alerts`} · {s.alertmanagers.join(', ')} · <span className="mono">{s.id}</span>
              </div>
            </div>
            <div className="silence-buttons">
              {s.state !== 'expired' && (
                <>
                  <button type="button" onClick={() => void extendSilence(s.id, 3600_000, s.endsAt)}>
                    Extend 1h
                  </button>
                  <button type="button" onClick={() => void expireSilences([s.id])}>
                    Expire
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
