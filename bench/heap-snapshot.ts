/** A CDP heap snapshot of the page, and its live objects summed by type and constructor (for bench/profile-renderer.ts). */
import type { CDPSession } from 'playwright-core';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

export async function takeHeapSnapshot(s: CDPSession): Promise<RawSnapshot> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  s.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await s.send('HeapProfiler.enable');
  await s.send('HeapProfiler.collectGarbage');
  await s.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  s.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  return JSON.parse(chunks.join('')) as RawSnapshot;
}

/** Self size and count per `type name` (objects by constructor; strings, arrays, code... by type). */
export function heapByType(snap: RawSnapshot): { total: number; count: number; byType: Map<string, { count: number; size: number }> } {
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = f.length;
  const iType = f.indexOf('type');
  const iName = f.indexOf('name');
  const iSize = f.indexOf('self_size');
  const byType = new Map<string, { count: number; size: number }>();
  let total = 0;
  let count = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!] ?? '?';
    const size = snap.nodes[i + iSize]!;
    const rawName = snap.strings[snap.nodes[i + iName]!] ?? '';
    const name = type === 'object' || type === 'closure' || type === 'native' ? rawName.slice(0, 60) : type === 'array' || type === 'hidden' || type === 'code' ? rawName.slice(0, 40) : '';
    const key = `${type} ${name}`;
    const e = byType.get(key) ?? { count: 0, size: 0 };
    e.count += 1;
    e.size += size;
    byType.set(key, e);
    total += size;
    count += 1;
  }
  return { total, count, byType };
}
