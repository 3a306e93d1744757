/**
 * Links that open the console somewhere, in two spellings of one format:
 *   ops-console://silence/new?matchers=…&duration=…&comment=…   (the app's protocol: to paste into chat)
 *   …#/alerts/silence/new?matchers=…&duration=…&comment=…       (the renderer's route: browser mode)
 * `matchers` is Alertmanager's own text form (`{alertname="DiskFull",instance=~"db-.*"}`), read by the inbox
 * filter's parser; `duration` is the silence-duration syntax of the extend box ("90m", "2h30m", "1d").
 * Parameters are percent-encoded (a literal `+` stays a `+`: hand-written regexes like `db-[0-9]+` keep it).
 * The Electron host, the renderer and the tests all read and write links through this file only.
 */
import type { SilenceMatcher } from './alerts';
import { formatMatcher, parseFilter } from '../../main/alerts/alert-filter';
import { parseSilenceDuration } from '../../main/alerts/silence-logic';

export const LINK_PROTOCOL = 'ops-console';
export const SILENCE_LINK_PREFIX = `${LINK_PROTOCOL}://silence/new`;
export const SILENCE_ROUTE = '#/alerts/silence/new';

export const LINK_LIMITS = {
  /** Whole link, either spelling (characters, as written). */
  linkChars: 8 * 1024,
  matchers: 64,
  commentChars: 1000,
} as const;

/** What a silence link carries: what the silence editor opens with (nothing is created by a link). */
export interface SilenceLink {
  matchers: SilenceMatcher[];
  durationMs?: number;
  comment?: string;
}

export type LinkResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type LinkSpelling = 'app' | 'route';

const PARAMS = ['matchers', 'duration', 'comment'] as const;
const UNITS: [string, number][] = [
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A duration in the syntax parseSilenceDuration reads ("2h30m"); whole seconds (less is dropped). */
export function formatSilenceDuration(ms: number): string {
  let rest = Math.floor(ms / 1000) * 1000;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}

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
  const unnamed = link.matchers.findIndex((m) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(m.name));
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
