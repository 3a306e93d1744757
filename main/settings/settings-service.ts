/**
 * Settings as a core feature: 'settings.get' / 'settings.update' / 'settings.testConnection' /
 * 'settings.export' / 'settings.import' / 'settings.reset', and the 'settings.state' event.
 *
 * Persistence: `<dataDir>/settings.json`, written atomically, holding only the top-level keys the user
 * saved (see settings-model.ts for how they combine with the config file, which is never written).
 * Secrets typed in Settings go to the host's {@link SecretStore}; the file holds `{ "secretRef" }`.
 * Where the store is weak (safeStorage basic_text) an update carrying a new secret is refused with
 * code 'conflict' and a message starting "weak-secret-storage:" until the user agrees
 * (`allowWeakSecrets: true`). Secret values are never logged and never part of an error message.
 */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsState, TestConnectionResult } from '../../preload/contract';
import type { ConsoleCore, Feature } from '../core/console-core';
import type { ConsoleConfig } from '../config/schema';
import type { SecretResolver } from '../clients/http';
import { inlineSecrets } from '../clients/http';
import { ConsoleError } from '../core/errors';
import { atomicWriteFile } from '../incidents/atomic-write';
import { noSecretStore, type SecretStore } from './secret-store';
import { SettingsError, checkPatchKeys, clone, combine, exportFileName, exportable, parseImport, redactSecrets, secretSlots } from './settings-model';
import { testConnection, type TestKind } from './test-connection';

export const SETTINGS_FILE = 'settings.json';
export const WEAK_SECRET_PREFIX = 'weak-secret-storage:';

interface SettingsFile {
  version: 1;
  savedAt: string;
  settings: Record<string, unknown>;
}

export interface SettingsServiceOptions {
  secrets?: SecretStore;
  /** Default: host.dataDir. */
  dataDir?: string;
}

export class SettingsService implements Feature {
  readonly path: string;
  private readonly secrets: SecretStore;
  private readonly base: ConsoleConfig | null;
  /** Config-file secrets by ref, kept in memory only. */
  private readonly baseInline: Map<string, string>;
  private saved: Record<string, unknown> = {};
  private problem: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly core: ConsoleCore,
    opts: SettingsServiceOptions = {},
  ) {
    this.secrets = opts.secrets ?? noSecretStore;
    this.path = join(opts.dataDir ?? core.host.dataDir, SETTINGS_FILE);
    this.base = core.settings;
    this.baseInline = this.base ? redactSecrets(this.base).inline : new Map();
    this.load();
    core.provideSnapshot('settings.state', () => this.state());
    core.handle('settings.get', () => this.state());
    core.handle('settings.update', ({ patch, allowWeakSecrets }) => this.serial(() => this.update(patch, allowWeakSecrets ?? false)));
    core.handle('settings.testConnection', ({ kind, connection }) => this.test(kind, connection));
    core.handle('settings.export', () => this.exportText());
    core.handle('settings.import', ({ text }) => this.serial(() => this.importText(text)));
    core.handle('settings.reset', () => this.serial(() => this.reset()));
  }

  async dispose(): Promise<void> {
    await this.chain; // a save in progress finishes
  }

  /** Reads the saved edits; a broken file is moved aside (kept for the user) and reported, never lost. */
  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return; // nothing saved yet
    }
    try {
      const file = JSON.parse(text) as SettingsFile;
      if (!file || typeof file !== 'object' || typeof file.settings !== 'object' || file.settings === null) throw new Error('no "settings" object');
      checkPatchKeys(file.settings);
      const effective = this.effective(file.settings, this.path);
      this.saved = file.settings;
      // Runs before core.start(): the first environment starts with the saved settings.
      void this.core.applyConfig(effective);
    } catch (err) {
      const aside = `${this.path}.unreadable-${Date.now()}`;
      try {
        renameSync(this.path, aside);
      } catch {
        // keep it where it is; the next save replaces it
      }
      this.problem = `saved settings ignored (${err instanceof SettingsError ? err.message : `${this.path}: ${(err as Error).message}`}); the file was kept as ${aside}`;
    }
  }

  /** The configuration to run with: saved keys over the config file, inline config-file secrets restored in memory. */
  private effective(saved: Record<string, unknown>, source = 'settings'): ConsoleConfig {
    const cfg = combine(this.base, saved, source);
    for (const slot of secretSlots(cfg)) {
      if (typeof slot.value !== 'string' && !this.secrets.has(slot.value.secretRef)) {
        const inline = this.baseInline.get(slot.value.secretRef);
        if (inline !== undefined) slot.set(inline);
      }
    }
    return cfg;
  }

  private current(): ConsoleConfig | null {
    return this.core.settings;
  }

  state(): SettingsState {
    const cfg = this.current();
    const redacted = cfg ? redactSecrets(cfg).config : null;
    const storedSecrets: Record<string, boolean> = {};
    for (const slot of secretSlots(redacted)) {
      const ref = typeof slot.value === 'string' ? slot.ref : slot.value.secretRef;
      storedSecrets[ref] = this.secrets.has(ref) || this.baseInline.has(ref);
    }
    return {
      config: redacted,
      savedKeys: Object.keys(this.saved),
      configPath: this.core.environmentsState().configPath,
      settingsPath: this.path,
      secrets: { available: this.secrets.isAvailable(), weak: this.secrets.isWeak(), description: this.secrets.description },
      storedSecrets,
      problem: this.problem,
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async update(patch: Record<string, unknown>, allowWeak: boolean): Promise<SettingsState> {
    try {
      checkPatchKeys(patch);
    } catch (err) {
      throw new ConsoleError('invalid-argument', (err as Error).message);
    }
    const nextSaved = { ...this.saved, ...clone(patch) };
    // Validate everything (plain secrets are valid values) before anything is stored or written.
    try {
      combine(this.base, nextSaved);
    } catch (err) {
      throw new ConsoleError('invalid-argument', (err as Error).message);
    }
    // Plain secrets typed by the user go to the secret store; the settings keep only their ref.
    const plain = secretSlots(nextSaved).filter((s) => typeof s.value === 'string');
    const fresh = plain.filter((s) => this.baseInline.get(s.ref) !== s.value);
    if (fresh.length > 0) {
      if (!this.secrets.isAvailable()) {
        throw new ConsoleError('unavailable', `cannot store the secret for ${fresh.map((s) => s.ref).join(', ')}: no secure storage in this host (${this.secrets.description})`);
      }
      if (this.secrets.isWeak() && !allowWeak) {
        throw new ConsoleError(
          'conflict',
          `${WEAK_SECRET_PREFIX} no OS keyring is available, so secrets would only be obfuscated on disk (readable by anyone with access to your user account). Store anyway?`,
        );
      }
    }
    for (const slot of plain) {
      if (this.baseInline.get(slot.ref) !== slot.value) await this.secrets.set(slot.ref, slot.value as string);
      slot.set({ secretRef: slot.ref });
    }
    const effective = this.effective(nextSaved);
    await this.persist(nextSaved);
    this.saved = nextSaved;
    this.problem = null;
    await this.core.applyConfig(effective);
    return this.publish();
  }

  private async importText(text: string): Promise<SettingsState> {
    let patch: Record<string, unknown>;
    try {
      patch = parseImport(text);
    } catch (err) {
      throw new ConsoleError('invalid-argument', (err as Error).message);
    }
    // An import replaces every setting it carries; keys it does not carry fall back to the config file.
    const keep: Record<string, unknown> = {};
    const prev = this.saved;
    this.saved = keep;
    try {
      return await this.update(patch, false);
    } catch (err) {
      this.saved = prev;
      throw err;
    }
  }

  private async reset(): Promise<SettingsState> {
    if (!this.base) throw new ConsoleError('conflict', 'there is no config file to go back to: edit the settings instead');
    await this.persist({});
    this.saved = {};
    this.problem = null;
    await this.core.applyConfig(this.effective({}));
    return this.publish();
  }

  private exportText(): { text: string; fileName: string } {
    const cfg = this.current();
    if (!cfg) throw new ConsoleError('not-found', 'nothing to export: no environments are configured yet');
    const { config } = exportable(cfg);
    return { text: `${JSON.stringify(config, null, 2)}\n`, fileName: exportFileName(this.core.now()) };
  }

  private async test(kind: TestKind, connection: unknown): Promise<TestConnectionResult> {
    const hostResolve: SecretResolver = this.core.host.resolveSecret ?? inlineSecrets;
    const resolve: SecretResolver = (v) => {
      if (typeof v !== 'string' && !this.secrets.has(v.secretRef)) {
        const inline = this.baseInline.get(v.secretRef);
        if (inline !== undefined) return inline;
      }
      return hostResolve(v);
    };
    return testConnection(kind, connection, resolve, this.current()?.polling.timeoutMs ?? 10_000);
  }

  private async persist(saved: Record<string, unknown>): Promise<void> {
    // Last line of defence: nothing but refs in secret fields.
    if (secretSlots(saved).some((s) => typeof s.value === 'string')) throw new Error('refusing to write a secret to the settings file');
    const file: SettingsFile = { version: 1, savedAt: new Date(this.core.now()).toISOString(), settings: saved };
    await atomicWriteFile(this.path, `${JSON.stringify(file, null, 2)}\n`);
  }

  private publish(): SettingsState {
    const s = this.state();
    this.core.emit('settings.state', s);
    return s;
  }
}
