import { useEffect, useMemo, useRef, useState } from 'react';
import { saveFile } from '../../components/save-file';
import { getBridge } from '../../bridge';
import { useCoreStore, type ThemeChoice } from '../../store/core-store';
import { useNotifyStore } from '../../store/notify-store';
import { useSettingsStore } from './settings-store';
import { SourceEditor } from './SourceEditor';
import { EscalationSection } from './EscalationSection';
import { errorsFromMessage, escalationErrors } from './escalation-draft';
import { draftFrom, emptyEnv, KIND_LABEL, patchOf, SOURCE_KINDS, type Draft, type DraftEnv, type SourceKind } from './draft';
import './settings.css';

const SECTIONS = ['Environments', 'Escalation', 'Polling & thresholds', 'Notifications', 'General', 'Import / export'] as const;
type Section = (typeof SECTIONS)[number];
const WEAK = 'weak-secret-storage:';

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function NumberField({ label, value, onChange, min, step = 1, unit }: { label: string; value: number; onChange(v: number): void; min?: number; step?: number; unit?: string }) {
  return (
    <label>
      {label}
      <span className="st-num">
        <input type="number" aria-label={label} value={Number.isFinite(value) ? value : ''} min={min} step={step} onChange={(e) => onChange(e.target.valueAsNumber)} />
        {unit && <span className="st-unit">{unit}</span>}
      </span>
    </label>
  );
}

export function SettingsDialog() {
  const open = useSettingsStore((s) => s.open);
  const setOpen = useSettingsStore((s) => s.setOpen);
  const state = useSettingsStore((s) => s.state);
  const host = useCoreStore((s) => s.host);
  const setTheme = useCoreStore((s) => s.setTheme);
  const notify = useNotifyStore((s) => s.status);
  const permission = useNotifyStore((s) => s.permission);
  const enableWeb = useNotifyStore((s) => s.enableWebNotifications);
  const saved = useMemo(() => draftFrom(state?.config ?? null), [state]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [section, setSection] = useState<Section>('Environments');
  const [envIndex, setEnvIndex] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error' | 'weak'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [importText, setImportText] = useState('');
  const panelRef = useRef<HTMLDivElement>(null);

  // The draft survives closing the dialog: nothing typed is lost until saved or discarded.
  const d = draft ?? saved;
  const patch = useMemo(() => patchOf(d, saved), [d, saved]);
  const dirty = Object.keys(patch).length > 0;
  // Field errors: what the core refused on the last save (until the next edit), and once a save has
  // failed, the escalation schema's verdict on what is typed now (so a fixed field clears at once).
  const [refused, setRefused] = useState<Map<string, string>>(new Map());
  const [checked, setChecked] = useState(false);
  const fieldErrors = useMemo(() => {
    const out = new Map(refused);
    if (!checked) return out;
    for (const [k, v] of escalationErrors(d.escalation, 'escalation')) if (!out.has(k)) out.set(k, v);
    d.environments.forEach((e, i) => {
      for (const [k, v] of escalationErrors(e.escalation, `environments[${i}].escalation`)) if (!out.has(k)) out.set(k, v);
    });
    return out;
  }, [refused, checked, d]);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, setOpen]);

  if (!open) return null;

  const update = (fn: (x: Draft) => void) => {
    const next = structuredClone(d);
    fn(next);
    setDraft(next);
    if (refused.size > 0) setRefused(new Map());
  };
  const env: DraftEnv | undefined = d.environments[Math.min(envIndex, d.environments.length - 1)];
  const envAt = Math.min(envIndex, d.environments.length - 1);

  const save = async (allowWeakSecrets = false) => {
    setBusy(true);
    setMessage(null);
    try {
      const next = await getBridge().invoke('settings.update', { patch, allowWeakSecrets });
      useSettingsStore.setState({ state: next });
      setDraft(null);
      setRefused(new Map());
      setChecked(false);
      setTheme(d.theme);
      setMessage({ kind: 'ok', text: 'Saved. The environment restarted with the new settings.' });
    } catch (err) {
      const text = (err as Error).message;
      // The draft is kept as typed; each refused field shows its error next to it.
      setRefused(errorsFromMessage(text));
      setChecked(true);
      setMessage(text.startsWith(WEAK) ? { kind: 'weak', text: text.slice(WEAK.length).trim() } : { kind: 'error', text });
    } finally {
      setBusy(false);
    }
  };

  const doExport = async () => {
    setMessage(null);
    try {
      const { text, fileName } = await getBridge().invoke('settings.export', {});
      saveFile({ fileName, mimeType: 'application/json', content: text });
      setMessage({ kind: 'ok', text: `Exported ${fileName} (no secrets: passwords and tokens are replaced by their secretRef).` });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };

  const doImport = async (text: string) => {
    setMessage(null);
    setBusy(true);
    try {
      const next = await getBridge().invoke('settings.import', { text });
      useSettingsStore.setState({ state: next });
      setDraft(null);
      setImportText('');
      setMessage({ kind: 'ok', text: 'Imported. Enter the secrets marked "not stored yet" for sources that need them.' });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const addSource = (kind: SourceKind) =>
    update((x) => {
      const e = x.environments[envAt];
      if (!e) return;
      const n = e[kind].length + 1;
      e[kind].push({ name: `${kind}-${n}`, url: '' });
    });

  const dnd = notify.dnd;
  const stored = state?.storedSecrets ?? {};

  return (
    <div className="st-overlay" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <div ref={panelRef} className="st-panel" role="dialog" aria-modal="true" aria-labelledby="st-title" tabIndex={-1}>
        <section role="region" aria-label="Settings" className="st-body">
          <header className="st-head">
            <h2 id="st-title">Settings</h2>
            {dirty && <span className="st-dirty">Unsaved changes</span>}
            <span className="spacer" />
            <button type="button" aria-label="Close settings" onClick={() => setOpen(false)}>
              Close
            </button>
          </header>
          {state?.problem && (
            <p role="alert" className="st-msg st-msg-error">
              {state.problem}
            </p>
          )}
          <div className="st-main">
            <nav aria-label="Settings sections" className="st-nav">
              {SECTIONS.map((s) => (
                <button key={s} type="button" aria-current={s === section ? 'page' : undefined} onClick={() => setSection(s)}>
                  {s}
                </button>
              ))}
            </nav>
            <div className="st-content">
              {section === 'Environments' && (
                <>
                  <div className="st-row">
                    <label>
                      Environment
                      <select aria-label="Environment to edit" value={envAt} onChange={(e) => setEnvIndex(Number(e.target.value))}>
                        {d.environments.map((e, i) => (
                          <option key={i} value={i}>
                            {e.name || '(unnamed)'}
                          </option>
                        ))}
                      </select>
                    </label>
                    <button
                      type="button"
                      onClick={() => {
                        update((x) => x.environments.push(emptyEnv(`environment-${x.environments.length + 1}`)));
                        setEnvIndex(d.environments.length);
                      }}
                    >
                      Add environment
                    </button>
                    {env && (
                      <button type="button" className="st-danger" onClick={() => update((x) => void x.environments.splice(envAt, 1))}>
                        Remove environment
                      </button>
                    )}
                  </div>
                  {!env && <p className="st-hint">No environment yet. Add one, then its Prometheus, Alertmanager and Elasticsearch sources.</p>}
                  {env && (
                    <>
                      <div className="st-grid">
                        <label>
                          Environment name
                          <input aria-label="Environment name" value={env.name} maxLength={100} onChange={(e) => update((x) => void (x.environments[envAt]!.name = e.target.value))} />
                        </label>
                        <label>
                          <span>
                            <input type="checkbox" checked={(d.defaultEnvironment ?? d.environments[0]?.name) === env.name} onChange={() => update((x) => void (x.defaultEnvironment = env.name))} /> Open at start
                          </span>
                        </label>
                      </div>
                      {SOURCE_KINDS.map((kind) => (
                        <div key={kind} className="st-kind">
                          <h3>
                            {KIND_LABEL[kind]} <span className="st-count">{env[kind].length}</span>
                          </h3>
                          {env[kind].map((src, i) => (
                            <SourceEditor
                              key={`${kind}-${i}`}
                              kind={kind}
                              source={src}
                              storedSecrets={stored}
                              onChange={(next) => update((x) => void (x.environments[envAt]![kind][i] = next))}
                              onRemove={() => update((x) => void x.environments[envAt]![kind].splice(i, 1))}
                            />
                          ))}
                          <button type="button" onClick={() => addSource(kind)}>
                            Add {KIND_LABEL[kind]} source
                          </button>
                        </div>
                      ))}
                    </>
                  )}
                </>
              )}
              {section === 'Escalation' && (
                <EscalationSection
                  global={d.escalation}
                  env={env ? { name: env.name, levels: env.escalation ?? null, index: envAt } : null}
                  environments={d.environments.map((e) => e.name)}
                  onPickEnvironment={setEnvIndex}
                  onGlobal={(next) => update((x) => void (x.escalation = next))}
                  onEnv={(next) => update((x) => void (x.environments[envAt]!.escalation = next))}
                  savedConfig={state?.config ?? null}
                  globalSaved={saved.escalation !== null}
                  errors={fieldErrors}
                />
              )}
              {section === 'Polling & thresholds' && (
                <>
                  <h3>Poll intervals</h3>
                  <div className="st-grid">
                    <NumberField label="Prometheus every" unit="s" min={0.25} step={0.25} value={seconds(d.polling.prometheusMs)} onChange={(v) => update((x) => void (x.polling.prometheusMs = Math.round(v * 1000)))} />
                    <NumberField label="Alertmanager every" unit="s" min={0.25} step={0.25} value={seconds(d.polling.alertmanagerMs)} onChange={(v) => update((x) => void (x.polling.alertmanagerMs = Math.round(v * 1000)))} />
                    <NumberField label="Elasticsearch every" unit="s" min={0.25} value={seconds(d.polling.elasticsearchMs)} onChange={(v) => update((x) => void (x.polling.elasticsearchMs = Math.round(v * 1000)))} />
                    <NumberField label="Request timeout" unit="s" min={0.5} value={seconds(d.polling.timeoutMs)} onChange={(v) => update((x) => void (x.polling.timeoutMs = Math.round(v * 1000)))} />
                  </div>
                  <h3>Thresholds{env ? ` (${env.name})` : ''}</h3>
                  {env ? (
                    <div className="st-grid st-grid-3">
                      {(['cpu', 'memory', 'disk'] as const).map((m) => (
                        <div key={m} className="st-pair">
                          <NumberField label={`${m.toUpperCase()} warning`} unit="%" min={0} value={env.thresholds[m].warning} onChange={(v) => update((x) => void (x.environments[envAt]!.thresholds[m].warning = v))} />
                          <NumberField label={`${m.toUpperCase()} critical`} unit="%" min={0} value={env.thresholds[m].critical} onChange={(v) => update((x) => void (x.environments[envAt]!.thresholds[m].critical = v))} />
                        </div>
                      ))}
                    </div>
                  ) : (
                    <p className="st-hint">Add an environment first.</p>
                  )}
                </>
              )}
              {section === 'Notifications' && (
                <>
                  <h3>Desktop notifications</h3>
                  {host === 'browser' && (
                    <div className="st-row">
                      {permission === 'granted' && <span className="st-pill st-ok">Desktop notifications are on for this browser</span>}
                      {permission === 'default' && (
                        <button type="button" className="primary" onClick={() => void enableWeb()}>
                          Enable desktop notifications
                        </button>
                      )}
                      {permission === 'denied' && <span className="st-pill st-err">Blocked by the browser: allow notifications for this site in its settings</span>}
                      {permission === 'unsupported' && <span className="st-pill st-err">This browser has no desktop notifications</span>}
                    </div>
                  )}
                  <div className="st-row">
                    <button type="button" onClick={() => void getBridge().invoke('notify.test', {})}>
                      Send test notification
                    </button>
                  </div>
                  <div className="st-grid">
                    <label className="st-wide">
                      Notify for severities (comma-separated)
                      <input
                        aria-label="Notify for severities"
                        value={d.notifications.severities.join(', ')}
                        onChange={(e) => update((x) => void (x.notifications.severities = e.target.value.split(',').map((s) => s.trim()).filter(Boolean)))}
                      />
                    </label>
                    <NumberField label="Re-fire cooldown" unit="min" min={0} value={d.notifications.cooldownMs / 60_000} onChange={(v) => update((x) => void (x.notifications.cooldownMs = Math.round(v * 60_000)))} />
                    <label>
                      <span>
                        <input type="checkbox" checked={d.notifications.sound} onChange={(e) => update((x) => void (x.notifications.sound = e.target.checked))} /> Sound for critical alerts
                      </span>
                    </label>
                  </div>
                  <h3>Do not disturb</h3>
                  <p className="st-hint" role="status">
                    {dnd !== null
                      ? `On until ${new Date(dnd).toLocaleString()} — ${notify.dndSuppressedCount} alert(s) counted; you get one summary when it ends.`
                      : 'Off. Critical alerts still count in the tray and the title while it is on.'}
                  </p>
                  <div className="st-row">
                    <button type="button" onClick={() => void getBridge().invoke('notify.setDoNotDisturb', { preset: '1h' })}>
                      Do not disturb for 1 hour
                    </button>
                    <button type="button" onClick={() => void getBridge().invoke('notify.setDoNotDisturb', { preset: 'tomorrow' })}>
                      Until tomorrow 08:00
                    </button>
                    {dnd !== null && (
                      <button type="button" onClick={() => void getBridge().invoke('notify.setDoNotDisturb', { until: null })}>
                        Turn notifications back on
                      </button>
                    )}
                  </div>
                </>
              )}
              {section === 'General' && (
                <div className="st-grid">
                  <label>
                    Your name (for acknowledgements)
                    <input aria-label="Your name" value={d.user} maxLength={100} onChange={(e) => update((x) => void (x.user = e.target.value))} />
                  </label>
                  <NumberField label="Acknowledge for" unit="min" min={1} value={d.ackDurationMs / 60_000} onChange={(v) => update((x) => void (x.ackDurationMs = Math.round(v * 60_000)))} />
                  <label>
                    Theme
                    <select aria-label="Settings theme" value={d.theme} onChange={(e) => update((x) => void (x.theme = e.target.value as ThemeChoice))}>
                      <option value="system">System</option>
                      <option value="light">Light</option>
                      <option value="dark">Dark</option>
                    </select>
                  </label>
                  <p className="st-hint st-wide">
                    Secrets: {state?.secrets.description ?? '…'}
                    {state?.secrets.weak ? ' — no OS keyring: you will be asked before a secret is stored.' : ''}
                  </p>
                  <p className="st-hint st-wide">
                    {state?.configPath ? `Config file (never written): ${state.configPath}. ` : ''}Your edits are saved in {state?.settingsPath ?? 'the data directory'} and take precedence over the config file.
                  </p>
                </div>
              )}
              {section === 'Import / export' && (
                <>
                  <h3>Share the environment list</h3>
                  <p className="st-hint">The export carries no secrets: passwords and tokens become {'{ "secretRef": … }'}; credential headers are left out.</p>
                  <div className="st-row">
                    <button type="button" onClick={() => void doExport()}>
                      Export settings
                    </button>
                    <label className="st-file">
                      Import from file
                      <input
                        type="file"
                        accept=".json,application/json"
                        aria-label="Import settings file"
                        onChange={(e) => {
                          const f = e.target.files?.[0];
                          if (f) void f.text().then((t) => setImportText(t));
                        }}
                      />
                    </label>
                  </div>
                  <label className="st-wide">
                    Settings JSON to import
                    <textarea aria-label="Settings JSON to import" rows={8} spellCheck={false} value={importText} onChange={(e) => setImportText(e.target.value)} />
                  </label>
                  <div className="st-row">
                    <button type="button" disabled={!importText.trim() || busy} onClick={() => void doImport(importText)}>
                      Import
                    </button>
                    {state && state.savedKeys.length > 0 && state.configPath && (
                      <button type="button" className="st-danger" onClick={() => void getBridge().invoke('settings.reset', {}).then((s) => useSettingsStore.setState({ state: s }))}>
                        Reset to config file
                      </button>
                    )}
                  </div>
                </>
              )}
            </div>
          </div>
          <footer className="st-foot">
            {message && (
              <p role={message.kind === 'ok' ? 'status' : 'alert'} className={`st-msg st-msg-${message.kind}`}>
                {message.text}
                {message.kind === 'weak' && (
                  <>
                    {' '}
                    <button type="button" onClick={() => void save(true)}>
                      Store with weak protection
                    </button>
                  </>
                )}
              </p>
            )}
            <span className="spacer" />
            <button
              type="button"
              disabled={!dirty || busy}
              onClick={() => {
                setDraft(null);
                setRefused(new Map());
                setChecked(false);
              }}
            >
              Discard changes
            </button>
            <button type="button" className="primary" disabled={!dirty || busy} onClick={() => void save()}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          </footer>
        </section>
      </div>
    </div>
  );
}
