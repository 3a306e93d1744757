import { useState } from 'react';

/** Longest outside string shown at once; a 1 MB annotation must not freeze the window. */
export const DISPLAY_LIMIT = 4000;

export function clipForDisplay(text: string, limit = DISPLAY_LIMIT): { shown: string; hidden: number } {
  return text.length <= limit ? { shown: text, hidden: 0 } : { shown: text.slice(0, limit), hidden: text.length - limit };
}

/** Outside text as text, cut for display, with the rest a click (or a copy) away. */
export function ClippedText({ text, limit = DISPLAY_LIMIT }: { text: string; limit?: number }) {
  const [expanded, setExpanded] = useState(1);
  const { shown, hidden } = clipForDisplay(text, limit * expanded);
  if (hidden === 0) return <>{text}</>;
  return (
    <>
      {shown}
      <span className="clip-note">
        … {hidden.toLocaleString('en-US')} more characters{' '}
        {expanded < 16 && (
          <button type="button" className="link-button" onClick={() => setExpanded((e) => e * 4)}>
            Show more
          </button>
        )}{' '}
        <button type="button" className="link-button" onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}>
          Copy all
        </button>
      </span>
    </>
  );
}
