/** Shared pieces of the fuzz tests (fast-check): run counts and structure-aware mutation of valid documents. */
import fc from 'fast-check';

/** FUZZ_RUNS=10000 for the full run; 1000 in the normal test run. */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1000) || 1000);

/** Fixed seed unless FUZZ_SEED is given, so a failure replays; fast-check prints seed and path. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

export function fuzzParams(runs = FUZZ_RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, ...(FUZZ_SEED !== undefined ? { seed: FUZZ_SEED } : {}) };
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Hostile leaf values: markup, script, javascript: URLs, control characters, huge strings, odd numbers. */
export const hostileLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=1</script>',
    'javascript:window.__pwned=1',
    '\u0000\u202e\ud800',
    '__proto__',
    'constructor',
    '',
    'NaN',
    '+Inf',
    '-Inf',
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    null,
    true,
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.nat(3).map((n) => 'x'.repeat(10 ** (n + 2))),
);

export const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: fc.letrec<{ deep: Json }>((tie) => ({ deep: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileLeaf, fc.array(tie('deep'), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), tie('deep'), { maxKeys: 2 })) })).deep },
);

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (out.length > 200) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], op: 'replace' | 'delete' | 'add', value: Json): Json {
  if (path.length === 0) return op === 'delete' ? null : value;
  const clone = structuredClone(root);
  let cur: Json = clone;
  for (const p of path.slice(0, -1)) cur = (cur as Record<string | number, Json>)[p] as Json;
  const last = path.at(-1)!;
  if (Array.isArray(cur)) {
    const i = Number(last);
    if (op === 'delete') cur.splice(i, 1);
    else if (op === 'add') cur.splice(i, 0, value);
    else cur[i] = value;
  } else if (cur && typeof cur === 'object') {
    if (op === 'delete') delete cur[String(last)];
    else if (op === 'add') cur[`${String(last)}_extra`] = value;
    else cur[String(last)] = value;
  }
  return clone;
}

/** A valid document with 1–3 random edits at random places (type changes, deletions, extra keys, hostile values). */
export function mutated(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace' as const, 'delete' as const, 'add' as const), anyJson), { minLength: 1, maxLength: 3 }))
    .map(([doc, edits]) => {
      let d = doc;
      for (const [n, op, value] of edits) {
        const ps = paths(d);
        d = setAt(d, ps[n % ps.length]!, op, value);
      }
      return d;
    });
}

/** Text damage: cut anywhere, a byte flipped, garbage appended, or a BOM in front. */
export function damagedText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom('cut', 'flip', 'append', 'bom', 'none'), fc.string({ maxLength: 8 })).map(([text, n, how, extra]) => {
    const i = text.length ? n % text.length : 0;
    switch (how) {
      case 'cut':
        return text.slice(0, i);
      case 'flip':
        return text.slice(0, i) + String.fromCharCode((text.charCodeAt(i) ^ 0x20) || 0x7b) + text.slice(i + 1);
      case 'append':
        return text + extra;
      case 'bom':
        return `\ufeff${text}`;
      default:
        return text;
    }
  });
}

/** Deeply nested JSON text (JSON.parse and the parsers must not die on it). */
export function deepJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}
