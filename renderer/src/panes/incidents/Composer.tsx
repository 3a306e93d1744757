import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ComposedMessage, IncidentDetail, Template } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { reloadTemplates, useIncidentsStore } from '../../store/incidents-store';
import { errorText } from './format';

/** Placeholders the user types (the live ones fill from the incident). */
const INPUTS: { name: string; label: string; long?: boolean }[] = [
  { name: 'eta', label: 'ETA (estimated resolution)' },
  { name: 'progress', label: 'Progress (what has been done)', long: true },
  { name: 'next_steps', label: 'Next steps', long: true },
  { name: 'root_cause', label: 'Root cause', long: true },
  { name: 'resolution', label: 'Resolution', long: true },
  { name: 'prevention', label: 'Prevention', long: true },
  { name: 'postmortem_link', label: 'Post-mortem link' },
];

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,49})\s*\}\}/g;

function usedIn(body: string): Set<string> {
  return new Set([...body.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').toLowerCase()));
}

/** The preview: plain text with every unfilled placeholder in a <mark> (text only, never markup). */
function Preview({ composed }: { composed: ComposedMessage }) {
  const parts: ReactNode[] = [];
  let pos = 0;
  composed.unfilledSpans.forEach((s, i) => {
    if (s.start > pos) parts.push(composed.text.slice(pos, s.start));
    parts.push(
      <mark key={i} className="inc-unfilled" title={`${s.name} has no value yet`}>
        {composed.text.slice(s.start, s.end)}
      </mark>,
    );
    pos = s.end;
  });
  parts.push(composed.text.slice(pos));
  return (
    <pre className="inc-preview" aria-label="Message preview">
      {parts}
    </pre>
  );
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function Composer({ detail }: { detail: IncidentDetail }) {
  const templates = useIncidentsStore((s) => s.templates);
  const id = detail.incident.id;
  const [templateId, setTemplateId] = useState<string>('builtin-status-update');
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [composed, setComposed] = useState<ComposedMessage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [fallback, setFallback] = useState<string | null>(null);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const template = templates.find((t) => t.id === templateId) ?? templates[0];
  const used = useMemo(() => usedIn(template?.body ?? ''), [template]);

  // Recompose whenever the incident, the template or what was typed changes (live data: times, duration, alerts).
  useEffect(() => {
    if (!template) return;
    let cancelled = false;
    const clean = Object.fromEntries(Object.entries(overrides).filter(([k, v]) => v.trim() !== '' && used.has(k)));
    const t = setTimeout(() => {
      getBridge()
        .invoke('incidents.composeMessage', { incidentId: id, templateId: template.id, overrides: clean })
        .then((c) => {
          if (!cancelled) {
            setComposed(c);
            setError(null);
          }
        })
        .catch((err: unknown) => !cancelled && setError(errorText(err)));
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [id, template, overrides, used, detail.incident.updatedAt]);

  const doCopy = async (kind: 'text' | 'markdown') => {
    if (!composed) return;
    const text = kind === 'text' ? composed.text : composed.markdown;
    const ok = await copy(text);
    setFallback(ok ? null : text);
    setStatus(ok ? `Copied as ${kind === 'text' ? 'plain text' : 'Markdown'}.` : 'The clipboard is not available here: select the text below and copy it.');
  };

  const post = async () => {
    if (!composed || !template) return;
    try {
      await getBridge().invoke('incidents.postMessage', { incidentId: id, templateId: template.id, text: composed.text, markdown: composed.markdown });
      setStatus('Posted to the timeline.');
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="inc-composer" aria-label="Composer">
      <div className="inc-section-head">
        <h2>Compose a message</h2>
        <label className="inline">
          Template
          <select aria-label="Template" value={template?.id ?? ''} onChange={(e) => setTemplateId(e.target.value)}>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
                {t.builtIn ? '' : ' (custom)'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => template && setEditing(template)} disabled={!template}>
          Edit template
        </button>
        <button type="button" onClick={() => setEditing('new')}>
          New template
        </button>
      </div>
      <div className="inc-composer-body">
        <div className="inc-inputs">
          {INPUTS.filter((f) => used.has(f.name)).map((f) => (
            <label key={f.name}>
              {f.label}
              {f.long ? (
                <textarea rows={2} value={overrides[f.name] ?? ''} maxLength={10_000} onChange={(e) => setOverrides({ ...overrides, [f.name]: e.target.value })} />
              ) : (
                <input value={overrides[f.name] ?? ''} maxLength={10_000} onChange={(e) => setOverrides({ ...overrides, [f.name]: e.target.value })} />
              )}
            </label>
          ))}
          {composed && composed.unfilled.length > 0 && (
            <p className="inc-unfilled-note">
              Still empty: <mark className="inc-unfilled">{composed.unfilled.join(', ')}</mark>
            </p>
          )}
          {composed && composed.unfilled.length === 0 && <p className="muted">Every placeholder is filled.</p>}
        </div>
        <div className="inc-preview-col">
          {composed ? <Preview composed={composed} /> : <p className="muted">Composing…</p>}
          <div className="inc-actions">
            <button type="button" onClick={() => void doCopy('text')} disabled={!composed}>
              Copy as text
            </button>
            <button type="button" onClick={() => void doCopy('markdown')} disabled={!composed}>
              Copy as Markdown
            </button>
            <button type="button" className="primary" onClick={() => void post()} disabled={!composed}>
              Post to timeline
            </button>
          </div>
          {status && (
            <div role="status" className="muted">
              {status}
            </div>
          )}
          {error && (
            <div role="alert" className="error-text">
              {error}
            </div>
          )}
          {fallback !== null && <textarea aria-label="Message to copy" className="inc-copy-fallback" readOnly value={fallback} rows={8} onFocus={(e) => e.target.select()} />}
        </div>
      </div>
      {editing && (
        <TemplateEditor
          key={editing === 'new' ? 'new' : editing.id}
          template={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) setTemplateId(saved.id);
          }}
        />
      )}
    </section>
  );
}

function TemplateEditor({ template, onClose }: { template: Template | null; onClose: (saved: Template | null) => void }) {
  const copyOfBuiltIn = template?.builtIn ?? false;
  const [name, setName] = useState(template ? (copyOfBuiltIn ? `${template.name} (copy)` : template.name) : '');
  const [body, setBody] = useState(template?.body ?? 'INCIDENT {{severity}}: {{title}}\nTime: {{time}}\nStatus: {{status}}\n');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      const saved = await getBridge().invoke('incidents.templates.save', { name: name.trim(), body, ...(template && !copyOfBuiltIn ? { id: template.id } : {}) });
      await reloadTemplates();
      onClose(saved);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async () => {
    if (!template || template.builtIn) return;
    try {
      await getBridge().invoke('incidents.templates.delete', { id: template.id });
      await reloadTemplates();
      onClose(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="inc-template-editor" role="group" aria-label="Template editor">
      {copyOfBuiltIn && <p className="muted">Built-in templates are not changed: saving creates your own copy.</p>}
      <label>
        Name
        <input value={name} maxLength={300} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Body — placeholders such as {'{{title}}'}, {'{{severity}}'}, {'{{status}}'}, {'{{time}}'}, {'{{duration}}'}, {'{{impact}}'}, {'{{alerts}}'}, {'{{instances}}'}, {'{{eta}}'}, {'{{progress}}'}, {'{{next_steps}}'}
        <textarea className="mono" rows={8} value={body} maxLength={10_000} onChange={(e) => setBody(e.target.value)} />
      </label>
      {error && (
        <div role="alert" className="error-text">
          {error}
        </div>
      )}
      <div className="inc-actions">
        <button type="button" className="primary" disabled={!name.trim() || !body.trim()} onClick={() => void save()}>
          Save template
        </button>
        {template && !template.builtIn && (
          <button type="button" onClick={() => void remove()}>
            Delete template
          </button>
        )}
        <button type="button" onClick={() => onClose(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
