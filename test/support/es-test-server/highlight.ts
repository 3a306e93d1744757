/**
 * Highlighting like the unified highlighter: each matching word of a text field is wrapped in
 * pre/post tags (default `<em>`/`</em>`; phrases highlight only real phrase occurrences, word by
 * word); a matching keyword value is wrapped whole. `require_field_match` defaults to true.
 * Fragments: values no longer than `fragment_size` (default 100) come back whole, as do all values
 * with `number_of_fragments: 0`; longer values are cut at word boundaries into chunks of about
 * `fragment_size` characters and only chunks with a highlight are returned (at most
 * `number_of_fragments`, default 5). `encoder: "html"` escapes the text around the tags.
 */
import { fieldValues, globToRegExp, Mapping, tokenize } from './analysis';
import { phrasePositions, type HlMatcher } from './query';
import type { Rec } from './types';

export interface HighlightSpec {
  pre: string;
  post: string;
  fields: { pattern: RegExp; requireFieldMatch: boolean; numberOfFragments: number; fragmentSize: number }[];
  encoder: 'default' | 'html';
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parseHighlight(spec: unknown): HighlightSpec | null {
  if (!isObj(spec)) return null;
  const tag = (v: unknown, d: string): string => (Array.isArray(v) && typeof v[0] === 'string' ? v[0] : typeof v === 'string' ? v : d);
  const globalRfm = spec.require_field_match !== false;
  const globalN = typeof spec.number_of_fragments === 'number' ? spec.number_of_fragments : 5;
  const globalSize = typeof spec.fragment_size === 'number' ? spec.fragment_size : 100;
  const list: [string, unknown][] = Array.isArray(spec.fields)
    ? spec.fields.flatMap((f) => (isObj(f) ? Object.entries(f) : []))
    : isObj(spec.fields)
      ? Object.entries(spec.fields)
      : [];
  return {
    pre: tag(spec.pre_tags, '<em>'),
    post: tag(spec.post_tags, '</em>'),
    encoder: spec.encoder === 'html' ? 'html' : 'default',
    fields: list.map(([name, o]) => {
      const opts = isObj(o) ? o : {};
      return {
        pattern: globToRegExp(name, false),
        requireFieldMatch: opts.require_field_match === undefined ? globalRfm : opts.require_field_match !== false,
        numberOfFragments: typeof opts.number_of_fragments === 'number' ? opts.number_of_fragments : globalN,
        fragmentSize: typeof opts.fragment_size === 'number' ? opts.fragment_size : globalSize,
      };
    }),
  };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

function markText(value: string, matchers: HlMatcher[], spec: HighlightSpec, numberOfFragments: number, fragmentSize: number): string[] | null {
  const toks = tokenize(value);
  const marked = new Array<boolean>(toks.length).fill(false);
  const words = toks.map((t) => t.t);
  for (const m of matchers) {
    if (m.kind === 'tok') toks.forEach((t, i) => m.test(t.t) && (marked[i] = true));
    else if (m.kind === 'phrase') for (const occ of phrasePositions(words, m.terms)) for (const p of occ) marked[p] = true;
  }
  if (!marked.includes(true)) return null;
  const enc = (s: string): string => (spec.encoder === 'html' ? escapeHtml(s) : s);
  const render = (from: number, to: number): string => {
    let out = '';
    let at = from;
    toks.forEach((t, i) => {
      if (!marked[i] || t.start < from || t.end > to) return;
      out += enc(value.slice(at, t.start)) + spec.pre + enc(value.slice(t.start, t.end)) + spec.post;
      at = t.end;
    });
    return out + enc(value.slice(at, to));
  };
  if (numberOfFragments === 0 || value.length <= fragmentSize) return [render(0, value.length)];
  const frags: string[] = [];
  let start = 0;
  while (start < value.length && frags.length < numberOfFragments) {
    let end = Math.min(value.length, start + fragmentSize);
    const cut = toks.find((t) => t.start < end && t.end > end);
    if (cut) end = cut.end;
    if (toks.some((t, i) => marked[i] && t.start >= start && t.end <= end)) frags.push(render(start, end).trim());
    start = end;
  }
  return frags.length ? frags : null;
}

/** The `highlight` object of one hit, or undefined when nothing in the requested fields matched. */
export function highlightRec(rec: Rec, spec: HighlightSpec, hl: Map<string, HlMatcher[]>, mapping: Mapping): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  const allMatchers = [...hl.values()].flat();
  for (const [field, type] of mapping.fields) {
    if (type !== 'text' && type !== 'keyword') continue;
    const f = spec.fields.find((x) => x.pattern.test(field));
    if (!f) continue;
    const matchers = f.requireFieldMatch ? (hl.get(field) ?? []) : allMatchers;
    if (matchers.length === 0) continue;
    const frags: string[] = [];
    for (const v of fieldValues(rec.src, field)) {
      const s = String(v);
      if (type === 'keyword') {
        if (matchers.some((m) => m.kind === 'value' && m.test(s))) frags.push(spec.pre + (spec.encoder === 'html' ? escapeHtml(s) : s) + spec.post);
      } else {
        const r = markText(s, matchers, spec, f.numberOfFragments, f.fragmentSize);
        if (r) frags.push(...r);
      }
    }
    if (frags.length) out[field] = frags;
  }
  return Object.keys(out).length ? out : undefined;
}
