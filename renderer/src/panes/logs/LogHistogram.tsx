import { useRef, useState, type PointerEvent } from 'react';
import type { LogHistogram as Histogram } from '../../../../preload/contract';
import { formatCount, localTime, shortTick } from './log-format';
import './log-histogram.css';

interface Props {
  histogram: Histogram;
  onNarrow(from: number, to: number): void;
}

const TICKS = 6;

/**
 * Hit counts over the range; drag across it (or click a bar) to narrow the range. Plain SVG (one rect per
 * bucket, scaled by the viewBox) drawn in the same frame as the hit rows: no chart library, no measuring
 * pass before the first draw. Axis labels are HTML placed by percentage, so they are not stretched.
 * Pointer events on the SVG, captured while dragging, so a drag that leaves the plot still ends.
 */
export function LogHistogram({ histogram, onNarrow }: Props) {
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const dragRef = useRef<{ a: number; b: number } | null>(null);
  const buckets = histogram.buckets;
  const n = buckets.length;
  let total = 0;
  let max = 0;
  for (const b of buckets) {
    total += b.count;
    if (b.count > max) max = b.count;
  }
  const top = max > 0 ? max : 1;
  const span = n > 0 ? buckets[n - 1]!.key + histogram.intervalMs - buckets[0]!.key : 0;
  const step = Math.max(1, Math.ceil(n / TICKS));

  const indexAt = (e: PointerEvent<SVGSVGElement>): number | null => {
    if (n === 0) return null;
    const r = e.currentTarget.getBoundingClientRect();
    if (r.width <= 0) return null;
    return Math.min(n - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * n)));
  };
  const setBoth = (d: { a: number; b: number } | null) => {
    dragRef.current = d;
    setDrag(d);
  };
  const finish = () => {
    const d = dragRef.current;
    if (!d) return;
    setBoth(null);
    const lo = Math.min(d.a, d.b);
    const hi = Math.max(d.a, d.b);
    const from = buckets[lo]?.key;
    const last = buckets[hi]?.key;
    if (from !== undefined && last !== undefined) onNarrow(from, last + histogram.intervalMs - 1);
  };
  const hovered = hover !== null ? buckets[hover] : undefined;
  return (
    <div
      className="logs-histogram"
      role="img"
      aria-label={`Hits over time: ${formatCount(total)} hits in ${n} buckets of ${Math.round(histogram.intervalMs / 1000)} s; drag across to narrow the range`}
      data-total={total}
      data-buckets={n}
    >
      <div className="lh-y" aria-hidden="true">
        <span>{formatCount(max)}</span>
        <span>{max > 1 ? formatCount(Math.round(max / 2)) : ''}</span>
        <span>0</span>
      </div>
      <div className="lh-plot">
        <svg
          className="recharts-surface lh-svg"
          viewBox={`0 0 ${Math.max(1, n)} ${top}`}
          preserveAspectRatio="none"
          aria-hidden="true"
          onPointerDown={(e) => {
            if (e.button !== 0) return;
            const i = indexAt(e);
            if (i === null) return;
            e.preventDefault();
            e.currentTarget.setPointerCapture(e.pointerId);
            setBoth({ a: i, b: i });
          }}
          onPointerMove={(e) => {
            const i = indexAt(e);
            if (i !== hover) setHover(i);
            const d = dragRef.current;
            if (d && i !== null && i !== d.b) setBoth({ a: d.a, b: i });
          }}
          onPointerUp={(e) => {
            const i = indexAt(e);
            const d = dragRef.current;
            if (d && i !== null) dragRef.current = { a: d.a, b: i };
            finish();
          }}
          onPointerCancel={() => setBoth(null)}
          onPointerLeave={() => setHover(null)}
        >
          {hovered && <rect className="lh-cursor" x={hover!} y={0} width={1} height={top} />}
          {buckets.map((b, i) => (
            <rect key={b.key} className="recharts-bar-rectangle lh-bar" x={i + 0.06} width={0.88} y={top - b.count} height={b.count} />
          ))}
          {drag && <rect className="lh-sel" x={Math.min(drag.a, drag.b)} y={0} width={Math.abs(drag.b - drag.a) + 1} height={top} />}
        </svg>
        <div className="lh-x" aria-hidden="true">
          {buckets.map((b, i) =>
            i % step === 0 ? (
              <span key={b.key} style={{ left: `${(i / n) * 100}%` }}>
                {shortTick(b.key, span)}
              </span>
            ) : null,
          )}
        </div>
        {hovered && !drag && (
          <div className="lh-tip" style={hover! < n / 2 ? { left: `${((hover! + 1) / n) * 100}%` } : { right: `${((n - hover!) / n) * 100}%` }}>
            {localTime(hovered.key)} · <strong>{formatCount(hovered.count)}</strong> hits
          </div>
        )}
      </div>
    </div>
  );
}
