/**
 * Point-in-time contexts. A PIT holds the snapshot that was current when it was opened, so documents
 * appended later are not visible through it. Each search through the PIT may extend its keep_alive.
 * Expired or unknown ids answer 404 search_context_missing_exception.
 */
import { randomBytes } from 'node:crypto';
import type { Snapshot } from './types';

export interface Pit {
  id: string;
  /** Concrete index the PIT covers, or null when its pattern matched nothing. */
  index: string | null;
  snapshot: Snapshot;
  createdAt: number;
  expiresAt: number;
}

export class PitStore {
  private readonly pits = new Map<string, Pit>();
  private counter = 0;

  constructor(private readonly flavor: 'elasticsearch' | 'opensearch') {}

  open(index: string | null, snapshot: Snapshot, keepAliveMs: number, now = Date.now()): Pit {
    this.counter++;
    // Opaque base64 like the real ids (ES: "46ToAwMDaWR5…==", OpenSearch: "o463QQEPbXktaW5k…").
    const raw = Buffer.concat([Buffer.from(this.flavor === 'opensearch' ? 'o463' : '46To'), Buffer.from(`${index ?? ''}\u0000${this.counter}\u0000`), randomBytes(24)]);
    const id = raw.toString('base64');
    const pit: Pit = { id, index, snapshot, createdAt: now, expiresAt: now + keepAliveMs };
    this.pits.set(id, pit);
    return pit;
  }

  /** The live PIT, extending its life when `keepAliveMs` is given; undefined when unknown or expired. */
  use(id: string, keepAliveMs?: number, now = Date.now()): Pit | undefined {
    const pit = this.pits.get(id);
    if (!pit) return undefined;
    if (pit.expiresAt <= now) {
      this.pits.delete(id);
      return undefined;
    }
    if (keepAliveMs !== undefined) pit.expiresAt = now + keepAliveMs;
    return pit;
  }

  close(id: string, now = Date.now()): boolean {
    const pit = this.pits.get(id);
    if (!pit) return false;
    this.pits.delete(id);
    return pit.expiresAt > now;
  }

  closeAll(): string[] {
    const ids = [...this.pits.keys()];
    this.pits.clear();
    return ids;
  }

  /** Number of live PITs (expired ones are dropped). */
  live(now = Date.now()): Pit[] {
    for (const [id, p] of this.pits) if (p.expiresAt <= now) this.pits.delete(id);
    return [...this.pits.values()];
  }
}
