/** Settings → Escalation: draft ↔ config mapping, inherit vs override, bounds, errors by field path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../../main/config/load';
import { configSchema } from '../../../../main/config/schema';
import { escalationFor } from '../../../../main/incidents/incidents-feature';
import { mergeEscalationMatrix } from '../../../../main/incidents/policy';
import { configOf, draftFrom, patchOf } from './draft';
import {
  addLevel,
  effectiveLevels,
  errorsFromMessage,
  escalationErrors,
  escalationOf,
  inheritedContacts,
  inheritedTitle,
  lowerLayers,
  moveLevel,
  nextLevelNumber,
  removeLevel,
  type DraftLevel,
} from './escalation-draft';
import { formatZodError } from '../../../../main/core/validation';

const CONFIG = {
  environments: [
    { name: 'prod', escalation: { levels: [{ level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0102'] }, { level: 1, contacts: [] }] } },
    { name: 'staging' },
  ],
  escalation: { levels: [{ level: 1, contacts: ['pager: ops-primary', 'Sam @sam'] }, { level: 2, title: 'Team lead on duty' }, { level: 4, title: 'CTO + executive team', contacts: [] }] },
};

test('config → draft → config is the identity up to level order (titles and contacts left out stay out; [] stays [])', () => {
  const cfg = parseConfig(JSON.stringify(CONFIG));
  const draft = draftFrom(cfg);
  assert.deepEqual(draft.escalation, [
    { level: 1, title: '', contacts: ['pager: ops-primary', 'Sam @sam'] },
    { level: 2, title: 'Team lead on duty', contacts: null },
    { level: 4, title: 'CTO + executive team', contacts: [] },
  ]);
  assert.deepEqual(draft.environments[1]?.escalation, null);
  const back = configOf(draft);
  assert.deepEqual(back.escalation, cfg.escalation);
  const envs = back.environments as { escalation?: unknown }[];
  // prod's levels were given as 2, 1: the draft lists them by number (the matrix finds levels by number).
  assert.deepEqual(envs[0]?.escalation, { levels: [{ level: 1, contacts: [] }, { level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0102'] }] });
  const byLevel = (e: { levels: { level: number }[] } | undefined) => e && { levels: [...e.levels].sort((a, b) => a.level - b.level) };
  assert.deepEqual(byLevel(envs[0]?.escalation as never), byLevel(cfg.environments[0]?.escalation));
  assert.equal('escalation' in (envs[1] ?? {}), false, 'an environment without levels gets no empty section');
  // The whole mapped config is valid and parses back to the same configuration.
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  const reparsed = configSchema.parse(back);
  reparsed.environments[0]!.escalation = byLevel(reparsed.environments[0]!.escalation) as never;
  cfg.environments[0]!.escalation = byLevel(cfg.environments[0]!.escalation) as never;
  assert.deepEqual(json(reparsed), json(cfg));
  // A config without any escalation maps to none.
  const plain = draftFrom(parseConfig(JSON.stringify({ environments: [{ name: 'prod' }] })));
  assert.equal(plain.escalation, null);
  assert.equal('escalation' in configOf(plain), false);
});

test('patch: only what changed, in the schema shape; untouched escalation sends nothing', () => {
  const cfg = parseConfig(JSON.stringify(CONFIG));
  const saved = draftFrom(cfg);
  assert.deepEqual(patchOf(structuredClone(saved), saved), {});

  const edited = structuredClone(saved);
  edited.environments[0]!.escalation![1]!.contacts = ['Dana +1 555 0199'];
  const p = patchOf(edited, saved);
  assert.deepEqual(Object.keys(p), ['environments']);
  assert.deepEqual((p.environments as { escalation: unknown }[])[0]?.escalation, { levels: [{ level: 1, contacts: [] }, { level: 2, title: 'Senior engineer + team lead', contacts: ['Dana +1 555 0199'] }] });

  const g = structuredClone(saved);
  g.escalation![1]!.title = '   '; // only spaces: not set here, inherited
  assert.deepEqual(patchOf(g, saved), { escalation: { levels: [{ level: 1, contacts: ['pager: ops-primary', 'Sam @sam'] }, { level: 2 }, { level: 4, title: 'CTO + executive team', contacts: [] }] } });
});

test('inherit vs override: an environment field wins, an empty one takes the global, then the file, then the runbook', () => {
  const cfg = parseConfig(JSON.stringify(CONFIG));
  const d = draftFrom(cfg);
  // What the core has in force for prod (with a file giving level 3 contacts).
  const file = [{ level: 3 as const, contacts: ['ops-managers@example.com'] }];
  const inForce = mergeEscalationMatrix(escalationFor(cfg, 'prod', file));
  const lower = lowerLayers({ inForce, savedConfig: cfg, activeEnvironment: 'prod' });
  const rows = effectiveLevels(d.environments[0]!.escalation!, d.escalation, lower);
  assert.deepEqual(
    rows.map((r) => [r.level, r.title.value, r.title.from, r.contacts.value, r.contacts.from]),
    [
      [1, 'On-call engineer', 'runbook', [], 'environment'],
      [2, 'Senior engineer + team lead', 'environment', ['Dana +1 555 0102'], 'environment'],
      [3, 'Engineering manager + operations manager', 'runbook', ['ops-managers@example.com'], 'file'],
      [4, 'CTO + executive team', 'global', [], 'global'],
    ],
  );
  // The view agrees with what the incident composer will show once saved.
  assert.deepEqual(
    rows.map((r) => ({ level: r.level, title: r.title.value, contacts: r.contacts.value })),
    inForce,
  );
  // Clearing prod's level 2 title inherits the global one; its contacts stay its own.
  const edited = structuredClone(d.environments[0]!.escalation!);
  edited[1]!.title = '';
  assert.deepEqual(inheritedTitle(2, d.escalation, lower, true), { value: 'Team lead on duty', from: 'global' });
  assert.deepEqual(effectiveLevels(edited, d.escalation, lower)[1]?.title, { value: 'Team lead on duty', from: 'global' });
  // A global field inherits from below the config only, never from itself.
  assert.deepEqual(inheritedTitle(1, d.escalation, lower, false), { value: 'On-call engineer', from: 'runbook' });
  assert.deepEqual(inheritedContacts(1, d.escalation, lower, true), { value: ['pager: ops-primary', 'Sam @sam'], from: 'global' });
  // Where the saved config covers a field, what lies under it cannot be seen: said so.
  assert.deepEqual(lower.contacts(1), { value: [], from: 'file-or-runbook' });
  // Editing another environment than the running one: only the runbook is known for sure.
  const other = lowerLayers({ inForce, savedConfig: cfg, activeEnvironment: null });
  assert.deepEqual(other.title(3), { value: 'Engineering manager + operations manager', from: 'file-or-runbook' });
});

test('bounds: 1 to 4 levels, first free number, removing the last removes the section, moves swap content not numbers', () => {
  let levels: DraftLevel[] | null = null;
  assert.equal(nextLevelNumber(levels), 1);
  for (let i = 0; i < 6; i++) levels = addLevel(levels);
  assert.deepEqual(
    levels!.map((l) => l.level),
    [1, 2, 3, 4],
    'never more than four',
  );
  assert.equal(nextLevelNumber(levels), null);
  const sparse: DraftLevel[] = [
    { level: 2, title: 'B', contacts: ['b'] },
    { level: 4, title: '', contacts: null },
  ];
  assert.deepEqual(
    addLevel(sparse).map((l) => l.level),
    [1, 2, 4],
  );
  assert.deepEqual(moveLevel(sparse, 1, -1), [
    { level: 2, title: '', contacts: null },
    { level: 4, title: 'B', contacts: ['b'] },
  ]);
  assert.equal(moveLevel(sparse, 0, -1), sparse, 'the first cannot move up');
  assert.equal(moveLevel(sparse, 1, 1), sparse, 'the last cannot move down');
  assert.deepEqual(removeLevel(sparse, 0), [{ level: 4, title: '', contacts: null }]);
  assert.equal(removeLevel([sparse[0]!], 0), null);
  assert.equal(escalationOf(null), undefined);
});

test('the schema names the bad field: escalation.levels[1].contacts[0], duplicate levels, over-long titles', () => {
  const bad: DraftLevel[] = [
    { level: 1, title: 'On call', contacts: ['ok'] },
    { level: 1, title: 'x'.repeat(201), contacts: ['  '] },
  ];
  const errs = escalationErrors(bad, 'escalation');
  assert.equal(errs.get('escalation.levels[1].contacts[0]'), 'must not be empty');
  assert.equal(errs.get('escalation.levels[1].level'), 'level 1 is given twice');
  assert.ok(errs.get('escalation.levels[1].title'));
  assert.deepEqual([...escalationErrors(bad, 'environments[2].escalation').keys()].sort(), [...errs.keys()].map((k) => k.replace('escalation', 'environments[2].escalation')).sort());
  const five = escalationErrors(
    [1, 2, 3, 4, 4].map((n) => ({ level: n, title: '', contacts: null })),
    'escalation',
  );
  assert.ok(five.has('escalation.levels'));
  assert.equal(escalationErrors(null, 'escalation').size, 0);
  assert.equal(escalationErrors([{ level: 3, title: '', contacts: null }], 'escalation').size, 0);
});

test("the core's refusal becomes errors by field path", () => {
  const draft = draftFrom(parseConfig(JSON.stringify(CONFIG)));
  draft.environments[0]!.escalation![0]!.contacts = ['Dana', ''];
  draft.escalation![0]!.contacts = [' '];
  const parsed = configSchema.safeParse(configOf(draft));
  assert.equal(parsed.success, false);
  const message = `settings: ${formatZodError(parsed.error!)}`;
  const errs = errorsFromMessage(message);
  assert.equal(errs.get('environments[0].escalation.levels[0].contacts[1]'), 'must not be empty');
  assert.equal(errs.get('escalation.levels[0].contacts[0]'), 'must not be empty');
  assert.deepEqual([...errorsFromMessage('settings: theme: Invalid option: expected one of "system"|"light"|"dark"; user: must not be; empty').entries()], [
    ['theme', 'Invalid option: expected one of "system"|"light"|"dark"'],
    ['user', 'must not be; empty'],
  ]);
  assert.equal(errorsFromMessage('connect ECONNREFUSED 127.0.0.1:9').size, 0);
});
