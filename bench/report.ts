/** The benchmark table and its one machine-readable JSON line. */
export interface Figure {
  /** e.g. "1", "2a". */
  id: string;
  name: string;
  /** Measured value (ratio, ms, bytes, count...); null when it could not be measured. */
  value: number | null;
  unit: string;
  /** Human text of the target, e.g. "≤ 1.5". */
  target: string;
  /** null: informational, no target. */
  pass: boolean | null;
  /** What else was measured, for the JSON line and the notes. */
  detail?: Record<string, unknown>;
  note?: string;
}

export function le(value: number | null, limit: number): boolean | null {
  return value === null || !Number.isFinite(value) ? null : value <= limit;
}

function fmt(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return 'n/a';
  const n = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${n} ${unit}` : n;
}

export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => [f.id, f.name, fmt(f.value, f.unit), f.target, f.pass === null ? (f.value === null ? 'NOT MEASURED' : 'info') : f.pass ? 'pass' : 'FAIL']);
  const head = ['#', 'figure', 'measured', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

export function jsonLine(figures: Figure[], machine: Record<string, unknown>): string {
  return JSON.stringify({ bench: 'ops-console', at: new Date().toISOString(), machine, figures });
}
