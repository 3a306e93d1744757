/**
 * Incident persistence in the data folder:
 *
 *   <dataDir>/incidents/<incident id>.json    one file per incident (incident, timeline, evidence, messages)
 *   <dataDir>/incident-templates.json          the user's own templates (built-ins are code)
 *
 * Every write is atomic (./atomic-write.ts). Changes are saved by a debounced autosave: the first
 * change starts a clock, and the write starts at most `maxDelayMs` (default 800 ms) later even
 * while changes keep coming, so a crash at any moment loses at most about the last second.
 *
 * At start every incident file is read. A file that cannot be read as an incident (bad JSON,
 * schema violation, name not matching its id) is renamed `<name>.corrupt-<epoch ms>` — kept for a
 * person to look at, never overwritten — and reported as a StorageProblem. A file written by a
 * newer Ops Console is left where it is, reported, and never written over.
 */
import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  INCIDENT_LIMITS,
  epochMs,
  evidenceSchema,
  incidentSchema,
  messageSchema,
  templateSchema,
  timelineEntrySchema,
  type IncidentDetail,
  type StorageProblem,
  type Template,
} from '../../preload/contract/incidents';
import { formatZodError } from '../core/validation';
import { CoalescingWriter, atomicWriteFileSync, removeStaleTempFiles } from './atomic-write';
import { locateJsonError } from './export-format';

const L = INCIDENT_LIMITS;

export const STORE_FORMAT = 'ops-console.incident-store';
export const TEMPLATES_FORMAT = 'ops-console.incident-templates';
export const STORE_VERSION = 1;
/** Larger files are not read at start (a healthy incident file stays far below: evidence is capped at 12 MiB). */
export const MAX_STORED_FILE_BYTES = 64 * 1024 * 1024;

/** An alert the service watches because it hit an affected instance (not linked): its last seen state. */
export const watchedAlertSchema = z
  .object({
    fingerprint: z.string().min(1).max(L.fingerprint),
    firing: z.boolean(),
    alertname: z.string().max(L.labelValue),
    instance: z.string().max(L.labelValue),
    lastChangeAt: epochMs,
  })
  .strict();
export type WatchedAlert = z.infer<typeof watchedAlertSchema>;
export const MAX_WATCHED = 1000;
const DEFAULT_RETRY_MS = 2000;

/** What the service keeps per incident: the detail everyone sees and its own alert bookkeeping. */
export interface StoredIncident {
  detail: IncidentDetail;
  watch: WatchedAlert[];
}

const storedFileSchema = z
  .object({
    format: z.literal(STORE_FORMAT),
    version: z.literal(STORE_VERSION),
    savedAt: epochMs,
    incident: incidentSchema,
    timeline: z.array(timelineEntrySchema).max(L.timeline),
    evidence: z.array(evidenceSchema).max(L.evidence),
    messages: z.array(messageSchema).max(L.messages),
    watch: z.array(watchedAlertSchema).max(MAX_WATCHED),
  })
  .strict();

const templatesFileSchema = z
  .object({
    format: z.literal(TEMPLATES_FORMAT),
    version: z.literal(STORE_VERSION),
    savedAt: epochMs,
    templates: z.array(templateSchema).max(L.templates),
  })
  .strict();

export interface IncidentStoreOptions {
  /** The data folder (HostServices.dataDir). */
  dataDir: string;
  /** Quiet time after the last change before saving; default 200 ms. */
  debounceMs?: number;
  /** Longest a change waits to be saved while changes keep coming; default 800 ms, at most 1000. */
  maxDelayMs?: number;
  now?: () => number;
  /** A save failed (disk full, permissions); the change stays pending and is retried. */
  onError?: (error: unknown, file: string) => void;
  /** Default true; see AtomicWriteOptions. */
  fsync?: boolean;
  /** Wait before retrying a failed save; default 2000 ms. */
  retryMs?: number;
}

export interface LoadResult {
  incidents: StoredIncident[];
  /** The user's templates (built-ins are not stored). */
  templates: Template[];
  problems: StorageProblem[];
}

/** Thrown (as data) by the file readers: `blocked` files are newer-version files, kept and never written. */
interface ReadFailure {
  error: string;
  blocked: boolean;
}

function describeJsonFailure(text: string): string {
  const where = locateJsonError(text);
  return where.eof
    ? `the file ends early at line ${where.line}, column ${where.column}: it was cut off`
    : `not valid JSON at line ${where.line}, column ${where.column}: ${where.reason}`;
}

function checkVersion(raw: unknown, format: string): ReadFailure | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'not a JSON object', blocked: false };
  const o = raw as Record<string, unknown>;
  if (o.format !== format) return { error: `format is ${JSON.stringify(o.format ?? null).slice(0, 80)}, expected "${format}"`, blocked: false };
  if (typeof o.version === 'number' && o.version > STORE_VERSION) {
    return { error: `made by a newer Ops Console: version ${o.version} > ${STORE_VERSION}; left untouched`, blocked: true };
  }
  return null;
}

export function serializeStoredIncident(record: StoredIncident, savedAt: number): string {
  const { incident, timeline, evidence, messages } = record.detail;
  return `${JSON.stringify({ format: STORE_FORMAT, version: STORE_VERSION, savedAt, incident, timeline, evidence, messages, watch: record.watch }, null, 1)}\n`;
}

/** Reads one stored incident file's text; throws a ReadFailure-shaped error message on anything wrong. */
export function parseStoredIncident(text: string, expectedId?: string): StoredIncident | ReadFailure {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: describeJsonFailure(text), blocked: false };
  }
  const v = checkVersion(raw, STORE_FORMAT);
  if (v) return v;
  const parsed = storedFileSchema.safeParse(raw);
  if (!parsed.success) return { error: `invalid incident file: ${formatZodError(parsed.error)}`, blocked: false };
  const d = parsed.data;
  if (expectedId !== undefined && d.incident.id !== expectedId) {
    return { error: `the file name says "${expectedId}" but it holds incident "${d.incident.id}"`, blocked: false };
  }
  return { detail: { incident: d.incident, timeline: d.timeline, evidence: d.evidence, messages: d.messages }, watch: d.watch };
}

function isFailure(x: StoredIncident | ReadFailure): x is ReadFailure {
  return 'error' in x;
}

export class IncidentStore {
  readonly incidentsDir: string;
  readonly templatesPath: string;
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;
  private readonly onError: (error: unknown, file: string) => void;
  private readonly fsync: boolean;
  private readonly retryMs: number;
  private readonly writer: CoalescingWriter;
  private readonly pending = new Map<string, StoredIncident>();
  private pendingTemplates: Template[] | null = null;
  private readonly blocked = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstDirtyAt = 0;
  private closed = false;
  private dirReady: Promise<unknown> | null = null;

  constructor(options: IncidentStoreOptions) {
    this.incidentsDir = join(options.dataDir, 'incidents');
    this.templatesPath = join(options.dataDir, 'incident-templates.json');
    this.debounceMs = Math.max(0, options.debounceMs ?? 200);
    this.maxDelayMs = Math.min(1000, Math.max(this.debounceMs, options.maxDelayMs ?? 800));
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.fsync = options.fsync ?? true;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.writer = new CoalescingWriter({ fsync: this.fsync });
  }

  pathFor(id: string): string {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(id) || id.length > L.id) throw new Error(`unsafe incident id ${JSON.stringify(id)}`);
    return join(this.incidentsDir, `${id}.json`);
  }

  /** Reads every incident file and the templates; moves unreadable files aside. */
  async loadAll(): Promise<LoadResult> {
    await mkdir(this.incidentsDir, { recursive: true });
    await removeStaleTempFiles(this.incidentsDir);
    await removeStaleTempFiles(join(this.templatesPath, '..'));
    const problems: StorageProblem[] = [];
    const incidents: StoredIncident[] = [];
    const names = (await readdir(this.incidentsDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    for (const name of names) {
      const file = join(this.incidentsDir, name);
      const id = name.slice(0, -'.json'.length);
      const result = await this.readIncidentFile(file, id);
      if (isFailure(result)) {
        problems.push(await this.setAside(file, result));
        if (result.blocked) this.blocked.add(file);
      } else incidents.push(result);
    }
    let templates: Template[] = [];
    if (existsSync(this.templatesPath)) {
      const t = await this.readTemplatesFile();
      if ('error' in t) {
        problems.push(await this.setAside(this.templatesPath, t));
        if (t.blocked) this.blocked.add(this.templatesPath);
      } else templates = t.templates;
    }
    return { incidents, templates, problems };
  }

  private async readIncidentFile(file: string, id: string): Promise<StoredIncident | ReadFailure> {
    try {
      const info = await stat(file);
      if (info.size > MAX_STORED_FILE_BYTES) return { error: `the file is ${info.size} bytes, more than an incident file can be; not read`, blocked: true };
      return parseStoredIncident(await readFile(file, 'utf8'), id);
    } catch (err) {
      return { error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, blocked: true };
    }
  }

  private async readTemplatesFile(): Promise<{ templates: Template[] } | ReadFailure> {
    let text: string;
    try {
      text = await readFile(this.templatesPath, 'utf8');
    } catch (err) {
      return { error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, blocked: true };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { error: describeJsonFailure(text), blocked: false };
    }
    const v = checkVersion(raw, TEMPLATES_FORMAT);
    if (v) return v;
    const parsed = templatesFileSchema.safeParse(raw);
    if (!parsed.success) return { error: `invalid templates file: ${formatZodError(parsed.error)}`, blocked: false };
    return { templates: parsed.data.templates.filter((t) => !t.builtIn) };
  }

  /** Corrupt files are renamed `.corrupt-<ts>`; blocked ones (newer version, unreadable) stay put. */
  private async setAside(file: string, failure: ReadFailure): Promise<StorageProblem> {
    const at = this.now();
    if (failure.blocked) return { file, movedTo: null, error: failure.error, at };
    let target = `${file}.corrupt-${at}`;
    for (let n = 1; existsSync(target); n++) target = `${file}.corrupt-${at}-${n}`;
    try {
      await rename(file, target);
      return { file, movedTo: target, error: failure.error, at };
    } catch (err) {
      this.blocked.add(file);
      return { file, movedTo: null, error: `${failure.error} (could not move it aside: ${(err as NodeJS.ErrnoException).code ?? String(err)}; it will not be overwritten)`, at };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Saving
  // -------------------------------------------------------------------------------------------

  /** Autosave: remembers the record (the newest state is serialised when the write starts). */
  schedule(record: StoredIncident): void {
    if (this.closed) return;
    this.pending.set(record.detail.incident.id, record);
    this.arm();
  }

  scheduleTemplates(templates: readonly Template[]): void {
    if (this.closed) return;
    this.pendingTemplates = templates.filter((t) => !t.builtIn);
    this.arm();
  }

  get hasPending(): boolean {
    return this.pending.size > 0 || this.pendingTemplates !== null;
  }

  private arm(): void {
    const now = this.now();
    if (this.timer === null) this.firstDirtyAt = now;
    else clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.debounceMs, this.firstDirtyAt + this.maxDelayMs - now));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  /** Saves one incident now (and waits for it). */
  async saveNow(record: StoredIncident): Promise<void> {
    const file = this.pathFor(record.detail.incident.id);
    if (this.blocked.has(file)) throw new Error(`${file} is kept as it is (it could not be read at start) and is not overwritten`);
    this.dirReady ??= mkdir(this.incidentsDir, { recursive: true });
    await this.dirReady;
    await this.writer.write(file, () => serializeStoredIncident(record, this.now()));
  }

  async saveTemplatesNow(templates: readonly Template[]): Promise<void> {
    if (this.blocked.has(this.templatesPath)) throw new Error(`${this.templatesPath} is kept as it is and is not overwritten`);
    const custom = templates.filter((t) => !t.builtIn);
    await mkdir(join(this.templatesPath, '..'), { recursive: true });
    await this.writer.write(this.templatesPath, () =>
      `${JSON.stringify({ format: TEMPLATES_FORMAT, version: STORE_VERSION, savedAt: this.now(), templates: custom }, null, 1)}\n`,
    );
  }

  /** Writes everything pending and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const records = [...this.pending.values()];
    this.pending.clear();
    const templates = this.pendingTemplates;
    this.pendingTemplates = null;
    const jobs: Promise<void>[] = records.map((r) =>
      this.saveNow(r).catch((err: unknown) => {
        this.onError(err, this.safePath(r.detail.incident.id));
        this.retry(r);
      }),
    );
    if (templates) {
      jobs.push(
        this.saveTemplatesNow(templates).catch((err: unknown) => {
          this.onError(err, this.templatesPath);
          const t = setTimeout(() => {
            if (!this.closed && this.pendingTemplates === null && !this.blocked.has(this.templatesPath)) this.scheduleTemplates(templates);
          }, this.retryMs);
          t.unref();
        }),
      );
    }
    await Promise.all(jobs);
    await this.writer.idle();
  }

  private safePath(id: string): string {
    try {
      return this.pathFor(id);
    } catch {
      return id;
    }
  }

  /** A failed save is tried again after `retryMs` (not at once: a full disk would spin). */
  private retry(record: StoredIncident): void {
    if (this.closed || this.blocked.has(this.safePath(record.detail.incident.id))) return;
    const t = setTimeout(() => {
      if (!this.closed && !this.pending.has(record.detail.incident.id)) this.schedule(record);
    }, this.retryMs);
    t.unref();
  }

  /** For the last moment of the process (quit handler): writes what is pending synchronously. */
  flushSync(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (const r of this.pending.values()) {
      const file = this.pathFor(r.detail.incident.id);
      if (this.blocked.has(file)) continue;
      try {
        atomicWriteFileSync(file, serializeStoredIncident(r, this.now()), { fsync: this.fsync });
      } catch (err) {
        this.onError(err, file);
      }
    }
    this.pending.clear();
    if (this.pendingTemplates && !this.blocked.has(this.templatesPath)) {
      try {
        atomicWriteFileSync(
          this.templatesPath,
          `${JSON.stringify({ format: TEMPLATES_FORMAT, version: STORE_VERSION, savedAt: this.now(), templates: this.pendingTemplates }, null, 1)}\n`,
          { fsync: this.fsync },
        );
      } catch (err) {
        this.onError(err, this.templatesPath);
      }
    }
    this.pendingTemplates = null;
  }

  /** Saves what is pending, then stops autosaving. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
