import { useState } from 'react';
import { Bar, BarChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LogHistogram as Histogram } from '../../../../preload/contract';
import { formatCount, localTime, shortTick } from './log-format';

interface Props {
  histogram: Histogram;
  onNarrow(from: number, to: number): void;
}

const indexOf = (s: { activeIndex?: unknown; activeTooltipIndex?: unknown }): number | null => {
  const v = Number(s.activeTooltipIndex ?? s.activeIndex);
  return Number.isInteger(v) && v >= 0 ? v : null;
};

/** Hit counts over the range; drag across it (or click a bar) to narrow the range. */
export function LogHistogram({ histogram, onNarrow }: Props) {
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const buckets = histogram.buckets;
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const span = buckets.length > 0 ? buckets[buckets.length - 1]!.key + histogram.intervalMs - buckets[0]!.key : 0;
  const finish = () => {
    if (!drag) return;
    const lo = Math.min(drag.a, drag.b);
    const hi = Math.max(drag.a, drag.b);
    setDrag(null);
    const from = buckets[lo]?.key;
    const last = buckets[hi]?.key;
    if (from !== undefined && last !== undefined) onNarrow(from, last + histogram.intervalMs - 1);
  };
  return (
    <div
      className="logs-histogram"
      role="img"
      aria-label={`Hits over time: ${formatCount(total)} hits in ${buckets.length} buckets of ${Math.round(histogram.intervalMs / 1000)} s; drag across to narrow the range`}
      data-total={total}
      data-buckets={buckets.length}
      onMouseLeave={() => setDrag(null)}
    >
      <ResponsiveContainer width="100%" height={110}>
        <BarChart
          data={buckets}
          margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
          barCategoryGap={1}
          onMouseDown={(s) => {
            const i = indexOf(s);
            if (i !== null) setDrag({ a: i, b: i });
          }}
          onMouseMove={(s) => {
            const i = indexOf(s);
            if (drag && i !== null && i !== drag.b) setDrag({ ...drag, b: i });
          }}
          onMouseUp={finish}
        >
          <XAxis dataKey="key" tickFormatter={(v: number) => shortTick(v, span)} minTickGap={40} tick={{ fontSize: 11, fill: 'var(--muted)' }} stroke="var(--border)" />
          <YAxis width={44} allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} stroke="var(--border)" />
          <Tooltip
            cursor={{ fill: 'var(--panel-2)' }}
            isAnimationActive={false}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', color: 'var(--text)' }}
            labelFormatter={(v) => localTime(Number(v))}
            formatter={(v) => [formatCount(Number(v)), 'hits']}
          />
          <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
          {drag && buckets[drag.a] && buckets[drag.b] && (
            <ReferenceArea x1={buckets[Math.min(drag.a, drag.b)]!.key} x2={buckets[Math.max(drag.a, drag.b)]!.key} fill="var(--accent)" fillOpacity={0.2} />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
