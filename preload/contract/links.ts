/**
 * Links that open the console somewhere, in two spellings of one format:
 *   ops-console://silence/new?matchers=…&duration=…&comment=…   (the app's protocol: to paste into chat)
 *   …#/alerts/silence/new?matchers=…&duration=…&comment=…       (the renderer's route: browser mode)
 * `matchers` is Alertmanager's own text form (`{alertname="DiskFull",instance=~"db-.*"}`), read by the inbox
 * filter's parser; `duration` is the silence-duration syntax of the extend box ("90m", "2h30m", "1d").
 * Parameters are percent-encoded (a literal `+` stays a `+`: hand-written regexes like `db-[0-9]+` keep it).
 * The Electron host, the renderer and the tests all read and write links through this file only.
 */
import { z } from 'zod';
import type { SilenceMatcher } from './alerts';
import { formatMatcher, parseFilter } from '../../main/alerts/alert-filter';
import { formatSilenceDuration, parseSilenceDuration } from '../../main/alerts/silence-logic';

export { formatSilenceDuration };

export const LINK_PROTOCOL = 'ops-console';
export const SILENCE_LINK_PREFIX = `${LINK_PROTOCOL}://silence/new`;
export const SILENCE_ROUTE = '#/alerts/silence/new';

export const LINK_LIMITS = {
  /** Whole link, either spelling (characters, as written). */
  linkChars: 8 * 1024,
  matchers: 64,
  commentChars: 1000,
  /** A refused link's text as the host passes it on (and logs it), and a refusal's reason. */
  shownChars: 200,
  errorChars: 600,
} as const;

/** What a silence link carries: what the silence editor opens with (nothing is created by a link). */
export interface SilenceLink {
  matchers: SilenceMatcher[];
  durationMs?: number;
  comment?: string;
}

/**
 * The Electron host's `ui.openSilence` event: a link it read from the OS (open-url, a command line), either
 * parsed (the renderer opens the editor) or refused (the renderer shows `error`, and `text`, the link as it
 * came, cut to LINK_LIMITS.shownChars). Built with openSilenceEvent / refusedSilenceEvent, checked with
 * openSilenceEventSchema on both sides.
 */
export type OpenSilenceEvent = { ok: true; link: SilenceLink } | { ok: false; error: string; text: string };

export type LinkResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type LinkSpelling = 'app' | 'route';

const PARAMS = ['matchers', 'duration', 'comment'] as const;
/** A label name as Alertmanager (before 0.27's UTF-8 names) and the inbox filter take it. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `{a="b",c=~"d.*"}`: Alertmanager's matcher text, quoted and escaped so that parseFilter reads it back. */
export function formatMatchers(matchers: SilenceMatcher[]): string {
  return `{${matchers.map(formatMatcher).join(',')}}`;
}

/**
 * The link for a silence, in one spelling: 'app' is `ops-console://silence/new?…`, 'route' is the hash
 * `#/alerts/silence/new?…` (append it to the console's address). Refused, with the reason, when the link
 * would not parse back (no matcher, too many, a comment or a whole link over its bound).
 */
export function formatSilenceLink(link: SilenceLink, spelling: LinkSpelling = 'app'): LinkResult<string> {
  const problem = valueProblem(link);
  if (problem) return { ok: false, error: problem };
  const parts: string[] = [];
  const add = (key: string, value: string, what: string): string | null => {
    try {
      parts.push(`${key}=${encodeURIComponent(value)}`);
      return null;
    } catch {
      return `${what} a broken Unicode character (a lone surrogate)`;
    }
  };
  const broken =
    add('matchers', formatMatchers(link.matchers), 'the matchers hold') ??
    (link.durationMs !== undefined ? add('duration', formatSilenceDuration(link.durationMs), 'the duration holds') : null) ??
    (link.comment ? add('comment', link.comment, 'the comment holds') : null);
  if (broken) return { ok: false, error: broken };
  const text = `${spelling === 'app' ? SILENCE_LINK_PREFIX : SILENCE_ROUTE}?${parts.join('&')}`;
  if (text.length > LINK_LIMITS.linkChars) {
    return { ok: false, error: `the link would be ${text.length} characters long, more than a link may be (${LINK_LIMITS.linkChars}); use fewer or shorter matchers or a shorter comment` };
  }
  return { ok: true, value: text };
}

function valueProblem(link: SilenceLink): string | null {
  if (link.matchers.length === 0) return 'a silence link needs at least one matcher';
  if (link.matchers.length > LINK_LIMITS.matchers) return `a silence link takes at most ${LINK_LIMITS.matchers} matchers (${link.matchers.length} given)`;
  const unnamed = link.matchers.findIndex((m) => !LABEL_NAME.test(m.name));
  if (unnamed >= 0) return `matcher ${unnamed + 1}: "${link.matchers[unnamed]!.name}" is not a label name (letters, digits and _, not starting with a digit)`;
  if (link.comment !== undefined && link.comment.length > LINK_LIMITS.commentChars) {
    return `the comment is ${link.comment.length} characters long; a link takes at most ${LINK_LIMITS.commentChars}`;
  }
  if (link.durationMs !== undefined) {
    if (!Number.isFinite(link.durationMs)) return 'duration: not a number of milliseconds';
    const back = parseSilenceDuration(formatSilenceDuration(link.durationMs));
    if (!back.ok) return `duration: ${back.error}`;
  }
  return null;
}

/** Whether a text is meant as a silence link (either spelling); parseSilenceLink says whether it is a valid one. */
export function looksLikeSilenceLink(text: string): boolean {
  const t = text.trim();
  return t.toLowerCase().startsWith(`${LINK_PROTOCOL}:`) || t.includes(SILENCE_ROUTE);
}

/**
 * Reads a silence link in either spelling (a whole console URL ending in the route is fine too). Never
 * throws: every refusal names its problem (which parameter, which matcher, what was expected).
 */
export function parseSilenceLink(text: string): LinkResult<SilenceLink> {
  if (text.length > LINK_LIMITS.linkChars) return { ok: false, error: `the link is ${text.length} characters long; a silence link is at most ${LINK_LIMITS.linkChars}` };
  const t = text.trim();
  const query = queryOf(t);
  if (query === null) return { ok: false, error: `not a silence link: expected ${SILENCE_LINK_PREFIX}?matchers=… or a console address ending in ${SILENCE_ROUTE}?matchers=…` };

  const raw = new Map<string, string>();
  for (const pair of query === '' ? [] : query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (!(PARAMS as readonly string[]).includes(key)) {
      return { ok: false, error: `unknown parameter "${key.slice(0, 40)}"; a silence link takes ${PARAMS.join(', ')}` };
    }
    if (raw.has(key)) return { ok: false, error: `parameter ${key} is given twice` };
    let value: string;
    try {
      value = decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1));
    } catch {
      return { ok: false, error: `parameter ${key} is not valid percent-encoding (a % must be followed by two hex digits of UTF-8)` };
    }
    raw.set(key, value);
  }

  const matchersText = raw.get('matchers');
  if (matchersText === undefined || matchersText.trim() === '') {
    return { ok: false, error: 'parameter matchers is missing: expected matchers={alertname="…"} with at least one matcher' };
  }
  const parsed = parseFilter(matchersText);
  if (!parsed.ok) return { ok: false, error: `parameter matchers: ${parsed.error}` };
  const [stray] = parsed.filter.text;
  if (stray !== undefined) {
    return { ok: false, error: `parameter matchers: "${stray.slice(0, 60)}" is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"` };
  }
  const matchers = parsed.filter.matchers;
  const link: SilenceLink = { matchers };

  const durationText = raw.get('duration');
  if (durationText !== undefined) {
    const d = parseSilenceDuration(durationText);
    if (!d.ok) return { ok: false, error: `parameter duration: ${d.error}` };
    link.durationMs = d.value;
  }
  const comment = raw.get('comment');
  if (comment) link.comment = comment;

  const problem = valueProblem(link);
  return problem ? { ok: false, error: problem } : { ok: true, value: link };
}

/** The query of a link in either spelling, or null when the text is neither. */
function queryOf(t: string): string | null {
  const lower = t.toLowerCase();
  let rest: string | null = null;
  if (lower.startsWith(SILENCE_LINK_PREFIX)) rest = t.slice(SILENCE_LINK_PREFIX.length);
  else {
    const at = t.indexOf(SILENCE_ROUTE);
    // The route is a fragment: only at the start or after the console's address (never inside a parameter).
    if (at >= 0 && (at === 0 || !t.slice(0, at).includes('#'))) rest = t.slice(at + SILENCE_ROUTE.length);
  }
  if (rest === null) return null;
  // Windows may hand the protocol link over with a slash before the query.
  if (rest.startsWith('/')) rest = rest.slice(1);
  if (rest === '') return '';
  if (!rest.startsWith('?')) return null;
  return rest.slice(1);
}

/** A text cut to `max` characters (an ellipsis marks the cut), never splitting a surrogate pair. */
export function boundedText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const linkMatcherSchema = z
  .object({ name: z.string().regex(LABEL_NAME).max(200), value: z.string().max(LINK_LIMITS.linkChars), isRegex: z.boolean(), isEqual: z.boolean() })
  .strict();
const silenceLinkSchema = z
  .object({
    matchers: z.array(linkMatcherSchema).min(1).max(LINK_LIMITS.matchers),
    durationMs: z.number().int().positive().finite().optional(),
    comment: z.string().min(1).max(LINK_LIMITS.commentChars).optional(),
  })
  .strict();

/** The `ui.openSilence` payload, as the host sends it and the renderer accepts it. */
export const openSilenceEventSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), link: silenceLinkSchema }).strict(),
  z.object({ ok: z.literal(false), error: z.string().min(1).max(LINK_LIMITS.errorChars), text: z.string().max(LINK_LIMITS.shownChars) }).strict(),
]);

/** The event for a link the host read: parsed, or refused with its reason and (bounded) text. */
export function openSilenceEvent(text: string): OpenSilenceEvent {
  const r = parseSilenceLink(text);
  return r.ok ? { ok: true, link: r.value } : refusedSilenceEvent(text, r.error);
}

export function refusedSilenceEvent(text: string, error: string): OpenSilenceEvent {
  return { ok: false, error: boundedText(error, LINK_LIMITS.errorChars), text: boundedText(text.trim(), LINK_LIMITS.shownChars) };
}

/**
 * Reads a `ui.openSilence` payload (the renderer's side of the boundary): a valid event, or a refusal that
 * says the host sent something else (never the payload's own text: it was not checked).
 */
export function readOpenSilenceEvent(payload: unknown): OpenSilenceEvent {
  const r = openSilenceEventSchema.safeParse(payload);
  if (!r.success) return { ok: false, error: 'the app passed on a silence link in a form this window does not read', text: '' };
  if (!r.data.ok) return r.data;
  // Only what parseSilenceLink would have given (a regex that compiles, a duration the editor takes): written
  // out and read back, as a link pasted here would be.
  const text = formatSilenceLink(r.data.link);
  const back = text.ok ? parseSilenceLink(text.value) : text;
  return back.ok ? { ok: true, link: back.value } : { ok: false, error: back.error, text: '' };
}
