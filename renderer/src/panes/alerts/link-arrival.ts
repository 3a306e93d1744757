import { LINK_LIMITS, boundedText, type SilenceLink, type SilenceMatcher } from '../../../../preload/contract';

/** A silence link that could not be opened: the reason (it names the parameter or matcher at fault) and, from the host, the link's bounded text. */
export interface LinkRefusal {
  error: string;
  text?: string;
}

/**
 * The Alerts pane's silence editor. `link`: what it opened with, from a silence link. `arrived`: a valid link
 * that came while the editor held edits, offered in the editor instead of replacing them. `linkError`: a link
 * that came while the editor was open and could not be opened, shown in the editor (the pane behind the modal
 * is out of sight).
 */
export interface EditorState {
  matchers: SilenceMatcher[];
  title: string;
  key: number;
  link?: SilenceLink;
  arrived?: SilenceLink;
  linkError?: LinkRefusal;
}

/** The editor a silence link opens, filled in with it. */
export function linkEditor(link: SilenceLink, key: number): EditorState {
  return { matchers: link.matchers, title: 'from a link', key, link };
}

/**
 * What a silence link that arrives does to the editor (`open`, holding edits or not):
 * - a valid link opens a fresh editor with it, unless the open one holds edits: those stay and the link is
 *   offered in it;
 * - a refused link, with an editor open, is shown in that editor (its reason and text cut to LINK_LIMITS) and
 *   touches nothing else in it;
 * - a refused link with no editor open: `null`, the pane shows the error (as it always has).
 * The newest link is the one the editor shows: an offer replaces an earlier refusal and a refusal an earlier
 * offer.
 */
export function editorAfterLink(open: EditorState | null, edited: boolean, arrival: { link: SilenceLink } | LinkRefusal, key: number): EditorState | null {
  if ('link' in arrival) {
    if (open && edited) return { ...open, arrived: arrival.link, linkError: undefined };
    return linkEditor(arrival.link, key);
  }
  if (!open) return null;
  // Cut to the contract's limits here, where the refusal enters the editor: the editor shows it as kept.
  const linkError: LinkRefusal = { error: boundedText(arrival.error, LINK_LIMITS.errorChars), ...(arrival.text ? { text: boundedText(arrival.text, LINK_LIMITS.shownChars) } : {}) };
  return { ...open, arrived: undefined, linkError };
}
