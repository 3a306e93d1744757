import { useEffect, useRef, useState } from 'react';
import { INCIDENT_LIMITS } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useNow } from '../../components/use-now';
import { useCoreStore } from '../../store/core-store';
import { clearDeclareDraft, clearPendingEvidence, useIncidentDraftStore } from '../../store/incident-draft-store';
import { loadStatic, showReview, useIncidentsStore } from '../../store/incidents-store';
import { useNotifyStore } from '../../store/notify-store';
import { DeclareDialog } from './DeclareDialog';
import { IncidentView } from './IncidentView';
import { ReviewView } from './ReviewView';
import { SEVERITY_LABEL, STATUS_LABEL, errorText, fmtDuration, sevClass } from './format';
import './incidents.css';

/** The browser host's WebSocket takes messages up to 8 MiB; bigger exports open with `--open <file>`. */
const BROWSER_MESSAGE_LIMIT = 8 * 1024 * 1024 - 64 * 1024;

async function openExport(file: File, host: 'electron' | 'browser' | null): Promise<void> {
  const fileName = file.name.slice(0, INCIDENT_LIMITS.fileName);
  if (file.size > INCIDENT_LIMITS.importBytes) {
    showReview({ fileName, review: null, error: `${fileName} is ${file.size} bytes: larger than 20 MiB, the most an incident export may be` });
    return;
  }
  if (host === 'browser' && file.size > BROWSER_MESSAGE_LIMIT) {
    showReview({ fileName, review: null, error: `${fileName} is ${(file.size / 1048576).toFixed(1)} MiB: in browser mode files up to 7.9 MiB open here; start the console with --open "${fileName}" for bigger ones` });
    return;
  }
  try {
    const content = await file.text();
    const review = await getBridge().invoke('incidents.import', { content, fileName });
    showReview({ fileName, review, error: null });
  } catch (err) {
    showReview({ fileName, review: null, error: `${fileName}: ${errorText(err)}` });
  }
}

export function IncidentsPane() {
  const list = useIncidentsStore((s) => s.list);
  const selectedId = useIncidentsStore((s) => s.selectedId);
  const detail = useIncidentsStore((s) => (s.selectedId ? s.details.get(s.selectedId) : undefined));
  const mode = useIncidentsStore((s) => s.mode);
  const review = useIncidentsStore((s) => s.review);
  const reviewError = useIncidentsStore((s) => s.reviewError);
  const reminders = useIncidentsStore((s) => s.reminders);
  const storage = useIncidentsStore((s) => s.storage);
  const dndUntil = useNotifyStore((s) => s.status.dnd);
  const host = useCoreStore((s) => s.host);
  const connected = useCoreStore((s) => s.connected);
  const declareAlerts = useIncidentDraftStore((s) => s.declareAlerts);
  const pendingEvidence = useIncidentDraftStore((s) => s.pendingEvidence);
  const [declaring, setDeclaring] = useState<string[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const [attachTo, setAttachTo] = useState('');
  const [attachError, setAttachError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const now = useNow(1000);

  useEffect(() => {
    if (connected) void loadStatic().catch(() => undefined);
  }, [connected]);

  // "Declare incident" from the Alerts pane.
  useEffect(() => {
    if (declareAlerts) {
      setDeclaring(declareAlerts);
      clearDeclareDraft();
    }
  }, [declareAlerts]);

  const overdue = reminders.filter((r) => r.overdue);
  const open = list.filter((i) => i.status !== 'resolved');
  const resolved = list.filter((i) => i.status === 'resolved');

  const onFiles = (files: FileList | null) => {
    const f = files?.[0];
    if (f) void openExport(f, host);
  };

  return (
    <section
      aria-label="Incidents"
      className={`pane incidents-pane${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if ([...e.dataTransfer.types].includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        onFiles(e.dataTransfer.files);
      }}
    >
      <div className="inc-pane-head">
        <h1 className="pane-title">Incidents</h1>
        <span className="muted">
          {open.length} open · {resolved.length} resolved
        </span>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setDeclaring([])}>
          Declare incident
        </button>
        <button type="button" onClick={() => fileRef.current?.click()}>
          Open exported incident
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".opsincident,.json,application/json"
          aria-label="Exported incident file"
          hidden
          onChange={(e) => {
            onFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {overdue.length > 0 && (
        <div className="banner banner-error" role="alert">
          {overdue.map((r) => `${r.incidentTitle}: ${r.message}`).join(' · ')}
          {dndUntil !== null && (
            <div className="inc-dnd-note">
              Do-not-disturb is on until {new Date(dndUntil).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}: reminders are not sent as notifications; you get one summary when it ends.
            </div>
          )}
        </div>
      )}
      {storage.length > 0 && (
        <div className="banner banner-warn" role="status">
          Some saved incident files could not be read and were kept aside:{' '}
          {storage.map((p) => `${p.file}: ${p.error}${p.movedTo ? ` (moved to ${p.movedTo})` : ''}`).join('; ')}
        </div>
      )}
      {reviewError && (
        <div className="banner banner-error" role="alert">
          <span className="grow">
            Could not open {reviewError.fileName}: {reviewError.error.startsWith(`${reviewError.fileName}: `) ? reviewError.error.slice(reviewError.fileName.length + 2) : reviewError.error}. Nothing was changed.
          </span>
          <button type="button" onClick={() => useIncidentsStore.setState({ reviewError: null })}>
            Dismiss
          </button>
        </div>
      )}
      {pendingEvidence && (
        <div className="banner banner-warn inc-attach-banner" role="group" aria-label="Attach to incident">
          <span>
            Attach “{pendingEvidence.kind === 'alert' ? (pendingEvidence.title ?? pendingEvidence.fingerprint) : pendingEvidence.title}” to
          </span>
          <select aria-label="Incident to attach to" value={attachTo} onChange={(e) => setAttachTo(e.target.value)}>
            <option value="">choose an incident…</option>
            {open.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="primary"
            disabled={!attachTo}
            onClick={() => {
              void getBridge()
                .invoke('incidents.attachEvidence', { incidentId: attachTo, evidence: pendingEvidence })
                .then(() => {
                  clearPendingEvidence();
                  setAttachError(null);
                  useIncidentsStore.getState().select(attachTo);
                })
                .catch((err: unknown) => setAttachError(errorText(err)));
            }}
          >
            Attach
          </button>
          <button type="button" onClick={() => clearPendingEvidence()}>
            Cancel
          </button>
          {attachError && <span className="error-text">{attachError}</span>}
        </div>
      )}
      {dragging && <div className="inc-drop">Drop an exported incident (.opsincident or .json) to review it</div>}
      <div className="inc-layout">
        <nav className="inc-list" aria-label="Incident list">
          {list.length === 0 && <p className="muted">No incidents. Declare one from nothing or from firing alerts, or open an exported file.</p>}
          {[...open, ...resolved].map((i) => (
            <button
              key={i.id}
              type="button"
              className={`inc-list-item${i.id === selectedId && mode === 'live' ? ' selected' : ''}`}
              aria-current={i.id === selectedId && mode === 'live' ? 'true' : undefined}
              onClick={() => useIncidentsStore.getState().select(i.id)}
            >
              <span className={`inc-sev sev-${sevClass(i.severity)}`}>{SEVERITY_LABEL[i.severity]}</span>
              <span className="inc-list-title">{i.title}</span>
              <span className="muted small">
                {STATUS_LABEL[i.status]} · {fmtDuration((i.resolvedAt ?? now) - i.declaredAt)}
                {i.firingAlertCount > 0 ? ` · ${i.firingAlertCount} firing` : ''}
                {i.nextUpdateDueAt !== null && i.nextUpdateDueAt < now ? ' · update overdue' : ''}
              </span>
            </button>
          ))}
          {review?.review && (
            <button type="button" className={`inc-list-item review${mode === 'review' ? ' selected' : ''}`} onClick={() => useIncidentsStore.setState({ mode: 'review' })}>
              <span className="inc-sev sev-low">Review</span>
              <span className="inc-list-title">{review.review.incident.title}</span>
              <span className="muted small">{review.fileName}</span>
            </button>
          )}
        </nav>
        <div className="inc-main">
          {mode === 'review' && review?.review ? (
            <ReviewView review={review.review} onClose={() => useIncidentsStore.setState({ mode: 'live', review: null })} />
          ) : detail ? (
            <IncidentView detail={detail} />
          ) : (
            <div className="inc-empty muted">{list.length ? 'Choose an incident.' : 'Nothing declared yet.'}</div>
          )}
        </div>
      </div>
      {declaring && <DeclareDialog initialAlerts={declaring} onClose={() => setDeclaring(null)} />}
    </section>
  );
}
