/**
 * Query DSL evaluation: bool (must/filter/should/must_not, minimum_should_match), range, term, terms,
 * match, match_phrase, match_all, match_none, exists, prefix, wildcard, ids, query_string (Lucene
 * syntax, see query-string.ts) and simple cases of constant_score.
 *
 * Field semantics (see analysis.ts for the mapping):
 *   text (message): terms are analysed → case-insensitive word match; quoted → phrase (consecutive
 *     words); wildcards/regex/fuzzy apply per word (lower-cased pattern, like ES normalisation).
 *   keyword (service, level, host, trace_id, logger, user): exact, case-sensitive, whole value;
 *     wildcards/regex match the whole value.
 *   long/double: numeric equality and ranges; a non-number against an explicit field is an error
 *     (query_shard_exception), against the default `*` field it is skipped (lenient, like ES).
 *   date: ranges with date math; a bare date term matches the whole rounded unit (`2026-11-21` = that day).
 * No relevance scoring: every match scores 1.0.
 */
import { fieldValues, globToRegExp, Mapping, tokensOf, analyze } from './analysis';
import { dateParseFailure, parseDateValue } from './dates';
import { parseQueryString, QueryStringSyntaxError, type QsNode } from './query-string';
import { ShardFailure, type Rec } from './types';

export type Pred = (r: Rec) => boolean;

/** What to highlight in a field: single words (text), phrases (text), or whole values (keyword). */
export type HlMatcher = { kind: 'tok'; test: (t: string) => boolean } | { kind: 'phrase'; terms: string[] } | { kind: 'value'; test: (v: string) => boolean };

export interface Compiled {
  test: Pred;
  /** Inclusive bounds on the timestamp field that every match satisfies (for binary search). */
  lo: number;
  hi: number;
}

export interface QueryCtx {
  mapping: Mapping;
  now: number;
  timestampField: string;
  /** Collects highlight matchers per field; null when highlighting is not requested. */
  hl: Map<string, HlMatcher[]> | null;
}

const ALL: Compiled = { test: () => true, lo: -Infinity, hi: Infinity };
const NONE: Compiled = { test: () => false, lo: -Infinity, hi: Infinity };

function bad(reason: string, type = 'query_shard_exception'): ShardFailure {
  return new ShardFailure(type, reason);
}
function parsing(reason: string): ShardFailure {
  return new ShardFailure('parsing_exception', reason);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function singleEntry(v: unknown, what: string): [string, unknown] {
  if (!isObj(v)) throw parsing(`[${what}] query malformed, no start_object after query name`);
  const entries = Object.entries(v).filter(([k]) => k !== 'boost' && k !== '_name');
  if (entries.length !== 1) throw parsing(`[${what}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`);
  return entries[0] as [string, unknown];
}

function addHl(ctx: QueryCtx, negated: boolean, field: string, m: HlMatcher): void {
  if (!ctx.hl || negated) return;
  const list = ctx.hl.get(field) ?? [];
  list.push(m);
  ctx.hl.set(field, list);
}

function anyOf(list: Compiled[]): Compiled {
  if (list.length === 0) return NONE;
  if (list.length === 1) return list[0] as Compiled;
  const tests = list.map((c) => c.test);
  return { test: (r) => tests.some((t) => t(r)), lo: Math.min(...list.map((c) => c.lo)), hi: Math.max(...list.map((c) => c.hi)) };
}

function allOf(list: Compiled[]): Compiled {
  if (list.length === 0) return ALL;
  if (list.length === 1) return list[0] as Compiled;
  const tests = list.map((c) => c.test);
  return { test: (r) => tests.every((t) => t(r)), lo: Math.max(...list.map((c) => c.lo)), hi: Math.min(...list.map((c) => c.hi)) };
}

function not(c: Compiled): Compiled {
  const t = c.test;
  return { test: (r) => !t(r), lo: -Infinity, hi: Infinity };
}

// ---------- value-level matchers ----------

function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function valuePred(field: string, test: (v: unknown) => boolean): Pred {
  return (r) => {
    for (const v of fieldValues(r.src, field)) if (test(v)) return true;
    return false;
  };
}

function tokenPred(field: string, test: (t: string) => boolean): Pred {
  return (r) => {
    for (const t of tokensOf(r, field)) if (test(t.t)) return true;
    return false;
  };
}

function phrasePred(field: string, terms: string[], slop = 0): Pred {
  if (terms.length === 0) return () => false;
  if (terms.length === 1) {
    const only = terms[0] as string;
    return tokenPred(field, (t) => t === only);
  }
  return (r) => phrasePositions(tokensOf(r, field).map((t) => t.t), terms, slop).length > 0;
}

/** Start indices in `toks` where `terms` occur in order with at most `slop` extra words in between. */
export function phrasePositions(toks: string[], terms: string[], slop = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i] !== terms[0]) continue;
    const positions = [i];
    let p = i;
    let used = 0;
    let ok = true;
    for (let j = 1; j < terms.length; j++) {
      let q = p + 1;
      while (q < toks.length && toks[q] !== terms[j] && used + (q - p - 1) < slop) q++;
      if (q >= toks.length || toks[q] !== terms[j]) {
        ok = false;
        break;
      }
      used += q - p - 1;
      positions.push(q);
      p = q;
    }
    if (ok) out.push(positions);
  }
  return out;
}

function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

function compileRegex(src: string, ci: boolean): RegExp {
  try {
    return new RegExp(`^(?:${src})$`, ci ? 'is' : 's');
  } catch (e) {
    throw bad(`failed to create query: ${(e as Error).message}`);
  }
}

// ---------- field queries ----------

interface TermOpts {
  text: string;
  quoted?: boolean;
  wildcard?: boolean;
  regex?: boolean;
  fuzzy?: number;
  slop?: number;
  /** Operator between words of an analysed multi-word term. */
  operator?: 'OR' | 'AND';
  /** Skip silently instead of failing on type mismatches (default field `*`). */
  lenient?: boolean;
  /** term/terms queries: no analysis of the value. */
  raw?: boolean;
  caseInsensitive?: boolean;
}

function fieldTerm(ctx: QueryCtx, field: string, o: TermOpts, negated: boolean): Compiled {
  const type = ctx.mapping.type(field);
  if (!type) return NONE;
  switch (type) {
    case 'text':
      return textTerm(ctx, field, o, negated);
    case 'keyword':
      return keywordTerm(ctx, field, o, negated);
    case 'boolean': {
      const want = o.text === 'true' ? true : o.text === 'false' ? false : null;
      if (want === null) {
        if (o.lenient) return NONE;
        throw bad(`failed to create query: Can't parse boolean value [${o.text}], expected [true] or [false]`);
      }
      return { test: valuePred(field, (v) => v === want || String(v) === o.text), lo: -Infinity, hi: Infinity };
    }
    case 'long':
    case 'double': {
      if (o.wildcard || o.regex) {
        if (o.lenient) return NONE;
        throw bad(`Can only use ${o.wildcard ? 'wildcard' : 'regexp'} queries on keyword and text fields - not on [${field}] which is of type [${type}]`);
      }
      const n = numberOf(o.text);
      if (n === null || (type === 'long' && !Number.isInteger(n) && !o.lenient)) {
        if (o.lenient) return NONE;
        throw bad(`failed to create query: For input string: "${o.text}"`);
      }
      return { test: valuePred(field, (v) => numberOf(v) === n), lo: -Infinity, hi: Infinity };
    }
    case 'date': {
      if (o.wildcard || o.regex) {
        if (o.lenient) return NONE;
        throw bad(`Can only use ${o.wildcard ? 'wildcard' : 'regexp'} queries on keyword and text fields - not on [${field}] which is of type [date]`);
      }
      const lo = parseDateValue(o.text, ctx.now, false);
      const hi = parseDateValue(o.text, ctx.now, true);
      if (lo === null || hi === null) {
        if (o.lenient) return NONE;
        throw new ShardFailure('query_shard_exception', `failed to create query: ${dateParseFailure(o.text, field)}`);
      }
      return dateRange(ctx, field, lo, hi);
    }
  }
}

function keywordTerm(ctx: QueryCtx, field: string, o: TermOpts, negated: boolean): Compiled {
  let test: (v: string) => boolean;
  if (o.regex) {
    const re = compileRegex(o.text, !!o.caseInsensitive);
    test = (v) => re.test(v);
  } else if (o.wildcard) {
    const re = globToRegExp(o.text, !!o.caseInsensitive);
    test = (v) => re.test(v);
  } else if (o.fuzzy !== undefined) {
    const max = Math.min(o.fuzzy, 2);
    test = (v) => levenshtein(v, o.text, max) <= max;
  } else if (o.caseInsensitive) {
    const want = o.text.toLowerCase();
    test = (v) => v.toLowerCase() === want;
  } else {
    test = (v) => v === o.text;
  }
  addHl(ctx, negated, field, { kind: 'value', test });
  return { test: valuePred(field, (v) => test(String(v))), lo: -Infinity, hi: Infinity };
}

function textTerm(ctx: QueryCtx, field: string, o: TermOpts, negated: boolean): Compiled {
  if (o.regex || o.wildcard || o.fuzzy !== undefined) {
    const pattern = o.text.toLowerCase();
    let test: (t: string) => boolean;
    if (o.regex) {
      const re = compileRegex(pattern, false);
      test = (t) => re.test(t);
    } else if (o.wildcard) {
      const re = globToRegExp(pattern, false);
      test = (t) => re.test(t);
    } else {
      const max = Math.min(o.fuzzy as number, 2);
      test = (t) => levenshtein(t, pattern, max) <= max;
    }
    addHl(ctx, negated, field, { kind: 'tok', test });
    return { test: tokenPred(field, test), lo: -Infinity, hi: Infinity };
  }
  if (o.raw) {
    const want = o.text;
    addHl(ctx, negated, field, { kind: 'tok', test: (t) => t === want });
    return { test: tokenPred(field, (t) => t === want), lo: -Infinity, hi: Infinity };
  }
  const terms = analyze(o.text);
  if (terms.length === 0) return NONE;
  if (o.quoted) {
    addHl(ctx, negated, field, { kind: 'phrase', terms });
    return { test: phrasePred(field, terms, o.slop ?? 0), lo: -Infinity, hi: Infinity };
  }
  const parts = terms.map((t) => {
    addHl(ctx, negated, field, { kind: 'tok', test: (x) => x === t });
    return { test: tokenPred(field, (x) => x === t), lo: -Infinity, hi: Infinity } as Compiled;
  });
  return o.operator === 'AND' ? allOf(parts) : anyOf(parts);
}

function dateRange(ctx: QueryCtx, field: string, lo: number, hi: number): Compiled {
  const test = valuePred(field, (v) => {
    const t = typeof v === 'number' ? v : parseDateValue(v, ctx.now);
    return t !== null && t >= lo && t <= hi;
  });
  if (field === ctx.timestampField) return { test: (r) => r.ts >= lo && r.ts <= hi, lo, hi };
  return { test, lo: -Infinity, hi: Infinity };
}

interface RangeOpts {
  gte?: unknown;
  gt?: unknown;
  lte?: unknown;
  lt?: unknown;
  format?: string;
  lenient?: boolean;
}

function fieldRange(ctx: QueryCtx, field: string, r: RangeOpts): Compiled {
  const type = ctx.mapping.type(field);
  if (!type) return NONE;
  if (type === 'date') {
    let lo = -Infinity;
    let hi = Infinity;
    const bound = (v: unknown, roundUp: boolean): number => {
      const t = parseDateValue(v, ctx.now, roundUp, r.format);
      if (t === null) throw new ShardFailure('parse_exception', dateParseFailure(v, field));
      return t;
    };
    if (r.gte !== undefined && r.gte !== null) lo = Math.max(lo, bound(r.gte, false));
    if (r.gt !== undefined && r.gt !== null) lo = Math.max(lo, bound(r.gt, true) + 1);
    if (r.lte !== undefined && r.lte !== null) hi = Math.min(hi, bound(r.lte, true));
    if (r.lt !== undefined && r.lt !== null) hi = Math.min(hi, bound(r.lt, false) - 1);
    return dateRange(ctx, field, lo, hi);
  }
  if (type === 'long' || type === 'double') {
    const num = (v: unknown): number | null => {
      const n = numberOf(v);
      if (n === null) {
        if (r.lenient) return null;
        throw bad(`failed to create query: For input string: "${String(v)}"`);
      }
      return n;
    };
    const checks: ((x: number) => boolean)[] = [];
    for (const [op, v] of [['gte', r.gte], ['gt', r.gt], ['lte', r.lte], ['lt', r.lt]] as const) {
      if (v === undefined || v === null) continue;
      const n = num(v);
      if (n === null) return NONE;
      checks.push(op === 'gte' ? (x) => x >= n : op === 'gt' ? (x) => x > n : op === 'lte' ? (x) => x <= n : (x) => x < n);
    }
    return {
      test: valuePred(field, (v) => {
        const n = numberOf(v);
        return n !== null && checks.every((c) => c(n));
      }),
      lo: -Infinity,
      hi: Infinity,
    };
  }
  // keyword / text: lexicographic on values / words.
  const s = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : type === 'text' ? String(v).toLowerCase() : String(v));
  const gte = s(r.gte);
  const gt = s(r.gt);
  const lte = s(r.lte);
  const lt = s(r.lt);
  const inRange = (x: string): boolean => (gte === undefined || x >= gte) && (gt === undefined || x > gt) && (lte === undefined || x <= lte) && (lt === undefined || x < lt);
  return { test: type === 'text' ? tokenPred(field, inRange) : valuePred(field, (v) => inRange(String(v))), lo: -Infinity, hi: Infinity };
}

function exists(ctx: QueryCtx, field: string): Compiled {
  const fields = ctx.mapping.matching(field);
  if (fields.length === 0) return NONE;
  return { test: (r) => fields.some((f) => fieldValues(r.src, f).length > 0), lo: -Infinity, hi: Infinity };
}

// ---------- query_string ----------

export interface QueryStringOpts {
  query: string;
  defaultFields: string[];
  defaultOperator: 'OR' | 'AND';
  lenient: boolean;
}

function resolveQsFields(ctx: QueryCtx, field: string | null, o: QueryStringOpts): { fields: string[]; lenient: boolean } {
  if (field === null) {
    const all = o.defaultFields.flatMap((f) => ctx.mapping.matching(f.replace(/\^[\d.]+$/, '')));
    const lenient = o.lenient || o.defaultFields.some((f) => f.includes('*'));
    return { fields: [...new Set(all)], lenient };
  }
  const fields = ctx.mapping.matching(field);
  return { fields, lenient: o.lenient || field.includes('*') };
}

function compileQs(ctx: QueryCtx, n: QsNode, o: QueryStringOpts, negated: boolean): Compiled {
  switch (n.kind) {
    case 'match_all':
      return ALL;
    case 'match_none':
      return NONE;
    case 'exists':
      return exists(ctx, n.field);
    case 'bool': {
      const must = n.clauses.filter((c) => c.occur === 'must').map((c) => compileQs(ctx, c.node, o, negated));
      const should = n.clauses.filter((c) => c.occur === 'should').map((c) => compileQs(ctx, c.node, o, negated));
      const mustNot = n.clauses.filter((c) => c.occur === 'must_not').map((c) => compileQs(ctx, c.node, o, !negated));
      const parts: Compiled[] = [...must];
      // Lucene: SHOULD clauses are optional when any MUST exists; a group of only MUST_NOT gets a match_all.
      if (must.length === 0 && should.length > 0) parts.push(anyOf(should));
      for (const m of mustNot) parts.push(not(m));
      return allOf(parts);
    }
    case 'term': {
      const { fields, lenient } = resolveQsFields(ctx, n.field, o);
      const parts = fields.map((f) =>
        fieldTerm(
          ctx,
          f,
          {
            text: n.text,
            quoted: n.quoted,
            wildcard: n.wildcard,
            regex: n.regex,
            ...(n.fuzzy !== undefined ? { fuzzy: n.fuzzy } : {}),
            ...(n.slop !== undefined ? { slop: n.slop } : {}),
            operator: o.defaultOperator,
            lenient,
          },
          negated,
        ),
      );
      return anyOf(parts);
    }
    case 'range': {
      const { fields, lenient } = resolveQsFields(ctx, n.field, o);
      const parts = fields.map((f) => {
        const r: RangeOpts = { lenient };
        if (n.lower !== null) r[n.includeLower ? 'gte' : 'gt'] = n.lower;
        if (n.upper !== null) r[n.includeUpper ? 'lte' : 'lt'] = n.upper;
        try {
          return fieldRange(ctx, f, r);
        } catch (e) {
          if (lenient) return NONE;
          throw e;
        }
      });
      return anyOf(parts);
    }
  }
}

export function queryStringFailure(query: string, err: QueryStringSyntaxError): ShardFailure {
  return new ShardFailure('query_shard_exception', `Failed to parse query [${query}]`, 400, {
    type: 'parse_exception',
    reason: err.message,
    caused_by: { type: 'parse_exception', reason: err.detail },
  });
}

export function compileQueryString(ctx: QueryCtx, spec: Record<string, unknown>, negated = false): Compiled {
  const query = spec.query;
  if (typeof query !== 'string') throw parsing('[query_string] requires query value');
  const fields = Array.isArray(spec.fields) ? spec.fields.map(String) : typeof spec.default_field === 'string' ? [spec.default_field] : ['*'];
  const op = String(spec.default_operator ?? 'OR').toUpperCase() === 'AND' ? 'AND' : 'OR';
  let ast: QsNode;
  try {
    ast = parseQueryString(query, { defaultOperator: op });
  } catch (e) {
    if (e instanceof QueryStringSyntaxError) throw queryStringFailure(query, e);
    throw e;
  }
  return compileQs(ctx, ast, { query, defaultFields: fields, defaultOperator: op, lenient: spec.lenient === true }, negated);
}

// ---------- DSL ----------

function clauses(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function msm(spec: unknown, optional: number): number {
  if (spec === undefined || spec === null) return 1;
  const s = String(spec).trim();
  const pct = /^(-?\d+)%$/.exec(s);
  let n: number;
  if (pct) {
    const p = Number(pct[1]);
    n = p < 0 ? optional - Math.floor((optional * -p) / 100) : Math.floor((optional * p) / 100);
  } else {
    const k = Number(s);
    if (!Number.isInteger(k)) throw parsing(`[bool] failed to parse field [minimum_should_match]`);
    n = k < 0 ? optional + k : k;
  }
  return Math.max(0, Math.min(optional, n));
}

export function compileQuery(ctx: QueryCtx, q: unknown, negated = false): Compiled {
  if (q === undefined || q === null) return ALL;
  if (!isObj(q)) throw parsing('query malformed, must start with start_object');
  const keys = Object.keys(q);
  if (keys.length !== 1) throw parsing(keys.length === 0 ? 'query malformed, empty clause found' : `[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const type = keys[0] as string;
  const body = q[type];
  switch (type) {
    case 'match_all':
      return ALL;
    case 'match_none':
      return NONE;
    case 'bool': {
      if (!isObj(body)) throw parsing('[bool] query malformed, no start_object after query name');
      for (const k of Object.keys(body)) {
        if (!['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name', 'adjust_pure_negative'].includes(k)) {
          throw parsing(`[bool] query does not support [${k}]`);
        }
      }
      const must = clauses(body.must).map((c) => compileQuery(ctx, c, negated));
      const filter = clauses(body.filter).map((c) => compileQuery(ctx, c, negated));
      const should = clauses(body.should).map((c) => compileQuery(ctx, c, negated));
      const mustNot = clauses(body.must_not).map((c) => compileQuery(ctx, c, !negated));
      const parts = [...must, ...filter, ...mustNot.map(not)];
      if (should.length > 0) {
        const required = body.minimum_should_match !== undefined ? msm(body.minimum_should_match, should.length) : must.length + filter.length > 0 ? 0 : 1;
        if (required > 0) {
          const tests = should.map((s) => s.test);
          const bounds = anyOf(should);
          parts.push({
            test: (r) => {
              let hits = 0;
              for (const t of tests) if (t(r) && ++hits >= required) return true;
              return false;
            },
            lo: required === should.length ? Math.max(...should.map((s) => s.lo)) : bounds.lo,
            hi: required === should.length ? Math.min(...should.map((s) => s.hi)) : bounds.hi,
          });
        }
      }
      return allOf(parts);
    }
    case 'constant_score': {
      if (!isObj(body) || body.filter === undefined) throw parsing('[constant_score] requires a \'filter\' element');
      return compileQuery(ctx, body.filter, negated);
    }
    case 'query_string': {
      if (!isObj(body)) throw parsing('[query_string] query malformed, no start_object after query name');
      return compileQueryString(ctx, body, negated);
    }
    case 'range': {
      const [field, spec] = singleEntry(body, 'range');
      if (!isObj(spec)) throw parsing(`[range] query malformed, no start_object after query name`);
      const r: RangeOpts = {};
      for (const [k, v] of Object.entries(spec)) {
        if (k === 'gte' || k === 'gt' || k === 'lte' || k === 'lt') r[k] = v;
        else if (k === 'from') r.gte = v;
        else if (k === 'to') r.lte = v;
        else if (k === 'format') r.format = String(v);
        else if (k === 'time_zone' || k === 'boost' || k === 'relation' || k === 'include_lower' || k === 'include_upper' || k === '_name') continue;
        else throw parsing(`[range] query does not support [${k}]`);
      }
      return fieldRange(ctx, field, r);
    }
    case 'term': {
      const [field, spec] = singleEntry(body, 'term');
      const value = isObj(spec) ? spec.value : spec;
      if (value === undefined || value === null || typeof value === 'object') throw parsing('[term] query does not support array of values');
      const ci = isObj(spec) && spec.case_insensitive === true;
      return fieldTerm(ctx, field, { text: String(value), raw: true, caseInsensitive: ci }, negated);
    }
    case 'terms': {
      if (!isObj(body)) throw parsing('[terms] query malformed');
      const entries = Object.entries(body).filter(([k]) => k !== 'boost' && k !== '_name');
      if (entries.length !== 1) throw parsing('[terms] query does not support multiple fields');
      const [field, values] = entries[0] as [string, unknown];
      if (!Array.isArray(values)) throw parsing(`[terms] query does not support [${field}]`);
      return anyOf(values.map((v) => fieldTerm(ctx, field, { text: String(v), raw: true }, negated)));
    }
    case 'match':
    case 'match_phrase': {
      const [field, spec] = singleEntry(body, type);
      const value = isObj(spec) ? spec.query : spec;
      if (value === undefined || value === null || typeof value === 'object') throw parsing(`[${type}] unknown token [START_OBJECT] after [query]`);
      const operator = isObj(spec) && String(spec.operator ?? 'OR').toUpperCase() === 'AND' ? 'AND' : 'OR';
      const slop = isObj(spec) && typeof spec.slop === 'number' ? spec.slop : 0;
      const fields = ctx.mapping.matching(field);
      return anyOf(fields.map((f) => fieldTerm(ctx, f, { text: String(value), quoted: type === 'match_phrase', operator, slop, lenient: isObj(spec) && spec.lenient === true }, negated)));
    }
    case 'exists': {
      if (!isObj(body) || typeof body.field !== 'string') throw parsing('[exists] must be provided with a [field]');
      return exists(ctx, body.field);
    }
    case 'prefix':
    case 'wildcard':
    case 'regexp': {
      const [field, spec] = singleEntry(body, type);
      const value = isObj(spec) ? (spec.value ?? spec.wildcard) : spec;
      if (typeof value !== 'string') throw parsing(`[${type}] query malformed`);
      const ci = isObj(spec) && spec.case_insensitive === true;
      const text = type === 'prefix' ? `${value}*` : value;
      const ft = ctx.mapping.type(field);
      if (ft === 'text') {
        // Per word, no analysis (ES applies the normaliser only: lower-case).
        return fieldTerm(ctx, field, { text, wildcard: type !== 'regexp', regex: type === 'regexp' }, negated);
      }
      return fieldTerm(ctx, field, { text, wildcard: type !== 'regexp', regex: type === 'regexp', caseInsensitive: ci }, negated);
    }
    case 'ids': {
      if (!isObj(body) || !Array.isArray(body.values)) throw parsing('[ids] query malformed');
      const ids = new Set(body.values.map(String));
      return { test: (r) => ids.has(r.id), lo: -Infinity, hi: Infinity };
    }
    default:
      throw parsing(`unknown query [${type}]`);
  }
}
