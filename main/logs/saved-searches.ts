/**
 * Saved searches and recent queries of the Logs pane, in `<dataDir>/logs-searches.json`, written
 * atomically (a crash leaves the old or the new file). A file that cannot be read is moved aside as
 * `logs-searches.json.corrupt-<time>` and the lists start empty.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecentQuery, SavedSearch, SavedSearches } from '../../preload/contract';
import { CoalescingWriter } from '../incidents/atomic-write';

export const SEARCHES_FILE = 'logs-searches.json';
const MAX_RECENT = 20;
const MAX_SAVED = 200;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const fileSchema = z.object({
  version: z.literal(1),
  saved: z.array(
    z.object({
      name: z.string(),
      source: z.string().nullable(),
      query: z.string(),
      filters: z.array(z.object({ field: z.string(), value: scalar, negate: z.boolean() })),
      columns: z.array(z.string()),
      range: z.object({ kind: z.enum(['relative', 'absolute']), ms: z.number().optional(), from: z.number().optional(), to: z.number().optional() }),
      savedAt: z.number(),
    }),
  ),
  recent: z.array(z.object({ query: z.string(), source: z.string().nullable(), at: z.number() })),
});

export class SavedSearchStore {
  private data: SavedSearches | null = null;
  private loading: Promise<SavedSearches> | null = null;
  private readonly writer = new CoalescingWriter();
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.path = join(dir, SEARCHES_FILE);
  }

  async list(): Promise<SavedSearches> {
    const d = await this.load();
    return { saved: [...d.saved], recent: [...d.recent] };
  }

  /** Saves (or replaces, by name) a search. */
  async save(s: Omit<SavedSearch, 'savedAt'>): Promise<SavedSearches> {
    const d = await this.load();
    const entry: SavedSearch = { ...s, savedAt: this.now() };
    const rest = d.saved.filter((x) => x.name !== s.name);
    if (rest.length >= MAX_SAVED) throw new RangeError(`at most ${MAX_SAVED} saved searches; delete one first`);
    d.saved = [...rest, entry].sort((a, b) => a.name.localeCompare(b.name));
    await this.persist();
    return this.list();
  }

  /** Deletes by name; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const d = await this.load();
    const before = d.saved.length;
    d.saved = d.saved.filter((x) => x.name !== name);
    if (d.saved.length === before) return false;
    await this.persist();
    return true;
  }

  /** Remembers a query (most recent first, no duplicates, at most 20). Empty queries are not kept. */
  async remember(query: string, source: string | null): Promise<void> {
    const q = query.trim();
    if (q === '') return;
    const d = await this.load();
    const entry: RecentQuery = { query: q, source, at: this.now() };
    d.recent = [entry, ...d.recent.filter((r) => !(r.query === q && r.source === source))].slice(0, MAX_RECENT);
    await this.persist();
  }

  async clearRecent(): Promise<SavedSearches> {
    const d = await this.load();
    d.recent = [];
    await this.persist();
    return this.list();
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  private load(): Promise<SavedSearches> {
    if (this.data) return Promise.resolve(this.data);
    this.loading ??= (async () => {
      let text: string | null = null;
      try {
        text = await readFile(this.path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      let data: SavedSearches = { saved: [], recent: [] };
      if (text !== null) {
        try {
          const parsed = fileSchema.parse(JSON.parse(text));
          data = { saved: parsed.saved as SavedSearch[], recent: parsed.recent };
        } catch {
          await rename(this.path, `${this.path}.corrupt-${this.now()}`).catch(() => undefined);
        }
      }
      this.data = data;
      return data;
    })();
    return this.loading;
  }

  private async persist(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.writer.write(this.path, () => JSON.stringify({ version: 1, ...this.data }, null, 2) + '\n');
  }
}
