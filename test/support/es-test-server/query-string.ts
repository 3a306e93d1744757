/**
 * Lucene classic query syntax, as Elasticsearch's `query_string` query reads it.
 *
 * Supported: `term`, `field:term`, `field:"a phrase"`, `"phrase"~2`, `term~` / `term~1` (fuzzy),
 * `^2` boosts (parsed, ignored), wildcards `*` and `?`, `/regex/`, `AND`/`&&`, `OR`/`||`, `NOT`/`!`,
 * `+`/`-` prefixes, parentheses and field groups `service:(synapse OR bridge)`, ranges
 * `field:[a TO b]`, `{a TO b}`, mixed brackets, `*` as an open end, `field:>1000`, `>=`, `<`, `<=`,
 * `_exists_:field`, `field:*` (exists), `*` / `*:*` (everything), backslash escapes.
 *
 * Boolean semantics follow Lucene's classic QueryParser exactly (not boolean precedence): with the
 * default operator OR, `a AND b OR c` means `+a +b c` (c optional). A group with only prohibited
 * clauses matches everything except them (Elasticsearch adds a match_all to such groups).
 */

export type Occur = 'must' | 'should' | 'must_not';

export type QsNode =
  | { kind: 'bool'; clauses: { occur: Occur; node: QsNode }[] }
  | { kind: 'term'; field: string | null; text: string; quoted: boolean; wildcard: boolean; regex: boolean; fuzzy?: number; slop?: number }
  | { kind: 'range'; field: string | null; lower: string | null; upper: string | null; includeLower: boolean; includeUpper: boolean }
  | { kind: 'exists'; field: string }
  | { kind: 'match_all' }
  | { kind: 'match_none' };

export class QueryStringSyntaxError extends Error {
  constructor(
    readonly query: string,
    readonly detail: string,
  ) {
    super(`Cannot parse '${query}': ${detail}`);
  }
}

type Tok =
  | { t: 'AND' | 'OR' | 'NOT' | 'PLUS' | 'MINUS' | 'LPAREN' | 'RPAREN' | 'COLON' | 'EOF'; pos: number; img: string }
  | { t: 'TERM'; pos: number; img: string; text: string; wildcard: boolean }
  | { t: 'QUOTED'; pos: number; img: string; text: string }
  | { t: 'REGEX'; pos: number; img: string; text: string }
  | { t: 'CARAT'; pos: number; img: string; num: number }
  | { t: 'TILDE'; pos: number; img: string; num: number | null }
  | { t: 'RANGE'; pos: number; img: string; lower: string | null; upper: string | null; incL: boolean; incU: boolean };

const WS = /[\s\u3000]/;
/** Characters that cannot start a term (besides whitespace); `*`/`?` may (wildcards). */
const NOT_TERM_START = new Set(['+', '-', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '\\', '/']);
/** Characters that end a term. */
const NOT_TERM_CHAR = new Set(['!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '\\', '/']);

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fail = (pos: number, what: string): never => {
    throw new QueryStringSyntaxError(q, `Encountered "${what}" at line 1, column ${pos + 1}.`);
  };
  const readNumber = (): number | null => {
    const m = /^\d+(\.\d+)?/.exec(q.slice(i));
    if (!m) return null;
    i += m[0].length;
    return Number(m[0]);
  };
  while (i < q.length) {
    const c = q[i] as string;
    if (WS.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (q.startsWith('&&', i)) {
      out.push({ t: 'AND', pos: i, img: '&&' });
      i += 2;
      continue;
    }
    if (q.startsWith('||', i)) {
      out.push({ t: 'OR', pos: i, img: '||' });
      i += 2;
      continue;
    }
    switch (c) {
      case '(':
        out.push({ t: 'LPAREN', pos: i++, img: c });
        continue;
      case ')':
        out.push({ t: 'RPAREN', pos: i++, img: c });
        continue;
      case ':':
        out.push({ t: 'COLON', pos: i++, img: c });
        continue;
      case '+':
        out.push({ t: 'PLUS', pos: i++, img: c });
        continue;
      case '-':
        out.push({ t: 'MINUS', pos: i++, img: c });
        continue;
      case '!':
        out.push({ t: 'NOT', pos: i++, img: c });
        continue;
      case '^': {
        i++;
        const n = readNumber();
        if (n === null) fail(i, q[i] ?? '<EOF>');
        out.push({ t: 'CARAT', pos: start, img: q.slice(start, i), num: n as number });
        continue;
      }
      case '~': {
        i++;
        out.push({ t: 'TILDE', pos: start, img: q.slice(start, i), num: readNumber() });
        continue;
      }
      case '"': {
        i++;
        let text = '';
        while (i < q.length && q[i] !== '"') {
          if (q[i] === '\\' && i + 1 < q.length) {
            text += q[i + 1];
            i += 2;
          } else text += q[i++];
        }
        if (i >= q.length) fail(q.length, '<EOF>');
        i++;
        out.push({ t: 'QUOTED', pos: start, img: q.slice(start, i), text });
        continue;
      }
      case '/': {
        i++;
        let text = '';
        while (i < q.length && q[i] !== '/') {
          if (q[i] === '\\' && i + 1 < q.length) {
            text += q[i] === '\\' && q[i + 1] === '/' ? '/' : `\\${q[i + 1]}`;
            i += 2;
          } else text += q[i++];
        }
        if (i >= q.length) fail(q.length, '<EOF>');
        i++;
        out.push({ t: 'REGEX', pos: start, img: q.slice(start, i), text });
        continue;
      }
      case '[':
      case '{': {
        i++;
        const bounds: (string | null)[] = [];
        let sawTo = false;
        let end: string | null = null;
        while (i < q.length) {
          const d = q[i] as string;
          if (WS.test(d)) {
            i++;
            continue;
          }
          if (d === ']' || d === '}') {
            end = d;
            i++;
            break;
          }
          let v = '';
          if (d === '"') {
            i++;
            while (i < q.length && q[i] !== '"') {
              if (q[i] === '\\' && i + 1 < q.length) {
                v += q[i + 1];
                i += 2;
              } else v += q[i++];
            }
            if (i >= q.length) fail(q.length, '<EOF>');
            i++;
            bounds.push(v);
            continue;
          }
          while (i < q.length && !WS.test(q[i] as string) && q[i] !== ']' && q[i] !== '}') v += q[i++];
          if (v === 'TO' && bounds.length === 1 && !sawTo) {
            sawTo = true;
            continue;
          }
          bounds.push(v === '*' ? null : v);
        }
        if (end === null) fail(q.length, '<EOF>');
        if (!sawTo || bounds.length !== 2) fail(start, q.slice(start, i));
        out.push({ t: 'RANGE', pos: start, img: q.slice(start, i), lower: bounds[0] ?? null, upper: bounds[1] ?? null, incL: c === '[', incU: end === ']' });
        continue;
      }
    }
    if (c === ']' || c === '}') fail(i, c);
    // A term: escapes, wildcards, and -/+ after the first character.
    if (NOT_TERM_START.has(c) && c !== '\\') fail(i, c);
    let text = '';
    let img = '';
    let wildcard = false;
    while (i < q.length) {
      const d = q[i] as string;
      if (d === '\\') {
        if (i + 1 >= q.length) fail(i + 1, '<EOF>');
        text += q[i + 1];
        img += q.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (WS.test(d) || NOT_TERM_CHAR.has(d)) break;
      if (q.startsWith('&&', i) || q.startsWith('||', i)) break;
      if (d === '*' || d === '?') wildcard = true;
      text += d;
      img += d;
      i++;
    }
    if (img === 'AND' || img === 'OR' || img === 'NOT') out.push({ t: img, pos: start, img });
    else out.push({ t: 'TERM', pos: start, img, text, wildcard });
  }
  out.push({ t: 'EOF', pos: q.length, img: '<EOF>' });
  return out;
}

export interface ParseOptions {
  defaultOperator?: 'OR' | 'AND';
}

/** Parses `q`; throws QueryStringSyntaxError with Lucene-like text on bad syntax. */
export function parseQueryString(q: string, opts: ParseOptions = {}): QsNode {
  if (q.trim() === '') return { kind: 'match_none' };
  const toks = lex(q);
  let k = 0;
  const andDefault = opts.defaultOperator === 'AND';
  const peek = (): Tok => toks[k] as Tok;
  const fail = (tok: Tok): never => {
    throw new QueryStringSyntaxError(q, `Encountered "${tok.t === 'EOF' ? '<EOF>' : ` ${tok.img} `}" at line 1, column ${tok.pos + 1}.`);
  };

  type Clause = { occur: Occur; node: QsNode };

  function addClause(clauses: Clause[], conj: 'AND' | 'OR' | null, mod: 'PLUS' | 'MINUS' | null, node: QsNode): void {
    const last = clauses[clauses.length - 1];
    if (last && conj === 'AND' && last.occur !== 'must_not') last.occur = 'must';
    if (last && andDefault && conj === 'OR' && last.occur !== 'must_not') last.occur = 'should';
    let required: boolean;
    const prohibited = mod === 'MINUS';
    if (!andDefault) {
      required = mod === 'PLUS' || (conj === 'AND' && !prohibited);
    } else {
      required = !prohibited && conj !== 'OR';
    }
    clauses.push({ occur: prohibited ? 'must_not' : required ? 'must' : 'should', node });
  }

  function query(field: string | null, depth: number): QsNode {
    const clauses: Clause[] = [];
    let first: QsNode | null = null;
    let conj: 'AND' | 'OR' | null = null;
    for (;;) {
      const mod = modifiers();
      const node = clause(field, depth);
      if (clauses.length === 0 && mod === null) first = node;
      addClause(clauses, conj, mod, node);
      const t = peek();
      if (t.t === 'AND' || t.t === 'OR') {
        conj = t.t;
        k++;
        continue;
      }
      conj = null;
      if (t.t === 'EOF' || t.t === 'RPAREN') break;
    }
    if (clauses.length === 1 && first) return first;
    return { kind: 'bool', clauses };
  }

  function modifiers(): 'PLUS' | 'MINUS' | null {
    const t = peek();
    if (t.t === 'PLUS') {
      k++;
      return 'PLUS';
    }
    if (t.t === 'MINUS' || t.t === 'NOT') {
      k++;
      return 'MINUS';
    }
    return null;
  }

  function clause(field: string | null, depth: number): QsNode {
    let f = field;
    const t = peek();
    const next = toks[k + 1];
    if (t.t === 'TERM' && next?.t === 'COLON') {
      f = t.text;
      k += 2;
    }
    const u = peek();
    if (u.t === 'LPAREN') {
      k++;
      const inner = query(f, depth + 1);
      if (peek().t !== 'RPAREN') fail(peek());
      k++;
      if (peek().t === 'CARAT') k++;
      return inner;
    }
    return term(f);
  }

  function term(field: string | null): QsNode {
    const t = peek();
    switch (t.t) {
      case 'TERM': {
        k++;
        let fuzzy: number | undefined;
        for (;;) {
          const n = peek();
          if (n.t === 'TILDE') {
            fuzzy = n.num ?? 2;
            k++;
          } else if (n.t === 'CARAT') k++;
          else break;
        }
        return termNode(field, t.text, t.wildcard, fuzzy);
      }
      case 'QUOTED': {
        k++;
        let slop: number | undefined;
        for (;;) {
          const n = peek();
          if (n.t === 'TILDE') {
            slop = n.num ?? 0;
            k++;
          } else if (n.t === 'CARAT') k++;
          else break;
        }
        return { kind: 'term', field, text: t.text, quoted: true, wildcard: false, regex: false, ...(slop !== undefined ? { slop } : {}) };
      }
      case 'REGEX':
        k++;
        if (peek().t === 'CARAT') k++;
        return { kind: 'term', field, text: t.text, quoted: false, wildcard: false, regex: true };
      case 'RANGE':
        k++;
        if (peek().t === 'CARAT') k++;
        return { kind: 'range', field, lower: t.lower, upper: t.upper, includeLower: t.incL, includeUpper: t.incU };
      default:
        return fail(t);
    }
  }

  function termNode(field: string | null, text: string, wildcard: boolean, fuzzy: number | undefined): QsNode {
    if (field === '_exists_') return { kind: 'exists', field: text };
    if (text === '*' && (field === null || field === '*')) return { kind: 'match_all' };
    if (text === '*' && field !== null) return { kind: 'exists', field };
    const cmp = /^(>=|<=|>|<)(.+)$/s.exec(text);
    if (cmp && !wildcard) {
      const op = cmp[1] as string;
      const v = cmp[2] as string;
      if (op.startsWith('>')) return { kind: 'range', field, lower: v, upper: null, includeLower: op === '>=', includeUpper: true };
      return { kind: 'range', field, lower: null, upper: v, includeLower: true, includeUpper: op === '<=' };
    }
    return { kind: 'term', field, text, quoted: false, wildcard, regex: false, ...(fuzzy !== undefined ? { fuzzy } : {}) };
  }

  const root = query(null, 0);
  if (peek().t !== 'EOF') fail(peek());
  return root;
}
