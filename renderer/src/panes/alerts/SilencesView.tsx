import { useId, useMemo, useState } from 'react';
import type { SilenceState, SilenceView } from '../../../../preload/contract';
import { formatMatcher, compileMatchers } from '../../../../main/alerts/alert-filter';
import { extendedEnd, parseExtension } from '../../../../main/alerts/silence-logic';
import { formatAge } from '../../components/format';
import { useAlertsStore } from '../../store/alerts-store';
import { expireSilences, extendSilence } from './actions';
import './silences.css';

const STATES: SilenceState[] = ['active', 'pending', 'expired'];

/** The steps karma and Alertmanager's UI offer, added to the current end. */
const STEPS: { label: string; name: string; ms: number }[] = [
  { label: '+1h', name: 'Extend by 1 hour', ms: 3_600_000 },
  { label: '+4h', name: 'Extend by 4 hours', ms: 4 * 3_600_000 },
  { label: '+1d', name: 'Extend by 1 day', ms: 86_400_000 },
];

function capitalise(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** "+1h", "+4h", "+1d", and "Custom…": a duration ("90m", "2h30m", "1d") or an end time, checked as typed. */
function ExtendControls({ silence, onCustom }: { silence: SilenceView; onCustom(): void }) {
  const [busy, setBusy] = useState(false);
  const currentEnd = Date.parse(silence.endsAt);
  return (
    <div className="extend-steps" role="group" aria-label={`Extend silence ${silence.id}`}>
      <span className="muted" aria-hidden="true">
        Extend
      </span>
      {STEPS.map((step) => (
        <button
          key={step.label}
          type="button"
          aria-label={step.name}
          title={`${step.name}: until ${new Date(extendedEnd(currentEnd, step.ms, Date.now())).toLocaleString()}`}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void extendSilence(silence.id, extendedEnd(currentEnd, step.ms, Date.now())).finally(() => setBusy(false));
          }}
        >
          {step.label}
        </button>
      ))}
      <button type="button" aria-label="Extend by a custom duration or until a time" onClick={onCustom}>
        Custom…
      </button>
    </div>
  );
}

function ExtendForm({ silence, onClose }: { silence: SilenceView; onClose(): void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const currentEnd = Date.parse(silence.endsAt);
  const parsed = parseExtension(text, currentEnd, Date.now());
  const problem = !parsed.ok && (touched || text.trim() !== '') ? capitalise(parsed.error) : null;
  const submit = async (): Promise<void> => {
    setTouched(true);
    setRefused(null);
    const now = parseExtension(text, currentEnd, Date.now());
    if (!now.ok) return;
    setBusy(true);
    const error = await extendSilence(silence.id, now.value);
    setBusy(false);
    if (error === null) onClose();
    else setRefused(capitalise(error)); // what was typed stays in the box
  };
  return (
    <form
      className="extend-form"
      aria-label={`Extend silence ${silence.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <label htmlFor={`${id}-to`}>Extend by or until</label>
      <input
        id={`${id}-to`}
        className="mono"
        autoFocus
        aria-invalid={problem !== null || refused !== null}
        aria-describedby={`${id}-help`}
        placeholder="90m, 2h30m, 1d or 2025-01-16 08:00"
        value={text}
        maxLength={64}
        onChange={(e) => {
          setText(e.target.value);
          setRefused(null);
        }}
      />
      <button type="submit" disabled={busy}>
        Extend
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <div id={`${id}-help`} className="extend-help">
        {problem !== null ? (
          <span className="error-text" role="alert">
            {problem}
          </span>
        ) : refused !== null ? (
          <span className="error-text" role="alert">
            Alertmanager did not extend it: {refused}
          </span>
        ) : parsed.ok ? (
          <span>
            New end: <strong>{new Date(parsed.value).toLocaleString()}</strong> ({formatAge(parsed.value - Date.now())} from now, {formatAge(parsed.value - Math.max(Date.now(), currentEnd))} more)
          </span>
        ) : (
          <span className="muted">A duration is added to the current end; a date and time (local) is the new end.</span>
        )}
      </div>
    </form>
  );
}

/** Active, pending and expired silences with search, expire and extend. */
export function SilencesView({ now }: { now: number }) {
  const silences = useAlertsStore((s) => s.silences.silences);
  const alerts = useAlertsStore((s) => s.byFingerprint);
  const [state, setState] = useState<SilenceState>('active');
  const [query, setQuery] = useState('');
  const [extending, setExtending] = useState<string | null>(null);
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
              {extending === s.id && s.state !== 'expired' && <ExtendForm silence={s} onClose={() => setExtending(null)} />}
            </div>
            <div className="silence-buttons">
              {s.state !== 'expired' && (
                <>
                  <ExtendControls silence={s} onCustom={() => setExtending(extending === s.id ? null : s.id)} />
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
