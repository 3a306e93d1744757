import { memo, useMemo } from 'react';
import type { StoredSparkline } from '../../store/fleet-store';

const H = 30;
const PAD = 2;

/**
 * SVG path data for one series on a 0-100 % scale: x is the sample index (the viewBox is as wide as the
 * series), a missing sample (null or NaN) breaks the line rather than joining across the gap.
 */
export function sparkPath(values: ArrayLike<number | null>, height = H, pad = PAD): string {
  const span = height - 2 * pad;
  let d = '';
  let pen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    const y = pad + span * (1 - Math.min(100, Math.max(0, v)) / 100);
    d += `${pen ? 'L' : 'M'}${i} ${Math.round(y * 10) / 10}`;
    pen = true;
  }
  return d;
}

/** CPU (solid) and memory (dashed) over the last hour: one <svg>, two paths, the path data computed once per data. */
export const Sparkline = memo(function Sparkline({ data }: { data: StoredSparkline }) {
  const cpu = useMemo(() => sparkPath(data.cpu), [data]);
  const memory = useMemo(() => sparkPath(data.memory), [data]);
  const width = Math.max(1, data.cpu.length - 1);
  return (
    <svg className="srv-sparksvg" viewBox={`0 0 ${width} ${H}`} preserveAspectRatio="none" width="100%" height={H} aria-hidden="true" focusable="false">
      <path className="spark-line spark-cpu" d={cpu} />
      <path className="spark-line spark-mem" d={memory} />
    </svg>
  );
});
