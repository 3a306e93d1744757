import type { AlertView } from '../../preload/contract';
import type { GettableAlert } from '../clients/alertmanager';
import { singleSourceView } from './alert-merge';

/**
 * When the inbox is empty (an environment's first poll), alerts are shown as their answer streams in rather
 * than after all of it: at 50,000 alerts the answer is 20 MB, and on a laptop's VPN its download alone takes
 * seconds; karma and Alertmanager's own UI show nothing until the whole answer is in. The first rows go out
 * with the first network chunk, then what arrived since at most every `everyMs`.
 *
 * What is shown is provisional (one replica's view, no acknowledgement yet): it goes into the feature's
 * alert map, so the end of the poll sends only what the full merge changes. If the poll fails, `retract`
 * takes it all back, so a half-read answer never stands as the list.
 */
export class FirstLoad {
  private pending: AlertView[] = [];
  private readonly shown: string[] = [];
  private lastFlush = -Infinity;

  constructor(
    private readonly alerts: Map<string, AlertView>,
    private readonly emit: (upserted: AlertView[], removed: string[]) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly everyMs = 250,
  ) {}

  add(source: string, batch: GettableAlert[]): void {
    for (const a of batch) {
      if (this.alerts.has(a.fingerprint)) continue;
      const view = singleSourceView(a, source);
      this.alerts.set(a.fingerprint, view);
      this.pending.push(view);
      this.shown.push(a.fingerprint);
    }
    if (this.now() - this.lastFlush >= this.everyMs) this.flush();
  }

  /** Whether anything was shown (the other features have not heard of it yet). */
  get showedAny(): boolean {
    return this.shown.length > 0;
  }

  /** Sends what arrived since the last flush (the end of the poll calls it before the full merge). */
  flush(): void {
    this.lastFlush = this.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.emit(batch, []);
  }

  /** The poll failed: whatever was shown is taken back. */
  retract(): void {
    this.pending = [];
    if (this.shown.length === 0) return;
    for (const fp of this.shown) this.alerts.delete(fp);
    this.emit([], this.shown.splice(0));
  }
}
