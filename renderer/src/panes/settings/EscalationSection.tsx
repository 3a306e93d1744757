import { useEffect, useState } from 'react';
import type { EscalationLevelDef } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useCoreStore } from '../../store/core-store';
import {
  addLevel,
  effectiveLevels,
  inheritedContacts,
  inheritedTitle,
  LAYER_LABEL,
  LEVEL_NUMBERS,
  lowerLayers,
  MAX_CONTACTS,
  MAX_LEVELS,
  moveLevel,
  removeLevel,
  type DraftLevel,
  type Inherited,
  type LowerLayers,
} from './escalation-draft';

interface Props {
  global: DraftLevel[] | null;
  /** The environment being edited (null: none configured yet). */
  env: { name: string; levels: DraftLevel[] | null; index: number } | null;
  environments: string[];
  onPickEnvironment(index: number): void;
  onGlobal(next: DraftLevel[] | null): void;
  onEnv(next: DraftLevel[] | null): void;
  /** The saved config (what the core runs with), to tell what escalation-matrix.json gives. */
  savedConfig: unknown;
  /** The global section is in the saved config: it keeps at least one level (the schema's minimum). */
  globalSaved: boolean;
  errors: ReadonlyMap<string, string>;
}

function quoted(list: string[]): string {
  return list.length ? list.join(' · ') : 'no contacts';
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <span id={id} className="st-field-err">
      {text}
    </span>
  );
}

function Inherits({ what }: { what: Inherited<string> | Inherited<string[]> }) {
  let text: string;
  if (what.from === 'file-or-runbook') {
    // The saved config covers this field elsewhere, so what escalation-matrix.json says is not known here.
    text = Array.isArray(what.value)
      ? "Empty: inherits escalation-matrix.json's contacts for this level, if it has any (the runbook's matrix has none)"
      : `Empty: inherits escalation-matrix.json's title for this level, else the runbook's “${what.value}”`;
  } else if (Array.isArray(what.value)) {
    text = what.value.length ? `Empty: inherits ${quoted(what.value)} from ${LAYER_LABEL[what.from]}` : `Empty: no contacts to inherit (none in ${LAYER_LABEL[what.from]})`;
  } else {
    text = `Empty: inherits “${what.value}” from ${LAYER_LABEL[what.from]}`;
  }
  return <span className="st-inherit">{text}</span>;
}

interface LevelProps {
  scope: string;
  level: DraftLevel;
  index: number;
  count: number;
  pathPrefix: string;
  errors: ReadonlyMap<string, string>;
  inherited: { title: Inherited<string>; contacts: Inherited<string[]> };
  canRemove: boolean;
  onChange(next: DraftLevel): void;
  onMove(by: -1 | 1): void;
  onRemove(): void;
}

function LevelEditor({ scope, level, index, count, pathPrefix, errors, inherited, canRemove, onChange, onMove, onRemove }: LevelProps) {
  const base = `${pathPrefix}.levels[${index}]`;
  const idOf = (p: string) => `st-err-${p.replace(/[^A-Za-z0-9]+/g, '-')}`;
  const err = (p: string) => errors.get(p);
  const described = (p: string) => (err(p) ? { 'aria-invalid': true as const, 'aria-describedby': idOf(p) } : {});
  const contacts = level.contacts;
  const setContact = (k: number, v: string) => onChange({ ...level, contacts: (contacts ?? []).map((c, j) => (j === k ? v : c)) });
  const removeContact = (k: number) => {
    const next = (contacts ?? []).filter((_, j) => j !== k);
    onChange({ ...level, contacts: next.length ? next : null });
  };
  return (
    <fieldset className="st-source st-level" aria-label={`${scope} level ${level.level}`}>
      <legend>
        {scope} · Level {level.level}
      </legend>
      <div className="st-level-grid">
        <label>
          Level
          <select aria-label="Level number" value={level.level} onChange={(e) => onChange({ ...level, level: Number(e.target.value) })} {...described(`${base}.level`)}>
            {LEVEL_NUMBERS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <FieldError id={idOf(`${base}.level`)} text={err(`${base}.level`)} />
        </label>
        <label>
          Title / role
          <input
            aria-label="Title"
            value={level.title}
            maxLength={400}
            placeholder="not set here"
            onChange={(e) => onChange({ ...level, title: e.target.value })}
            {...described(`${base}.title`)}
          />
          {level.title.trim() === '' && <Inherits what={inherited.title} />}
          <FieldError id={idOf(`${base}.title`)} text={err(`${base}.title`)} />
        </label>
      </div>
      <div className="st-contacts" role="group" aria-label="Contacts">
        <span className="st-label">Contacts (names, pager handles, phone numbers)</span>
        {contacts === null && <Inherits what={inherited.contacts} />}
        {contacts !== null && contacts.length === 0 && (
          <span className="st-inherit">
            No contacts at this level (set here: nothing is inherited){' '}
            <button type="button" onClick={() => onChange({ ...level, contacts: null })}>
              Inherit contacts
            </button>
          </span>
        )}
        {contacts?.map((c, k) => (
          <div key={k} className="st-contact">
            <input aria-label={`Contact ${k + 1}`} value={c} maxLength={400} spellCheck={false} onChange={(e) => setContact(k, e.target.value)} {...described(`${base}.contacts[${k}]`)} />
            <button type="button" aria-label={`Remove contact ${k + 1}`} onClick={() => removeContact(k)}>
              Remove
            </button>
            <FieldError id={idOf(`${base}.contacts[${k}]`)} text={err(`${base}.contacts[${k}]`)} />
          </div>
        ))}
        <FieldError id={idOf(`${base}.contacts`)} text={err(`${base}.contacts`)} />
        <div className="st-row">
          <button type="button" disabled={(contacts?.length ?? 0) >= MAX_CONTACTS} onClick={() => onChange({ ...level, contacts: [...(contacts ?? []), ''] })}>
            Add contact
          </button>
        </div>
      </div>
      <FieldError id={idOf(base)} text={err(base)} />
      <div className="st-row">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)}>
          Move up
        </button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)}>
          Move down
        </button>
        <button type="button" className="st-danger" disabled={!canRemove} title={canRemove ? undefined : 'The global section keeps at least one level: clear its fields to inherit everything'} onClick={onRemove}>
          Remove level
        </button>
      </div>
    </fieldset>
  );
}

function LevelList({
  scope,
  levels,
  pathPrefix,
  errors,
  inherit,
  keepOne,
  onChange,
}: {
  scope: string;
  levels: DraftLevel[] | null;
  pathPrefix: string;
  errors: ReadonlyMap<string, string>;
  inherit(level: number): { title: Inherited<string>; contacts: Inherited<string[]> };
  keepOne: boolean;
  onChange(next: DraftLevel[] | null): void;
}) {
  const list = levels ?? [];
  const sectionErr = errors.get(`${pathPrefix}.levels`) ?? errors.get(pathPrefix);
  return (
    <div className="st-kind">
      {list.map((l, i) => (
        <LevelEditor
          key={i}
          scope={scope}
          level={l}
          index={i}
          count={list.length}
          pathPrefix={pathPrefix}
          errors={errors}
          inherited={inherit(l.level)}
          canRemove={!(keepOne && list.length === 1)}
          onChange={(next) => onChange(list.map((x, k) => (k === i ? next : x)))}
          onMove={(by) => onChange(moveLevel(list, i, by))}
          onRemove={() => onChange(removeLevel(list, i))}
        />
      ))}
      {sectionErr && <span className="st-field-err">{sectionErr}</span>}
      <button type="button" disabled={list.length >= MAX_LEVELS} onClick={() => onChange(addLevel(levels))}>
        Add {scope === 'Global' ? 'global' : scope} level
      </button>
    </div>
  );
}

/** Settings → Escalation: who each level pages, globally and for the environment being edited. */
export function EscalationSection({ global, env, environments, onPickEnvironment, onGlobal, onEnv, savedConfig, globalSaved, errors }: Props) {
  const active = useCoreStore((s) => s.environments.active);
  const [inForce, setInForce] = useState<EscalationLevelDef[]>([]);
  useEffect(() => {
    let live = true;
    getBridge()
      .invoke('incidents.escalationMatrix', {})
      .then((m) => live && setInForce(m))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [savedConfig, active]);
  const lower: LowerLayers = lowerLayers({ inForce, savedConfig, activeEnvironment: active });
  const effective = env ? effectiveLevels(env.levels, global, lower) : [];

  return (
    <>
      <p className="st-hint">
        Who each escalation level pages. An environment&apos;s own level overrides the global one field by field; an empty field inherits (environment → global → escalation-matrix.json in the data folder → the runbook&apos;s
        matrix).
      </p>
      <h3>
        Global levels <span className="st-count">every environment</span>
      </h3>
      {!global && <p className="st-hint">None: every level comes from escalation-matrix.json or the runbook&apos;s matrix.</p>}
      <LevelList scope="Global" levels={global} pathPrefix="escalation" errors={errors} inherit={(n) => ({ title: inheritedTitle(n, global, lower, false), contacts: inheritedContacts(n, global, lower, false) })} keepOne={globalSaved} onChange={onGlobal} />
      {env ? (
        <>
          <div className="st-row">
            <h3>Levels of</h3>
            <label>
              <select aria-label="Environment to edit" value={env.index} onChange={(e) => onPickEnvironment(Number(e.target.value))}>
                {environments.map((name, i) => (
                  <option key={i} value={i}>
                    {name || '(unnamed)'}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {!env.levels && <p className="st-hint">None of its own: {env.name || 'this environment'} follows the global levels.</p>}
          <LevelList
            scope={env.name || '(unnamed)'}
            levels={env.levels}
            pathPrefix={`environments[${env.index}].escalation`}
            errors={errors}
            inherit={(n) => ({ title: inheritedTitle(n, global, lower, true), contacts: inheritedContacts(n, global, lower, true) })}
            keepOne={false}
            onChange={onEnv}
          />
          <h3>
            In force for {env.name || '(unnamed)'} <span className="st-count">as edited here</span>
          </h3>
          <table className="st-effective" aria-label={`Escalation in force for ${env.name || '(unnamed)'}`}>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Title / role</th>
                <th scope="col">Contacts</th>
              </tr>
            </thead>
            <tbody>
              {effective.map((r) => (
                <tr key={r.level}>
                  <th scope="row">L{r.level}</th>
                  <td>
                    {r.title.value}
                    <span className="st-from">{LAYER_LABEL[r.title.from]}</span>
                  </td>
                  <td>
                    {quoted(r.contacts.value)}
                    <span className="st-from">{LAYER_LABEL[r.contacts.from]}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="st-hint">Add an environment to give it levels of its own.</p>
      )}
    </>
  );
}
