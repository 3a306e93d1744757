import type { Incident } from '../../../../preload/contract';
import { SEVERITY_LABEL, STATUS_LABEL, sevClass } from './format';

/** Severity, title and status of an incident, live or reviewed. */
export function IncidentTitleRow({ incident: inc }: { incident: Incident }) {
  return (
    <div className="inc-title-row">
      <span className={`inc-sev sev-${sevClass(inc.severity)}`}>{SEVERITY_LABEL[inc.severity]}</span>
      <h2 className="inc-title">{inc.title}</h2>
      <span className={`inc-status st-${inc.status}`}>{STATUS_LABEL[inc.status]}</span>
    </div>
  );
}

/** Impact, services, instances and alerts of an incident; live ones show which alerts still fire. */
export function IncidentFacts({ incident: inc, live }: { incident: Incident; live: boolean }) {
  return (
    <dl className="inc-facts">
      <div>
        <dt>Impact</dt>
        <dd>{inc.impact || (live ? <span className="muted">not described yet</span> : '—')}</dd>
      </div>
      <div>
        <dt>Services</dt>
        <dd>{inc.services.join(', ') || '—'}</dd>
      </div>
      <div>
        <dt>Instances</dt>
        <dd className="mono">{inc.instances.join(', ') || '—'}</dd>
      </div>
      <div>
        <dt>Alerts</dt>
        <dd>
          {inc.linkedAlerts.length === 0
            ? '—'
            : live
              ? inc.linkedAlerts.map((a) => (
                  <span key={a.fingerprint} className={`inc-alert-chip${a.firing ? ' firing' : ''}`}>
                    {a.firing ? '●' : '✓'} {a.snapshot.labels.alertname ?? a.fingerprint} {a.snapshot.labels.instance ?? ''}
                  </span>
                ))
              : inc.linkedAlerts.map((a) => `${a.snapshot.labels.alertname ?? a.fingerprint} ${a.snapshot.labels.instance ?? ''}`.trim()).join(', ')}
        </dd>
      </div>
    </dl>
  );
}
