import { LINK_LIMITS, boundedText } from '../../../../preload/contract';
import type { LinkRefusal } from './link-arrival';

/** A silence link that arrived while the editor was open and could not be opened: why, inside the dialog (the pane behind it is out of sight). Text only. */
export function LinkErrorNotice({ refusal, onDismiss }: { refusal: LinkRefusal; onDismiss(): void }) {
  return (
    <div role="alert" className="link-error in-editor">
      <div className="grow">
        <strong>This silence link cannot be opened; what you typed here stays and nothing was created.</strong>
        <span className="link-error-text">{boundedText(refusal.error, LINK_LIMITS.errorChars)}</span>
        {refusal.text && (
          <span className="link-error-link">
            Link: <span className="mono">{boundedText(refusal.text, LINK_LIMITS.shownChars)}</span>
          </span>
        )}
      </div>
      <button type="button" aria-label="Dismiss link error" onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}
