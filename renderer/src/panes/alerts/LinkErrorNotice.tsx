import type { LinkRefusal } from './link-arrival';

/**
 * A silence link that could not be opened: why, what happened instead (`outcome`), the link as it came when the
 * host passed it on, and a ✕. In the Alerts pane, or inside the silence editor (`inEditor`) for a link that
 * arrived while it was open (the pane behind the dialog is out of sight). Text only.
 */
export function LinkErrorNotice({ refusal, outcome, inEditor = false, onDismiss }: { refusal: LinkRefusal; outcome: string; inEditor?: boolean; onDismiss(): void }) {
  return (
    <div role="alert" className={inEditor ? 'link-error in-editor' : 'link-error'}>
      <div className="grow">
        <strong>This silence link cannot be opened; {outcome}.</strong>
        <span className="link-error-text">{refusal.error}</span>
        {refusal.text && (
          <span className="link-error-link">
            Link: <span className="mono">{refusal.text}</span>
          </span>
        )}
      </div>
      <button type="button" aria-label="Dismiss link error" onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}
