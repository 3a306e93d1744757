import { useMemo, useState } from 'react';
import type { LogFilterSpec, LogHit, LogScalar, LogTopValues } from '../../../../preload/contract';
import { hitField, messageFieldOf } from '../../../../preload/contract';
import { formatCount, valueText } from './log-format';

interface Props {
  hits: LogHit[];
  topValues: LogTopValues[];
  total: number;
  columns: string[];
  onFilter(f: LogFilterSpec): void;
  onToggleColumn(field: string): void;
}

interface FieldSummary {
  field: string;
  values: { value: LogScalar; count: number }[];
  /** What the counts are out of. */
  base: number;
  /** 'all': terms aggregation over every hit; 'loaded': the hits loaded in the table. */
  scope: 'all' | 'loaded';
}

const SAMPLE = 500;

/** Top values of each field: whole-result counts for service/level/host, the loaded hits for the rest. */
export function summarizeFields(hits: LogHit[], topValues: LogTopValues[], total: number): FieldSummary[] {
  const out: FieldSummary[] = topValues
    .filter((t) => t.values.length > 0)
    .map((t) => ({ field: t.field, values: t.values.slice(0, 5), base: total, scope: 'all' as const }));
  const known = new Set(out.map((o) => o.field));
  const sample = hits.length > SAMPLE ? hits.slice(0, SAMPLE) : hits;
  // Values are told apart by type and value (a Map keyed by the value itself: 1, '1', true, 'true', null differ).
  const counts = new Map<string, Map<LogScalar, { value: LogScalar; count: number }>>();
  const add = (f: string, v: LogScalar) => {
    let m = counts.get(f);
    if (!m) counts.set(f, (m = new Map()));
    const e = m.get(v);
    if (e) e.count++;
    else m.set(v, { value: v, count: 1 });
  };
  for (const h of sample) {
    const fields = h.fields;
    for (const f in fields) if (!known.has(f)) add(f, fields[f] ?? null);
    const m = messageFieldOf(h);
    if (m !== undefined && !known.has(m)) add(m, hitField(h, m) ?? null);
  }
  for (const f of [...counts.keys()].sort((a, b) => a.localeCompare(b))) {
    const values = [...counts.get(f)!.values()].sort((a, b) => b.count - a.count).slice(0, 5);
    out.push({ field: f, values, base: sample.length, scope: 'loaded' });
  }
  return out;
}

export function FieldSidebar({ hits, topValues, total, columns, onFilter, onToggleColumn }: Props) {
  const fields = useMemo(() => summarizeFields(hits, topValues, total), [hits, topValues, total]);
  const [open, setOpen] = useState<Record<string, boolean>>({ service: true, level: true, host: true });
  return (
    <aside className="logs-sidebar" aria-label="Fields">
      <h2 className="logs-side-title">Fields</h2>
      {fields.length === 0 && <p className="muted">No fields yet.</p>}
      {fields.map((f) => (
        <section key={f.field} className="field-block" aria-label={`Field ${f.field}`}>
          <div className="field-head">
            <button type="button" className="field-name" aria-expanded={!!open[f.field]} onClick={() => setOpen((o) => ({ ...o, [f.field]: !o[f.field] }))}>
              {open[f.field] ? '▾' : '▸'} {f.field}
            </button>
            <button type="button" className="icon-btn" aria-pressed={columns.includes(f.field)} aria-label={`Toggle column ${f.field}`} title="Show as a column" onClick={() => onToggleColumn(f.field)}>
              ▥
            </button>
          </div>
          {open[f.field] && (
            <>
              <p className="field-scope muted">{f.scope === 'all' ? `top values of all ${formatCount(f.base)} hits` : `top values in ${formatCount(f.base)} loaded hits`}</p>
              <ul className="field-values">
                {f.values.map((v) => {
                  const pct = f.base > 0 ? (100 * v.count) / f.base : 0;
                  const text = valueText(v.value);
                  return (
                    <li key={`${typeof v.value}:${text}`}>
                      <span className="fv-text" title={text}>
                        {text}
                      </span>
                      <span className="fv-count mono" title={`${formatCount(v.count)} hits`}>
                        {pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%
                      </span>
                      <button type="button" className="icon-btn" aria-label={`Filter for ${f.field}: ${text}`} onClick={() => onFilter({ field: f.field, value: v.value, negate: false })}>
                        +
                      </button>
                      <button type="button" className="icon-btn" aria-label={`Filter out ${f.field}: ${text}`} onClick={() => onFilter({ field: f.field, value: v.value, negate: true })}>
                        −
                      </button>
                      <span className="fv-bar" style={{ width: `${Math.min(100, pct)}%` }} aria-hidden="true" />
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </section>
      ))}
    </aside>
  );
}
