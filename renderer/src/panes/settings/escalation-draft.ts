/**
 * The Escalation section's working copy and how it maps to the config's `escalation` (global and per
 * environment, main/config/schema.ts escalationSchema), what an empty field inherits and from where
 * (environment → global → <dataDir>/escalation-matrix.json → the runbook, field by field, as
 * main/incidents/incidents-feature.ts escalationFor does), and the schema's errors by field path.
 *
 * In the draft, an empty title and `contacts: null` mean "not set here: inherited". `contacts: []` is
 * kept apart from null: the config may say "no contacts at this level" on purpose.
 */
import { escalationSchema, type EscalationConfig } from '../../../../main/config/schema';
import { DEFAULT_ESCALATION_MATRIX } from '../../../../main/incidents/policy';
import type { EscalationLevelDef } from '../../../../preload/contract';

export const MAX_LEVELS = 4;
export const MAX_CONTACTS = 50;
export const LEVEL_NUMBERS = [1, 2, 3, 4] as const;

export interface DraftLevel {
  level: number;
  /** '' (or only spaces): not set here. */
  title: string;
  /** null: not set here; []: set to "nobody". */
  contacts: string[] | null;
}

type ConfigLevel = EscalationConfig['levels'][number];

/** Config → draft, in level order (the order in the file means nothing: levels are found by number); a missing section is null. */
export function draftLevels(escalation: unknown): DraftLevel[] | null {
  const levels = (escalation as { levels?: unknown } | null | undefined)?.levels;
  if (!Array.isArray(levels)) return null;
  return levels
    .map((l: Partial<ConfigLevel>) => ({
      level: typeof l.level === 'number' ? l.level : 1,
      title: typeof l.title === 'string' ? l.title : '',
      contacts: Array.isArray(l.contacts) ? [...l.contacts] : null,
    }))
    .sort((a, b) => a.level - b.level);
}

/**
 * Draft → config, as typed (the schema trims and checks at the boundary): an empty title and null
 * contacts are left out; a null section stays out of the config.
 */
export function escalationOf(levels: DraftLevel[] | null | undefined): { levels: Record<string, unknown>[] } | undefined {
  if (!levels) return undefined;
  return {
    levels: levels.map((l) => {
      const out: Record<string, unknown> = { level: l.level };
      if (l.title.trim() !== '') out.title = l.title;
      if (l.contacts !== null) out.contacts = [...l.contacts];
      return out;
    }),
  };
}

/** The smallest level number not used yet, or null when all four are there. */
export function nextLevelNumber(levels: DraftLevel[] | null): number | null {
  const used = new Set((levels ?? []).map((l) => l.level));
  return LEVEL_NUMBERS.find((n) => !used.has(n)) ?? null;
}

/** A section with one more level (the first free number, placed before the first higher one), or unchanged at four. */
export function addLevel(levels: DraftLevel[] | null): DraftLevel[] {
  const list = levels ?? [];
  const n = nextLevelNumber(list);
  if (n === null || list.length >= MAX_LEVELS) return list;
  const at = list.findIndex((l) => l.level > n);
  const next = [...list];
  next.splice(at === -1 ? list.length : at, 0, { level: n, title: '', contacts: null });
  return next;
}

/**
 * Without entry `i`. The schema wants at least one level in a section, so removing the last one
 * removes the section (everything is inherited again).
 */
export function removeLevel(levels: DraftLevel[], i: number): DraftLevel[] | null {
  const next = levels.filter((_, k) => k !== i);
  return next.length === 0 ? null : next;
}

/**
 * Moves entry `i` by `by` (-1 up, +1 down): the title and contacts change places with the neighbour's,
 * the level numbers stay where they are (moving "Dana" up makes Dana the lower level).
 */
export function moveLevel(levels: DraftLevel[], i: number, by: -1 | 1): DraftLevel[] {
  const j = i + by;
  if (j < 0 || j >= levels.length) return levels;
  const next = levels.map((l) => ({ ...l }));
  const a = next[i]!;
  const b = next[j]!;
  next[i] = { level: a.level, title: b.title, contacts: b.contacts };
  next[j] = { level: b.level, title: a.title, contacts: a.contacts };
  return next;
}

export type Layer = 'environment' | 'global' | 'file' | 'runbook' | 'file-or-runbook';

export interface Inherited<T> {
  value: T;
  from: Layer;
}

/**
 * What the layers under the config (escalation-matrix.json, then the runbook) give each level, as far
 * as the renderer can tell: the matrix in force for the active environment shows them for every field
 * the saved config leaves unset; elsewhere only the runbook's title is known for sure.
 */
export interface LowerLayers {
  title(level: number): Inherited<string>;
  contacts(level: number): Inherited<string[]>;
}

function runbook(level: number): EscalationLevelDef | undefined {
  return DEFAULT_ESCALATION_MATRIX.find((d) => d.level === level);
}

export function lowerLayers(opts: { inForce: readonly EscalationLevelDef[]; savedConfig: unknown; activeEnvironment: string | null }): LowerLayers {
  const cfg = (opts.savedConfig ?? {}) as { escalation?: unknown; environments?: { name?: unknown; escalation?: unknown }[] };
  const global = draftLevels(cfg.escalation) ?? [];
  const envCfg = Array.isArray(cfg.environments) ? cfg.environments.find((e) => e.name === opts.activeEnvironment) : undefined;
  const env = opts.activeEnvironment !== null ? (draftLevels(envCfg?.escalation) ?? []) : null;
  const setAbove = (level: number, field: 'title' | 'contacts'): boolean => {
    if (env === null) return true; // no environment running: the matrix in force says nothing about the file
    const has = (l: DraftLevel | undefined) => (field === 'title' ? l !== undefined && l.title.trim() !== '' : l !== undefined && l.contacts !== null);
    return has(env.find((l) => l.level === level)) || has(global.find((l) => l.level === level));
  };
  return {
    title(level) {
      const book = runbook(level)?.title ?? `Level ${level}`;
      const shown = opts.inForce.find((m) => m.level === level);
      if (setAbove(level, 'title') || !shown) return { value: book, from: 'file-or-runbook' };
      return { value: shown.title, from: shown.title === book ? 'runbook' : 'file' };
    },
    contacts(level) {
      const shown = opts.inForce.find((m) => m.level === level);
      if (setAbove(level, 'contacts') || !shown) return { value: [], from: 'file-or-runbook' };
      return { value: [...shown.contacts], from: shown.contacts.length === 0 ? 'runbook' : 'file' };
    },
  };
}

/** What an empty field of `level` inherits: the global levels (when editing an environment), then the lower layers. */
export function inheritedTitle(level: number, global: DraftLevel[] | null, lower: LowerLayers, editingEnvironment: boolean): Inherited<string> {
  if (editingEnvironment) {
    const g = global?.find((l) => l.level === level);
    if (g && g.title.trim() !== '') return { value: g.title.trim(), from: 'global' };
  }
  return lower.title(level);
}

export function inheritedContacts(level: number, global: DraftLevel[] | null, lower: LowerLayers, editingEnvironment: boolean): Inherited<string[]> {
  if (editingEnvironment) {
    const g = global?.find((l) => l.level === level);
    if (g && g.contacts !== null) return { value: g.contacts.map((c) => c.trim()).filter(Boolean), from: 'global' };
  }
  return lower.contacts(level);
}

export const LAYER_LABEL: Record<Layer, string> = {
  environment: 'this environment',
  global: 'the global levels',
  file: 'escalation-matrix.json in the data folder',
  runbook: "the runbook's matrix",
  'file-or-runbook': "escalation-matrix.json or the runbook's matrix",
};

/** One line per level for "In force for <environment>": each field with where it comes from. */
export function effectiveLevels(env: DraftLevel[] | null, global: DraftLevel[] | null, lower: LowerLayers): { level: number; title: Inherited<string>; contacts: Inherited<string[]> }[] {
  return LEVEL_NUMBERS.map((level) => {
    const own = env?.find((l) => l.level === level);
    const title: Inherited<string> = own && own.title.trim() !== '' ? { value: own.title.trim(), from: 'environment' } : inheritedTitle(level, global, lower, true);
    const contacts: Inherited<string[]> = own && own.contacts !== null ? { value: own.contacts.map((c) => c.trim()).filter(Boolean), from: 'environment' } : inheritedContacts(level, global, lower, true);
    return { level, title, contacts };
  });
}

/** "escalation.levels[1].contacts[0]" (the core's formatZodError spelling). */
export function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The escalation schema's errors for one section, by full path under `prefix` ("escalation", "environments[0].escalation"). */
export function escalationErrors(levels: DraftLevel[] | null | undefined, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  const config = escalationOf(levels);
  if (!config) return out;
  const parsed = escalationSchema.safeParse(config);
  if (parsed.success) return out;
  for (const issue of parsed.error.issues) {
    const key = `${prefix}${issue.path.length ? (typeof issue.path[0] === 'number' ? '' : '.') + pathText(issue.path) : ''}`;
    if (!out.has(key)) out.set(key, issue.message);
  }
  return out;
}

/**
 * The core's refusal ("settings: escalation.levels[1].contacts[0]: must not be empty; theme: …") as
 * field path → message, so each error can stand next to its field.
 */
export function errorsFromMessage(message: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = message.replace(/^(?:settings|import): /, '');
  for (const part of body.split(/; (?=[A-Za-z$][\w$]*(?:\[\d+\]|\.[\w$]+)*: )/)) {
    const m = /^([A-Za-z$][\w$]*(?:\[\d+\]|\.[\w$]+)*): (.*)$/s.exec(part.replace(/ \(and \d+ more\)$/, ''));
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}
