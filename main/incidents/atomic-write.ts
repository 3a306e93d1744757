/**
 * Crash-safe file replacement, for any small data file (incidents, templates, settings):
 *
 *   1. write the new content to a temporary file in the SAME directory (`.<name>.tmp-<pid>-<n>-<rand>`),
 *   2. fsync it (the bytes are on disk before the name points at them),
 *   3. rename it over the target (atomic on POSIX and NTFS: readers see the old or the new file,
 *      never a mix),
 *   4. fsync the directory (the rename itself survives a power cut).
 *
 * A crash at any moment leaves the previous version or the new one, plus at worst a stray temp
 * file, which `removeStaleTempFiles` clears at the next start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a new file; default 0o600 (user data can be private). */
  mode?: number;
  /** fsync file and directory; default true. Only tests of other things should turn this off. */
  fsync?: boolean;
}

const TEMP_TAG = '.tmp-';
let counter = 0;

function tempPathFor(path: string): string {
  counter = (counter + 1) % 1_000_000;
  return join(dirname(path), `.${basename(path)}${TEMP_TAG}${process.pid}-${counter}-${randomBytes(4).toString('hex')}`);
}

/** True for the temp files this module creates (hidden, `.tmp-` in the name). */
export function isAtomicTempFile(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_TAG);
}

const RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** Windows refuses to rename over a file another process (an indexer, an antivirus) holds open for a moment. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !RETRY_CODES.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open or fsync a directory; some file systems refuse it. The rename is still atomic.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(code)) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Replaces `path` with `data` so that a crash leaves either the old or the new content. */
export async function atomicWriteFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const sync = options.fsync ?? true;
  const tmp = tempPathFor(path);
  let handle;
  try {
    handle = await open(tmp, 'wx', options.mode ?? 0o600);
    await handle.writeFile(data);
    if (sync) await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (sync) await fsyncDir(dirname(path));
}

/** The same, synchronously: for the last save while the process is quitting. */
export function atomicWriteFileSync(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const sync = options.fsync ?? true;
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', options.mode ?? 0o600);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (sync) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    throw err;
  }
  if (sync) {
    try {
      const dfd = openSync(dirname(path), 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch {
      // see fsyncDir
    }
  }
}

/** Deletes temp files left by writes a crash interrupted; returns their names. Only this module's temp files. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!isAtomicTempFile(name) || name.includes(`${TEMP_TAG}${process.pid}-`)) continue; // this process's own temp files are writes in progress
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // another process (a second console) may be mid-write; leave it
    }
  }
  return removed;
}

/**
 * Serialises writes per path and coalesces bursts: while one write of a path runs, only the latest
 * requested content waits; earlier waiting content is dropped (it is already out of date). Every
 * caller's promise settles when content at least as new as its own is on disk.
 */
export class CoalescingWriter {
  private readonly state = new Map<string, { running: Promise<void>; next: { data: () => string | Uint8Array; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | null }>();

  constructor(private readonly options: AtomicWriteOptions = {}) {}

  /** `data` is called just before writing, so the newest state is what gets written. */
  write(path: string, data: () => string | Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const s = this.state.get(path);
      if (s) {
        if (s.next) {
          s.next.data = data;
          s.next.waiters.push({ resolve, reject });
        } else s.next = { data, waiters: [{ resolve, reject }] };
        return;
      }
      this.start(path, data, [{ resolve, reject }]);
    });
  }

  /** Resolves when nothing is being written. */
  async idle(): Promise<void> {
    while (this.state.size > 0) {
      await Promise.allSettled([...this.state.values()].map((s) => s.running));
    }
  }

  private start(path: string, data: () => string | Uint8Array, waiters: { resolve: () => void; reject: (e: unknown) => void }[]): void {
    const entry: { running: Promise<void>; next: { data: () => string | Uint8Array; waiters: typeof waiters } | null } = { running: Promise.resolve(), next: null };
    this.state.set(path, entry);
    entry.running = (async () => {
      try {
        await atomicWriteFile(path, data(), this.options);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
      const next = entry.next;
      this.state.delete(path);
      if (next) this.start(path, next.data, next.waiters);
    })();
  }
}
