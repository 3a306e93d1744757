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
  setFlagsFromString('--heap-growing-percent=10');
  setFlagsFromString('--compact-on-every-full-gc');
}
