import { useMemo, useState } from 'react';
import type { IncidentSeverity, IncidentStatus } from '../../../../preload/contract';
import { SEVERITIES, SEVERITY_MEANING, STATUSES } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useAlertsStore } from '../../store/alerts-store';
import { useIncidentsStore } from '../../store/incidents-store';
import { SEVERITY_LABEL, STATUS_LABEL, errorText } from './format';

const split = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Declare an incident from nothing or from firing alerts (ticked here, or handed over by the Alerts pane). */
export function DeclareDialog({ initialAlerts, onClose }: { initialAlerts: string[]; onClose: () => void }) {
  const byFp = useAlertsStore((s) => s.byFingerprint);
  const user = useAlertsStore((s) => s.silences.user);
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<IncidentSeverity | ''>('');
  const [status, setStatus] = useState<IncidentStatus>('investigating');
  const [commander, setCommander] = useState(user);
  const [impact, setImpact] = useState('');
  const [services, setServices] = useState('');
  const [instances, setInstances] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set(initialAlerts));
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const alerts = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return [...byFp.values()]
      .filter((a) => picked.has(a.fingerprint) || !f || Object.values(a.labels).some((v) => v.toLowerCase().includes(f)) || (a.annotations.summary ?? '').toLowerCase().includes(f))
      .sort((a, b) => Number(picked.has(b.fingerprint)) - Number(picked.has(a.fingerprint)) || (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? ''))
      .slice(0, 200);
  }, [byFp, filter, picked]);
  const missing = [...picked].filter((fp) => !byFp.has(fp));

  const submit = async () => {
    setBusy(true);
    try {
      const fromAlerts = [...picked].filter((fp) => byFp.has(fp));
      const d = await getBridge().invoke('incidents.declare', {
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(severity ? { severity } : {}),
        ...(commander.trim() ? { commander: commander.trim() } : {}),
        ...(impact.trim() ? { impact: impact.trim() } : {}),
        ...(split(services).length ? { services: split(services) } : {}),
        ...(split(instances).length ? { instances: split(instances) } : {}),
        ...(fromAlerts.length ? { fromAlerts } : {}),
      });
      if (status !== 'investigating') await getBridge().invoke('incidents.update', { id: d.incident.id, changes: { status } });
      useIncidentsStore.getState().select(d.incident.id);
      onClose();
    } catch (err) {
      // Everything typed stays in the form.
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="inc-backdrop">
      <form
        className="inc-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Declare incident"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2>Declare incident</h2>
        <div className="inc-form-grid">
          <label className="span2">
            Title
            <input autoFocus value={title} maxLength={300} placeholder={picked.size ? "Empty: the first alert's summary" : 'Brief description'} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => setSeverity(e.target.value as IncidentSeverity | '')}>
              <option value="">{picked.size ? "From the alerts' worst severity" : 'High (default)'}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABEL[s]} — {SEVERITY_MEANING[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
              {STATUSES.filter((s) => s !== 'resolved').map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Commander
            <input value={commander} maxLength={200} onChange={(e) => setCommander(e.target.value)} />
          </label>
          <label>
            Affected services (comma-separated)
            <input value={services} onChange={(e) => setServices(e.target.value)} placeholder="checkout, payments" />
          </label>
          <label className="span2">
            User impact
            <textarea rows={2} value={impact} maxLength={10_000} onChange={(e) => setImpact(e.target.value)} placeholder="Who is affected and how" />
          </label>
          <label className="span2">
            Affected instances (comma-separated; the alerts' instances are added)
            <input className="mono" value={instances} onChange={(e) => setInstances(e.target.value)} placeholder="web-1:9100, db-1" />
          </label>
        </div>
        <fieldset className="inc-pick">
          <legend>
            Alerts ({picked.size} selected)
            {missing.length > 0 && <span className="error-text"> · {missing.length} no longer firing, left out</span>}
          </legend>
          <input type="search" aria-label="Filter alerts to link" placeholder="Filter firing alerts…" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <ul className="plain inc-pick-list">
            {alerts.map((a) => (
              <li key={a.fingerprint}>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={picked.has(a.fingerprint)}
                    onChange={(e) => {
                      const n = new Set(picked);
                      if (e.target.checked) n.add(a.fingerprint);
                      else n.delete(a.fingerprint);
                      setPicked(n);
                    }}
                  />
                  <span className={`sev sev-${a.labels.severity ?? 'none'}`}>{a.labels.severity ?? 'none'}</span>
                  <strong>{a.labels.alertname ?? a.fingerprint}</strong>
                  <span className="mono muted">{a.labels.instance ?? ''}</span>
                  <span className="muted">{a.annotations.summary ?? ''}</span>
                </label>
              </li>
            ))}
            {alerts.length === 0 && <li className="muted">No firing alerts{filter ? ' match' : ''}.</li>}
          </ul>
        </fieldset>
        {error && (
          <div role="alert" className="error-text">
            {error}
          </div>
        )}
        <div className="inc-actions">
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Declare
          </button>
        </div>
      </form>
    </div>
  );
}
