import { useMemo, useState } from 'react';
import type { TimelineEntry, TimelineKind } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { KIND_INFO, errorText, fmtLocal, fmtUtc, fromLocalInput, toLocalInput } from './format';

interface Props {
  entries: TimelineEntry[];
  /** Omitted: read-only (an opened export). */
  incidentId?: string;
}

const ALL_KINDS = Object.keys(KIND_INFO) as TimelineKind[];

/** The incident's timeline: kinds with icons, filter by kind, starred only, system noise hidden on request, times in UTC and local. */
export function Timeline({ entries, incidentId }: Props) {
  const readOnly = incidentId === undefined;
  const [kinds, setKinds] = useState<Set<TimelineKind>>(new Set());
  const [starredOnly, setStarredOnly] = useState(false);
  const [hideSystem, setHideSystem] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const present = useMemo(() => ALL_KINDS.filter((k) => entries.some((e) => e.kind === k)), [entries]);
  const shown = entries.filter((e) => (kinds.size === 0 || kinds.has(e.kind)) && (!starredOnly || e.starred) && (!hideSystem || !e.system));

  const toggleKind = (k: TimelineKind) =>
    setKinds((cur) => {
      const n = new Set(cur);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  const edit = async (entryId: string, change: { at?: number; starred?: boolean }) => {
    if (!incidentId) return;
    try {
      setError(null);
      await getBridge().invoke('incidents.editEntry', { incidentId, entryId, ...change });
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="inc-timeline" aria-label="Timeline">
      <div className="inc-section-head">
        <h2>Timeline</h2>
        <span className="muted">{shown.length === entries.length ? `${entries.length} entries` : `${shown.length} of ${entries.length} entries`}</span>
      </div>
      <div className="inc-filters" role="group" aria-label="Filter timeline">
        {present.map((k) => (
          <button key={k} type="button" className="chip-toggle" aria-pressed={kinds.has(k)} onClick={() => toggleKind(k)}>
            <span aria-hidden="true">{KIND_INFO[k].icon}</span> {KIND_INFO[k].label}
          </button>
        ))}
        <label className="inline">
          <input type="checkbox" checked={starredOnly} onChange={(e) => setStarredOnly(e.target.checked)} /> Starred only
        </label>
        <label className="inline">
          <input type="checkbox" checked={hideSystem} onChange={(e) => setHideSystem(e.target.checked)} /> Hide automatic entries
        </label>
      </div>
      {error && (
        <div role="alert" className="error-text">
          {error}
        </div>
      )}
      {!readOnly && <ManualEntry incidentId={incidentId} />}
      <ol className="inc-entries">
        {shown.map((e) => (
          <TimelineRow key={e.id} entry={e} readOnly={readOnly} onEdit={(c) => void edit(e.id, c)} />
        ))}
        {shown.length === 0 && <li className="muted">No entries match.</li>}
      </ol>
    </section>
  );
}

function TimelineRow({ entry: e, readOnly, onEdit }: { entry: TimelineEntry; readOnly: boolean; onEdit: (c: { at?: number; starred?: boolean }) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(toLocalInput(e.at));
  const info = KIND_INFO[e.kind];
  const parsed = fromLocalInput(value);
  return (
    <li className={`inc-entry kind-${e.kind}${e.system ? ' system' : ''}${e.starred ? ' starred' : ''}`}>
      <div className="inc-entry-time">
        <time dateTime={new Date(e.at).toISOString()} className="mono">
          {fmtUtc(e.at).slice(11)}
        </time>
        <span className="muted mono">{fmtLocal(e.at).slice(11)} local</span>
      </div>
      <span className="inc-entry-icon" aria-hidden="true" title={info.label}>
        {info.icon}
      </span>
      <div className="inc-entry-body">
        <div className="inc-entry-meta">
          <span className="inc-kind">{info.label}</span>
          <span className="muted">
            {e.author}
            {e.editedAt ? ' · edited' : ''} · {fmtUtc(e.at).slice(0, 10)}
          </span>
        </div>
        <div className="inc-entry-text">{e.text}</div>
        {editing && (
          <div className="inc-entry-edit">
            <label>
              When (local time)
              <input type="datetime-local" step="1" value={value} onChange={(ev) => setValue(ev.target.value)} />
            </label>
            <span className="muted mono">{parsed !== null ? fmtUtc(parsed) : 'incomplete date'}</span>
            <button
              type="button"
              className="primary"
              disabled={parsed === null}
              onClick={() => {
                if (parsed !== null) onEdit({ at: parsed });
                setEditing(false);
              }}
            >
              Save time
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        )}
      </div>
      <div className="inc-entry-actions">
        {readOnly ? (
          e.starred && <span aria-label="Starred">★</span>
        ) : (
          <>
            <button type="button" className="icon-btn" aria-pressed={e.starred} aria-label={e.starred ? 'Unstar entry' : 'Star entry'} onClick={() => onEdit({ starred: !e.starred })}>
              {e.starred ? '★' : '☆'}
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label="Edit time"
              onClick={() => {
                setValue(toLocalInput(e.at));
                setEditing(!editing);
              }}
            >
              ◷
            </button>
          </>
        )}
      </div>
    </li>
  );
}

function ManualEntry({ incidentId }: { incidentId: string }) {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'note' | 'manual'>('note');
  const [when, setWhen] = useState('');
  const [starred, setStarred] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const at = when ? fromLocalInput(when) : null;
  const submit = async () => {
    if (!text.trim()) return;
    try {
      setError(null);
      await getBridge().invoke('incidents.addEntry', { incidentId, text: text.trim(), kind, starred, ...(at !== null ? { at } : {}) });
      setText('');
      setWhen('');
      setStarred(false);
    } catch (err) {
      // What was typed stays in the box.
      setError(errorText(err));
    }
  };
  return (
    <form
      className="inc-manual"
      aria-label="Add to timeline"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <select aria-label="Entry kind" value={kind} onChange={(e) => setKind(e.target.value as 'note' | 'manual')}>
        <option value="note">Note</option>
        <option value="manual">Event (happened outside the console)</option>
      </select>
      <input className="grow" aria-label="Timeline entry" placeholder="What happened or was decided…" value={text} maxLength={10_000} onChange={(e) => setText(e.target.value)} />
      <label className="inline">
        When
        <input type="datetime-local" step="1" aria-label="When (local time, empty: now)" value={when} onChange={(e) => setWhen(e.target.value)} />
      </label>
      {at !== null && <span className="muted mono">{fmtUtc(at)}</span>}
      <label className="inline">
        <input type="checkbox" checked={starred} onChange={(e) => setStarred(e.target.checked)} /> Star
      </label>
      <button type="submit" className="primary" disabled={!text.trim()}>
        Add entry
      </button>
      {error && (
        <div role="alert" className="error-text full">
          {error}
        </div>
      )}
    </form>
  );
}
