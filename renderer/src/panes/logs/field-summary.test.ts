import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LogHit, LogScalar } from '../../../../preload/contract';
import { summarizeFields } from './FieldSidebar';
import { hitField, hitFieldNames } from '../../../../preload/contract';

/** The sidebar's counting as first written (string keys per type and value), to hold the faster one to. */
function reference(hits: LogHit[], known: Set<string>): Map<string, { value: LogScalar; count: number }[]> {
  const counts = new Map<string, Map<string, { value: LogScalar; count: number }>>();
  for (const h of hits.slice(0, 500)) {
    for (const f of hitFieldNames(h)) {
      if (known.has(f)) continue;
      const v = hitField(h, f) ?? null;
      let m = counts.get(f);
      if (!m) counts.set(f, (m = new Map()));
      const k = `${typeof v}:${String(v)}`;
      const e = m.get(k);
      if (e) e.count++;
      else m.set(k, { value: v, count: 1 });
    }
  }
  const out = new Map<string, { value: LogScalar; count: number }[]>();
  for (const f of [...counts.keys()].sort((a, b) => a.localeCompare(b))) out.set(f, [...counts.get(f)!.values()].sort((a, b) => b.count - a.count).slice(0, 5));
  return out;
}

test('summarizeFields: loaded-hit top values tell 1, "1", true, "true" and null apart, the message field included, as before', () => {
  const scalar = fc.constantFrom<LogScalar>(1, '1', true, 'true', null, 'null', 0, 'x', 2.5);
  const hit = fc.record({
    fields: fc.dictionary(fc.constantFrom('a', 'b', 'service', 'level', 'msg'), scalar, { maxKeys: 4 }),
    message: fc.array(fc.record({ text: fc.constantFrom('m1', 'm2', ''), hit: fc.boolean() }), { maxLength: 2 }),
    messageField: fc.constantFrom<string | null | undefined>(undefined, null, 'msg'),
  });
  fc.assert(
    fc.property(fc.array(hit, { maxLength: 40 }), (raw) => {
      const hits: LogHit[] = raw.map((r, i) => {
        const h: LogHit = { id: String(i), index: 'i', sort: [], timestamp: null, level: null, message: r.message, fields: { ...r.fields } };
        if (r.messageField !== undefined) h.messageField = r.messageField;
        if (r.messageField === 'msg' && r.message.length > 0) delete h.fields.msg;
        return h;
      });
      const got = summarizeFields(hits, [{ field: 'service', values: [{ value: 'x', count: 1 }], otherCount: 0 }], 10);
      assert.deepEqual(got[0], { field: 'service', values: [{ value: 'x', count: 1 }], base: 10, scope: 'all' });
      const want = reference(hits, new Set(['service']));
      assert.deepEqual(
        got.slice(1).map((g) => [g.field, g.values]),
        [...want.entries()],
      );
      for (const g of got.slice(1)) assert.equal(g.base, Math.min(500, hits.length));
    }),
    { numRuns: 300 },
  );
});
