import { useState } from 'react';
import { ClippedText, clipForDisplay } from '../../components/ClippedText';
import type { AlertView, SilenceView } from '../../../../preload/contract';
import { alertAsText, uiState } from '../../../../main/alerts/alert-order';
import { formatAge, formatUtc } from '../../components/format';
import { copyText, expireSilences, openLink } from './actions';
import { safeHttpUrl } from './inbox-model';
import { formatMatcher } from '../../../../main/alerts/alert-filter';
import { useUiStore } from '../../store/ui-store';
import { alertLogsPivot } from '../logs/pivot';
import { declareFromAlerts } from '../../store/incident-draft-store';

interface Props {
  alert: AlertView;
  silencesById: Map<string, SilenceView>;
  alertsByFp: ReadonlyMap<string, AlertView>;
  now: number;
  onClose(): void;
  onAcknowledge(): void;
  onUnacknowledge(): void;
  onSilence(): void;
  onFilterBy(name: string, value: string): void;
}

function Time({ label, iso, now }: { label: string; iso: string; now: number }) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return null;
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd>
        {new Date(t).toLocaleString()} <span className="muted">({formatAge(now - t)} ago · {formatUtc(t)})</span>
      </dd>
    </div>
  );
}

function silenceNote(a: AlertView, silencesById: Map<string, SilenceView>): string | undefined {
  const notes = a.silencedBy.map((id) => silencesById.get(id)).filter((s): s is SilenceView => !!s).map((s) => `Silenced by ${s.createdBy}: ${s.comment} (until ${s.endsAt})`);
  return notes.length ? notes.join('\n') : undefined;
}

export function AlertDetail({ alert: a, silencesById, alertsByFp, now, onClose, onAcknowledge, onUnacknowledge, onSilence, onFilterBy }: Props) {
  const [copied, setCopied] = useState<string | null>(null);
  const name = clipForDisplay(a.labels.alertname ?? '(no alertname)', 300).shown;
  const st = uiState(a);
  const runbook = safeHttpUrl(a.annotations.runbook_url);
  const generator = safeHttpUrl(a.generatorURL);
  const otherAnnotations = Object.keys(a.annotations).filter((k) => k !== 'summary' && k !== 'description' && k !== 'runbook_url').sort();
  const text = alertAsText(a, now, silenceNote(a, silencesById));
  return (
    <aside className="alert-detail" role="region" aria-label="Alert detail">
      <div className="detail-head">
        <span className={`sev sev-${a.labels.severity ?? 'none'}`}>{clipForDisplay(a.labels.severity ?? 'none', 40).shown}</span>
        <h2>{name}</h2>
        <span className="spacer" />
        <button type="button" aria-label="Close detail" onClick={onClose}>
          ✕
        </button>
      </div>
      <div className="detail-sub mono">{clipForDisplay(a.labels.instance ?? '', 300).shown}</div>
      <div className={`detail-state state-badge st-${st}`}>
        {st === 'acknowledged' && a.ack
          ? `Acknowledged by ${a.ack.by} ${formatAge(now - a.ack.at)} ago · ack ends in ${formatAge(a.ack.endsAt - now)}`
          : st}
      </div>
      <div className="detail-actions">
        {a.ack ? (
          <button type="button" onClick={onUnacknowledge}>
            Unacknowledge
          </button>
        ) : (
          <button type="button" className="primary" onClick={onAcknowledge}>
            Acknowledge
          </button>
        )}
        <button type="button" onClick={onSilence}>
          Silence
        </button>
        <button type="button" title="Open the declare dialog with this alert ticked (tick more there)" onClick={() => declareFromAlerts([a.fingerprint])}>
          Declare incident from alert
        </button>
        <button
          type="button"
          onClick={() => {
            void copyText(text).then((ok) => setCopied(ok ? 'Copied' : text));
          }}
        >
          Copy as text
        </button>
        <button type="button" title="Logs of this alert's instance or service around its time" onClick={() => useUiStore.getState().pivotToLogs(alertLogsPivot(a, Date.now()))}>
          Search logs
        </button>
        {runbook && (
          <button type="button" className="link-button" onClick={() => void openLink(runbook)} title={runbook}>
            Runbook ↗
          </button>
        )}
        {generator && (
          <button type="button" className="link-button" onClick={() => void openLink(generator)} title={generator}>
            Source ↗
          </button>
        )}
      </div>
      {copied === 'Copied' && (
        <div role="status" className="muted">
          Copied to the clipboard.
        </div>
      )}
      {copied && copied !== 'Copied' && <textarea aria-label="Alert as text" className="copy-fallback" readOnly value={copied} rows={8} />}
      {a.annotations.summary && <p className="detail-summary"><ClippedText text={a.annotations.summary} /></p>}
      {a.annotations.description && <p className="detail-desc"><ClippedText text={a.annotations.description} /></p>}
      <dl className="detail-kv">
        <Time label="Started" iso={a.startsAt} now={now} />
        <Time label="Updated" iso={a.updatedAt} now={now} />
        <div className="kv">
          <dt>Receivers</dt>
          <dd>{a.receivers.join(', ') || '—'}</dd>
        </div>
        <div className="kv">
          <dt>Alertmanagers</dt>
          <dd>{a.alertmanagers.join(', ')}</dd>
        </div>
        {runbook && (
          <div className="kv">
            <dt>runbook_url</dt>
            <dd>
              <a href={runbook} onClick={(e) => { e.preventDefault(); void openLink(runbook); }}>
                {runbook}
              </a>
            </dd>
          </div>
        )}
        {!runbook && a.annotations.runbook_url && (
          <div className="kv">
            <dt>runbook_url</dt>
            <dd className="muted"><ClippedText text={a.annotations.runbook_url} limit={300} /> (not an http(s) link; not opened)</dd>
          </div>
        )}
        {generator && (
          <div className="kv">
            <dt>generatorURL</dt>
            <dd>
              <a href={generator} onClick={(e) => { e.preventDefault(); void openLink(generator); }}>
                {generator.length > 90 ? `${generator.slice(0, 90)}…` : generator}
              </a>
            </dd>
          </div>
        )}
      </dl>
      {a.silencedBy.length > 0 && (
        <section aria-label="Silenced by" className="detail-section">
          <h3>Silenced by</h3>
          {a.silencedBy.map((id) => {
            const s = silencesById.get(id);
            return (
              <div key={id} className="silence-card">
                {s ? (
                  <>
                    <div>
                      <strong>{s.createdBy}</strong>: {s.comment}
                    </div>
                    <div className="muted">
                      {s.isAck ? 'acknowledgement · ' : ''}ends {new Date(Date.parse(s.endsAt)).toLocaleString()} ({formatAge(Date.parse(s.endsAt) - now)} left) · {s.matchers.map(formatMatcher).join(' ')}
                    </div>
                  </>
                ) : (
                  <div className="muted">silence {id}</div>
                )}
                <button type="button" onClick={() => void expireSilences([id])}>
                  Expire
                </button>
              </div>
            );
          })}
        </section>
      )}
      {a.inhibitedBy.length > 0 && (
        <section aria-label="Inhibited by" className="detail-section">
          <h3>Inhibited by</h3>
          {a.inhibitedBy.map((fp) => {
            const src = alertsByFp.get(fp);
            return (
              <div key={fp} className="silence-card">
                {src ? `${src.labels.alertname ?? fp} ${src.labels.instance ?? ''} (${src.labels.severity ?? 'no severity'})` : `alert ${fp}`}
              </div>
            );
          })}
        </section>
      )}
      <section aria-label="Labels" className="detail-section">
        <h3>Labels</h3>
        <div className="label-chips">
          {Object.keys(a.labels)
            .sort()
            .map((k) => (
              <button type="button" key={k} className="chip" title="Filter by this label" onClick={() => onFilterBy(k, a.labels[k]!)}>
                <span className="muted">{clipForDisplay(k, 200).shown}=</span>
                {clipForDisplay(a.labels[k]!, 300).shown}
                {a.labels[k]!.length > 300 ? '…' : ''}
              </button>
            ))}
        </div>
      </section>
      {otherAnnotations.length > 0 && (
        <section aria-label="Annotations" className="detail-section">
          <h3>Annotations</h3>
          <dl className="detail-kv">
            {otherAnnotations.map((k) => (
              <div className="kv" key={k}>
                <dt>{clipForDisplay(k, 200).shown}</dt>
                <dd>
                  <ClippedText text={a.annotations[k]!} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </aside>
  );
}
