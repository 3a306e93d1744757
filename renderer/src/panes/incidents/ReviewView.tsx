import type { ImportedIncidentReview } from '../../../../preload/contract';
import { EvidenceList } from './EvidenceList';
import { IncidentFacts, IncidentTitleRow } from './IncidentFacts';
import { Messages } from './IncidentView';
import { Timeline } from './Timeline';
import { fmtDuration, fmtLocal, fmtUtc } from './format';

/** An exported incident, read-only: no request changes anything, nothing needs a backend. */
export function ReviewView({ review, onClose }: { review: ImportedIncidentReview; onClose: () => void }) {
  const inc = review.incident;
  return (
    <article className="inc-view inc-review" aria-label={`Review of ${inc.title}`}>
      <div className="banner banner-warn inc-review-banner" role="status">
        <span className="grow">
          Read-only review of <strong>{review.fileName}</strong> (exported {review.exportedAt}, format version {review.version}). Nothing here changes the live incidents.
        </span>
        <button type="button" onClick={onClose}>
          Close review
        </button>
      </div>
      <header className="inc-head">
        <IncidentTitleRow incident={inc} />
        <div className="muted small mono">
          {inc.id} · {inc.environment} · commander {inc.commander} · declared {fmtUtc(inc.declaredAt)} ({fmtLocal(inc.declaredAt)} local)
          {inc.resolvedAt ? ` · resolved after ${fmtDuration(inc.resolvedAt - inc.declaredAt)}` : ''} · escalation level {inc.escalationLevel}
        </div>
        <IncidentFacts incident={inc} live={false} />
      </header>
      <div className="inc-columns">
        <div className="inc-col-main">
          <Timeline entries={review.timeline} />
        </div>
        <div className="inc-col-side">
          <Messages messages={review.messages} />
          <EvidenceList evidence={review.evidence} />
        </div>
      </div>
    </article>
  );
}
