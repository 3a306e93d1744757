import { useState } from 'react';
import { saveFile } from '../../components/save-file';
import type { IncidentDetail, IncidentSeverity, IncidentStatus, Message } from '../../../../preload/contract';
import { SEVERITIES, STATUSES } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useNow } from '../../components/use-now';
import { useIncidentsStore } from '../../store/incidents-store';
import { Composer } from './Composer';
import { IncidentFacts, IncidentTitleRow } from './IncidentFacts';
import { EvidenceList } from './EvidenceList';
import { Timeline } from './Timeline';
import { SEVERITY_LABEL, STATUS_LABEL, errorText, fmtDuration, fmtLocal, fmtUtc } from './format';


export function Timers({ detail, now }: { detail: IncidentDetail; now: number }) {
  const inc = detail.incident;
  const reminders = useIncidentsStore((s) => s.reminders).filter((r) => r.incidentId === inc.id);
  const end = inc.resolvedAt ?? now;
  const due = inc.nextUpdateDueAt;
  const overdue = due !== null && due < now;
  return (
    <div className="inc-timers" role="group" aria-label="Response timers">
      <div className="inc-timer">
        <span className="muted">{inc.resolvedAt ? 'Lasted' : 'Since declared'}</span>
        <strong className="mono">{fmtDuration(end - inc.declaredAt)}</strong>
        <span className="muted small">
          {fmtUtc(inc.declaredAt)} · {fmtLocal(inc.declaredAt)} local
        </span>
      </div>
      <div className={`inc-timer${overdue ? ' overdue' : ''}`}>
        <span className="muted">Next status update</span>
        {due === null ? (
          <strong>none (resolved)</strong>
        ) : overdue ? (
          <strong role="alert">Overdue by {fmtDuration(now - due)}</strong>
        ) : (
          <strong className="mono">in {fmtDuration(due - now)}</strong>
        )}
        {due !== null && <span className="muted small">due {fmtUtc(due).slice(11)} · {fmtLocal(due).slice(11)} local</span>}
      </div>
      {reminders
        .filter((r) => r.kind !== 'status-update')
        .map((r) => (
          <div key={r.kind} className={`inc-timer${r.overdue ? ' overdue' : ''}`}>
            <span className="muted">Target</span>
            <strong>{r.message}</strong>
          </div>
        ))}
    </div>
  );
}

function Escalation({ detail }: { detail: IncidentDetail }) {
  const matrix = useIncidentsStore((s) => s.matrix);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const level = detail.incident.escalationLevel;
  const escalate = async (to?: number) => {
    try {
      await getBridge().invoke('incidents.escalate', { incidentId: detail.incident.id, ...(to !== undefined ? { level: to } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      setReason('');
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="inc-escalation" aria-label="Escalation matrix">
      <div className="inc-section-head">
        <h2>Escalation</h2>
        <span className="muted">{level === 0 ? 'not escalated' : `level ${level}`}</span>
      </div>
      <ol className="inc-levels">
        {matrix.map((m) => (
          <li key={m.level} className={m.level === level ? 'current' : m.level < level ? 'passed' : ''} aria-current={m.level === level ? 'step' : undefined}>
            <span className="inc-level-n">L{m.level}</span>
            <div>
              <div>{m.title}</div>
              <div className="muted small">{m.contacts.length ? m.contacts.join(' · ') : 'no contacts configured (escalation-matrix.json in the data folder)'}</div>
            </div>
          </li>
        ))}
      </ol>
      <div className="inc-actions">
        <input className="grow" aria-label="Escalation reason" placeholder="Reason (optional)" value={reason} maxLength={10_000} onChange={(e) => setReason(e.target.value)} />
        <button type="button" className="primary" disabled={level >= 4 || detail.incident.status === 'resolved'} onClick={() => void escalate()}>
          {level >= 4 ? 'At the top level' : `Escalate to level ${level + 1}`}
        </button>
        {level > 0 && (
          <button type="button" onClick={() => void escalate(level - 1)}>
            De-escalate
          </button>
        )}
      </div>
      {error && (
        <div role="alert" className="error-text">
          {error}
        </div>
      )}
    </section>
  );
}

export function Messages({ messages }: { messages: Message[] }) {
  if (messages.length === 0) return null;
  return (
    <section className="inc-messages" aria-label="Messages">
      <div className="inc-section-head">
        <h2>Messages sent</h2>
        <span className="muted">{messages.length}</span>
      </div>
      <ul className="plain">
        {[...messages].reverse().map((m) => (
          <li key={m.id} className="inc-message">
            <div className="muted small">
              {fmtUtc(m.at)} · {fmtLocal(m.at)} local · {m.author} · to {m.audiences.join(' and ') || 'nobody recorded'}
            </div>
            <pre className="inc-preview">{m.text}</pre>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function IncidentView({ detail }: { detail: IncidentDetail }) {
  const now = useNow(1000);
  const inc = detail.incident;
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const update = async (changes: { status?: IncidentStatus; severity?: IncidentSeverity }) => {
    try {
      await getBridge().invoke('incidents.update', { id: inc.id, changes });
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const doExport = async (format: 'json' | 'html') => {
    try {
      const f = await getBridge().invoke('incidents.export', { id: inc.id, format });
      saveFile(f);
      setExported(`Saved ${f.fileName}`);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <article className="inc-view" aria-label={`Incident ${inc.title}`}>
      <header className="inc-head">
        <IncidentTitleRow incident={inc} />
        <div className="muted small mono">
          {inc.id} · {inc.environment} · commander {inc.commander}
          {inc.commsLead ? ` · comms ${inc.commsLead}` : ''}
        </div>
        <div className="inc-controls">
          <label className="inline">
            Status
            <select aria-label="Status" value={inc.status} onChange={(e) => void update({ status: e.target.value as IncidentStatus })}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Severity
            <select aria-label="Severity" value={inc.severity} onChange={(e) => void update({ severity: e.target.value as IncidentSeverity })}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <span className="spacer" />
          <div className="inc-export" role="group" aria-label="Export">
            <button type="button" onClick={() => void doExport('json')}>
              Export
            </button>
            <button type="button" onClick={() => void doExport('html')}>
              Export HTML report
            </button>
          </div>
        </div>
        {exported && (
          <div role="status" className="muted small">
            {exported}
          </div>
        )}
        {error && (
          <div role="alert" className="error-text">
            {error}
          </div>
        )}
        <Timers detail={detail} now={now} />
        <IncidentFacts incident={inc} live />
      </header>
      <div className="inc-columns">
        <div className="inc-col-main">
          <Timeline entries={detail.timeline} incidentId={inc.id} />
        </div>
        <div className="inc-col-side">
          <Composer detail={detail} />
          <Messages messages={detail.messages} />
          <Escalation detail={detail} />
          <EvidenceList evidence={detail.evidence} detail={detail} />
        </div>
      </div>
    </article>
  );
}
