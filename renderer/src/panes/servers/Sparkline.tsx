import { memo, useMemo } from 'react';
import { Line, LineChart, YAxis } from 'recharts';
import type { TileSparkline } from '../../../../preload/contract';

/** CPU (solid) and memory (dashed) over the last hour; fixed size so 200 tiles stay cheap. */
export const Sparkline = memo(function Sparkline({ data, width, height }: { data: TileSparkline; width: number; height: number }) {
  const rows = useMemo(() => data.cpu.map((c, i) => ({ i, cpu: c, memory: data.memory[i] ?? null })), [data]);
  return (
    <LineChart width={width} height={height} data={rows} margin={{ top: 2, right: 0, bottom: 2, left: 0 }} aria-hidden="true">
      <YAxis hide domain={[0, 100]} />
      <Line type="monotone" dataKey="cpu" stroke="var(--spark-cpu)" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      <Line type="monotone" dataKey="memory" stroke="var(--spark-mem)" strokeWidth={1.2} strokeDasharray="3 2" dot={false} isAnimationActive={false} connectNulls={false} />
    </LineChart>
  );
});
