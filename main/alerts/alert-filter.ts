/**
 * The inbox filter: Alertmanager matcher syntax (`severity="critical"`, `instance=~"server-.*"`, `!=`, `!~`,
 * optionally inside `{…}` and separated by commas) mixed with free-text words. Pure: the renderer and the core
 * both use it. Matchers follow Alertmanager's semantics: a missing label is the empty string, regexes are
 * anchored at both ends.
 */
import type { AlertView, SilenceMatcher } from '../../preload/contract';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface ParsedFilter {
  matchers: SilenceMatcher[];
  /** Free-text words (lower-cased), each must appear in the alert's labels or annotations. */
  text: string[];
}

export type FilterParse = { ok: true; filter: ParsedFilter } | { ok: false; error: string; position: number };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const MAX_INPUT = 10_000;

export function opOf(m: Pick<SilenceMatcher, 'isEqual' | 'isRegex'>): MatchOp {
  if (m.isEqual) return m.isRegex ? '=~' : '=';
  return m.isRegex ? '!~' : '!=';
}

export function matcherFromOp(name: string, op: MatchOp, value: string): SilenceMatcher {
  return { name, value, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
}

/** `name="value"` with the value quoted and escaped so that parseFilter reads it back. */
export function formatMatcher(m: SilenceMatcher): string {
  return `${m.name}${opOf(m)}${quote(m.value)}`;
}

export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Parses the filter bar. Never throws: a problem comes back as a message naming it and its position. */
export function parseFilter(input: string): FilterParse {
  if (input.length > MAX_INPUT) return { ok: false, error: `filter is longer than ${MAX_INPUT} characters`, position: MAX_INPUT };
  const matchers: SilenceMatcher[] = [];
  const text: string[] = [];
  let i = 0;
  const n = input.length;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '{' || c === '}';

  const readQuoted = (): { value: string } | { error: string; position: number } => {
    const start = i;
    i += 1; // opening quote
    let out = '';
    while (i < n) {
      const c = input[i]!;
      if (c === '\\') {
        const next = input[i + 1];
        if (next === undefined) break;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
        continue;
      }
      if (c === '"') {
        i += 1;
        return { value: out };
      }
      out += c;
      i += 1;
    }
    return { error: `unterminated quote starting at character ${start + 1}`, position: start };
  };

  while (i < n) {
    while (i < n && isSpace(input[i])) i += 1;
    if (i >= n) break;
    const start = i;
    if (input[i] === '"') {
      const q = readQuoted();
      if ('error' in q) return { ok: false, ...q };
      const words = q.value.trim().toLowerCase();
      if (words) text.push(words);
      continue;
    }
    // A label name followed by an operator is a matcher; anything else is a free-text word.
    let j = i;
    if (NAME_START.test(input[j]!)) {
      j += 1;
      while (j < n && NAME_CHAR.test(input[j]!)) j += 1;
    }
    const op = j > i ? readOp(input, j) : null;
    if (op) {
      const name = input.slice(i, j);
      i = j + op.length;
      let value: string;
      if (input[i] === '"') {
        const q = readQuoted();
        if ('error' in q) return { ok: false, ...q };
        value = q.value;
      } else {
        const vs = i;
        while (i < n && !isSpace(input[i])) {
          if (input[i] === '"') return { ok: false, error: `unexpected quote inside the value of ${name} at character ${i + 1}; quote the whole value`, position: i };
          i += 1;
        }
        value = input.slice(vs, i);
      }
      const m = matcherFromOp(name, op, value);
      if (m.isRegex) {
        const err = regexError(value);
        if (err) return { ok: false, error: `invalid regular expression in ${name}${op}${quote(value)}: ${err}`, position: start };
      }
      matchers.push(m);
      continue;
    }
    // An operator with no label name in front of it is a mistake worth naming.
    if (/^(!=|=~|!~|=)/.test(input.slice(i))) {
      return { ok: false, error: `operator at character ${i + 1} has no label name before it (write name="value")`, position: i };
    }
    while (i < n && !isSpace(input[i])) i += 1;
    const word = input.slice(start, i).toLowerCase();
    if (word) text.push(word);
  }
  return { ok: true, filter: { matchers, text } };
}

function readOp(input: string, j: number): MatchOp | null {
  const two = input.slice(j, j + 2);
  if (two === '=~' || two === '!~' || two === '!=') return two;
  if (input[j] === '=') return '=';
  return null;
}

function regexError(source: string): string | null {
  try {
    new RegExp(`^(?:${source})$`);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export type CompiledMatcher = (labels: Record<string, string>) => boolean;

/** Compiles one matcher; throws on an invalid regex (call regexError-checked input, or catch). */
export function compileMatcher(m: SilenceMatcher): CompiledMatcher {
  if (m.isRegex) {
    const re = new RegExp(`^(?:${m.value})$`);
    return m.isEqual ? (l) => re.test(l[m.name] ?? '') : (l) => !re.test(l[m.name] ?? '');
  }
  return m.isEqual ? (l) => (l[m.name] ?? '') === m.value : (l) => (l[m.name] ?? '') !== m.value;
}

export function compileMatchers(ms: SilenceMatcher[]): CompiledMatcher {
  const compiled = ms.map(compileMatcher);
  return (l) => compiled.every((c) => c(l));
}

/** The whole filter as one predicate over alerts. */
export function compileFilter(f: ParsedFilter): (a: AlertView) => boolean {
  const labelsMatch = compileMatchers(f.matchers);
  if (f.text.length === 0) return (a) => labelsMatch(a.labels);
  return (a) => {
    if (!labelsMatch(a.labels)) return false;
    const hay = searchText(a);
    return f.text.every((w) => hay.includes(w));
  };
}

const haystacks = new WeakMap<AlertView, string>();
function searchText(a: AlertView): string {
  let h = haystacks.get(a);
  if (h === undefined) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(a.labels)) parts.push(`${k}=${v}`, v);
    for (const v of Object.values(a.annotations)) parts.push(v);
    h = parts.join('\n').toLowerCase();
    haystacks.set(a, h);
  }
  return h;
}

/** A message naming the first matcher whose regular expression does not compile, or null. */
export function regexProblem(ms: SilenceMatcher[]): string | null {
  for (const m of ms) {
    if (!m.isRegex) continue;
    const err = regexError(m.value);
    if (err) return `invalid regular expression in ${m.name}${opOf(m)}${quote(m.value)}: ${err}`;
  }
  return null;
}
