import { useState } from 'react';
import { formatSilenceLink, type SilenceLink } from '../../../../preload/contract';
import { useCoreStore } from '../../store/core-store';
import './silence-link.css';

type Shown = { version: string } & ({ app: string; browser: string | null; copied: boolean } | { error: string });

/**
 * "Copy link" in the silence editor: the ops-console:// link for what is typed now (the one to paste into
 * chat, a runbook or a ticket), and in browser mode the console's own address with the route as well.
 * The link shown is for what was typed when the button was pressed; typing on hides it.
 */
export function CopySilenceLink({ current, version }: { current(): SilenceLink; version: string }) {
  const host = useCoreStore((s) => s.host);
  const [shown, setShown] = useState<Shown | null>(null);

  const copy = async () => {
    const link = current();
    const app = formatSilenceLink(link, 'app');
    if (!app.ok) {
      setShown({ version, error: app.error });
      return;
    }
    const route = host === 'browser' ? formatSilenceLink(link, 'route') : null;
    const browser = route?.ok ? `${location.origin}${location.pathname}${route.value}` : null;
    let copied = false;
    try {
      await navigator.clipboard.writeText(app.value);
      copied = true;
    } catch {
      // No clipboard (permission, an unfocused window): the link is shown to copy by hand.
    }
    setShown({ version, app: app.value, browser, copied });
  };

  const visible = shown?.version === version ? shown : null;
  return (
    <div className="silence-link">
      <div className="silence-link-row">
        <button type="button" onClick={() => void copy()} title="A link that opens this editor filled in as it is now (nothing is created until someone presses Create)">
          Copy link
        </button>
        {visible && 'app' in visible && (
          <span role="status" className="muted">
            {visible.copied ? 'Link copied to the clipboard. Opening it fills in this editor; it creates nothing.' : 'The clipboard is not available here: copy the link below.'}
          </span>
        )}
      </div>
      {visible && 'error' in visible && (
        <div role="alert" className="error-text">
          No link: {visible.error}.
        </div>
      )}
      {visible && 'app' in visible && (
        <>
          <label className="silence-link-field">
            <span>App link</span>
            <input aria-label="Silence link" className="mono" readOnly value={visible.app} onFocus={(e) => e.target.select()} />
          </label>
          {visible.browser && (
            <label className="silence-link-field">
              <span>Browser link</span>
              <input aria-label="Browser link" className="mono" readOnly value={visible.browser} onFocus={(e) => e.target.select()} />
            </label>
          )}
        </>
      )}
    </div>
  );
}
