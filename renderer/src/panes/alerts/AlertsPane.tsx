import { useMemo } from 'react';
import { useAlertsStore } from '../../store/alerts-store';
import { formatAge } from '../../components/format';
import { useNow } from '../../components/use-now';

export function AlertsPane() {
  const byFp = useAlertsStore((s) => s.byFingerprint);
  const now = useNow(5000);
  const alerts = useMemo(() => [...byFp.values()].sort((a, b) => a.startsAt.localeCompare(b.startsAt)), [byFp]);
  return (
    <section aria-label="Alerts" className="pane">
      <h1 className="pane-title">Alerts</h1>
      <table className="alert-table">
        <thead>
          <tr>
            <th>Alert</th>
            <th>Instance</th>
            <th>Severity</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.fingerprint} aria-label={`${a.labels.alertname ?? ''} ${a.labels.instance ?? ''}`}>
              <td>{a.labels.alertname}</td>
              <td>{a.labels.instance}</td>
              <td className={`sev sev-${a.labels.severity ?? 'none'}`}>{a.labels.severity}</td>
              <td>{formatAge(now - Date.parse(a.startsAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
