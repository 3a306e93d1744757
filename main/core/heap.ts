import { setFlagsFromString } from 'node:v8';

/**
 * The core is a long-running process with a steady live set (~90 MB at 50,000 alerts) and a poll's worth of
 * short-lived garbage every few seconds. V8's default heap growth lets the old generation reach two to three
 * times the live set between full collections, which users see as a console whose memory keeps climbing
 * (measured: 242 → 474 MB RSS in 2 minutes of churn at 50,000 alerts). A growth factor of 1.1 keeps the heap
 * within a tenth of what is live (measured with it: 152–191 MB over 3 minutes of the same churn; with 1.25,
 * 186–212 MB), for a full collection about every other poll at that size. No hard cap: a fleet larger
 * than planned still fits, it just collects more often. Set at start-up by both hosts (V8 reads the factor
 * each time it sizes the heap, so setting it at run time works).
 *
 * Every full collection also compacts: under churn with the fleet polled alongside, the old space's live
 * objects stayed at ~45–50 MB while its committed pages grew 55 → 80 MB in 8 minutes (partly filled pages V8
 * did not compact), and RSS with them (figure 6c: +12 % in 8 min). Compacting on every full GC kept the old
 * space within a few MB of what is live (46–55 MB) and 6c at +2.7 % over 5 minutes (bench/memory.ts with
 * BENCH_CORE_MEMLOG; one diagnostic run). The cost is moving the live set at each full collection.
 */
export function tuneHeapForLongRunningCore(): void {
  heapPolicy.tune();
}

/** How long after the last burst the heap is held tight again. */
export const BURST_QUIET_MS = 60_000;

const TIGHT = ['--heap-growing-percent=10', '--compact-on-every-full-gc'];
const LOOSE = ['--heap-growing-percent=0', '--no-compact-on-every-full-gc'];

/**
 * The tight policy above, and a loose one while the user drives bursts of allocation (log searches: a
 * 10,000-hit page is ~3 MB of text and ~15 MB of objects that live until converted). Under the tight policy
 * every such search ran a compacting full collection: in the core, 8 searches each way, every search ran a
 * Mark-Compact tight and none loose after the first, core CPU ~90 against ~45–60 ms per search (`--trace-gc`,
 * bench machine under load). V8 sizes the heap at each full collection, so the first search of a series still
 * meets the tight limit; the ones after it do not. `BURST_QUIET_MS` after the last one the tight flags are
 * back, and the next full collection sizes the heap tightly again, so the steady state figure 6c measures is
 * unchanged. Does nothing unless the host tuned the heap.
 */
export class HeapPolicy {
  private tuned = false;
  private relaxTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly setFlags: (flags: string) => void = setFlagsFromString) {}

  tune(): void {
    this.tuned = true;
    if (!this.relaxTimer) this.apply(TIGHT);
  }

  relaxForBurst(quietMs = BURST_QUIET_MS): void {
    if (!this.tuned) return;
    if (this.relaxTimer) clearTimeout(this.relaxTimer);
    else this.apply(LOOSE);
    this.relaxTimer = setTimeout(() => {
      this.relaxTimer = null;
      this.apply(TIGHT);
    }, quietMs);
    (this.relaxTimer as { unref?: () => void }).unref?.();
  }

  private apply(flags: readonly string[]): void {
    for (const f of flags) this.setFlags(f);
  }
}

const heapPolicy = new HeapPolicy();

/** A burst is under way (see HeapPolicy): the process-wide policy, as tuned by the host. */
export function relaxHeapForBurst(quietMs?: number): void {
  heapPolicy.relaxForBurst(quietMs);
}
