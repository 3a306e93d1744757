import { useEffect, useId, useRef, useState } from 'react';
import { boundedText, formatMatchers, formatSilenceDuration, type PreviewResult, type SilenceLink, type SilenceMatcher } from '../../../../preload/contract';
import { getBridge } from '../../bridge';
import { useAlertsStore } from '../../store/alerts-store';
import { matcherFromOp, opOf, regexProblem, type MatchOp } from '../../../../main/alerts/alert-filter';
import { CopySilenceLink } from './CopySilenceLink';
import type { LinkRefusal } from './link-arrival';
import { LinkErrorNotice } from './LinkErrorNotice';

const DURATIONS: { label: string; ms: number }[] = [
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 3600_000 },
  { label: '4h', ms: 4 * 3600_000 },
  { label: '24h', ms: 24 * 3600_000 },
];

interface Props {
  initialMatchers: SilenceMatcher[];
  /** From a silence link: preselected (a duration that is not one of the presets gets a choice of its own). */
  initialDurationMs?: number;
  initialComment?: string;
  defaultAuthor: string;
  title: string;
  /** A silence link that arrived while this editor held edits: offered in a notice, the edits stay. */
  arrivedLink?: SilenceLink;
  /** Whether the form holds edits (matchers, duration, comment or author changed from what it opened with). */
  onEditedChange?(edited: boolean): void;
  /** "Open the link": the form is replaced with the arrived link's content. */
  onOpenArrived?(): void;
  /** "Keep mine": the notice goes, the edits stay. */
  onKeepMine?(): void;
  /** A silence link that arrived while this editor was open and could not be opened: its error shows here, the form is untouched. */
  linkError?: LinkRefusal;
  /** The link error's ✕. */
  onDismissLinkError?(): void;
  onClose(): void;
  onCreated(message: string): void;
}

/** datetime-local value for a time, in local time. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function SilenceEditor({ initialMatchers, initialDurationMs, initialComment, defaultAuthor, title, arrivedLink, onEditedChange, onOpenArrived, onKeepMine, linkError, onDismissLinkError, onClose, onCreated }: Props) {
  const [matchers, setMatchers] = useState<SilenceMatcher[]>(() => (initialMatchers.length ? initialMatchers : [{ name: 'alertname', value: '', isRegex: false, isEqual: true }]));
  const [durations] = useState(() =>
    initialDurationMs === undefined || DURATIONS.some((d) => d.ms === initialDurationMs) ? DURATIONS : [...DURATIONS, { label: formatSilenceDuration(initialDurationMs), ms: initialDurationMs }],
  );
  const [duration, setDuration] = useState<string>(() => durations.find((d) => d.ms === initialDurationMs)?.label ?? '1h');
  const [customEnd, setCustomEnd] = useState<string>(() => toLocalInput(Date.now() + 2 * 3600_000));
  const [comment, setComment] = useState(initialComment ?? '');
  // Follows the configured user until typed in: a link can open the editor before the settings arrive.
  const [typedAuthor, setAuthor] = useState<string | null>(null);
  const author = typedAuthor ?? defaultAuthor;
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const id = useId();
  // A link can open the editor as the app starts, before the first alerts arrive: count again when they do.
  const alertsArrived = useAlertsStore((s) => s.seq > 0);
  // Edits: what the form holds differs from what it opened with (typed back to the same is no edit).
  const formNow = JSON.stringify([matchers, duration, duration === 'custom' ? customEnd : null, comment]);
  const [formOpened] = useState(formNow);
  const edited = formNow !== formOpened || (typedAuthor !== null && typedAuthor !== defaultAuthor);
  useEffect(() => {
    onEditedChange?.(edited);
  }, [edited, onEditedChange]);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>('textarea')?.focus();
  }, []);

  // Live preview: how many current alerts these matchers match (debounced).
  useEffect(() => {
    // A refusal was about the old matchers; the typed comment and author stay.
    setError(null);
    const usable = matchers.filter((m) => m.name.trim() !== '');
    if (usable.length === 0) {
      setPreview(null);
      setPreviewError('Add at least one matcher.');
      return;
    }
    const problem = regexProblem(usable);
    if (problem) {
      setPreview(null);
      setPreviewError(problem);
      return;
    }
    let cancelled = false;
    const t = setTimeout(() => {
      getBridge()
        .invoke('alerts.silences.preview', { matchers: usable })
        .then((r) => {
          if (cancelled) return;
          setPreview(r);
          setPreviewError(null);
        })
        .catch((err: Error) => {
          if (!cancelled) setPreviewError(err.message);
        });
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [matchers, alertsArrived]);

  const update = (i: number, patch: Partial<{ name: string; op: MatchOp; value: string }>) =>
    setMatchers((list) =>
      list.map((m, j) => {
        if (j !== i) return m;
        const op = patch.op ?? opOf(m);
        return matcherFromOp(patch.name ?? m.name, op, patch.value ?? m.value);
      }),
    );

  const endsAt = (): number => {
    const d = durations.find((x) => x.label === duration);
    return d ? Date.now() + d.ms : new Date(customEnd).getTime();
  };

  const problems: string[] = [];
  if (!comment.trim()) problems.push('A comment is required: say why, for whoever looks next.');
  if (!author.trim()) problems.push('An author is required.');
  if (matchers.some((m) => !m.name.trim())) problems.push('Every matcher needs a label name (remove empty rows).');
  if (matchers.length === 0) problems.push('Add at least one matcher.');
  if (duration === 'custom' && !(endsAt() > Date.now())) problems.push('The end must be a date and time in the future.');

  const submit = async () => {
    setShowErrors(true);
    if (problems.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const r = await getBridge().invoke('alerts.silences.create', { matchers, endsAt: new Date(endsAt()).toISOString(), comment: comment.trim(), createdBy: author.trim() });
      onCreated(`Silence created (${r.silenceIds.join(', ')})${r.failures.length ? `; not written to ${r.failures.map((f) => `${f.alertmanager}: ${f.message}`).join('; ')}` : ''}`);
    } catch (err) {
      // Alertmanager's own words; everything typed stays in the form.
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="modal silence-editor"
        role="dialog"
        aria-modal="true"
        aria-label="Silence editor"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
      >
        <h2>New silence <span className="muted">· {title}</span></h2>
        {linkError && <LinkErrorNotice refusal={linkError} outcome="what you typed here stays and nothing was created" inEditor onDismiss={() => onDismissLinkError?.()} />}
        {arrivedLink && <ArrivedLinkNotice link={arrivedLink} onOpen={() => onOpenArrived?.()} onKeep={() => onKeepMine?.()} />}
        <fieldset>
          <legend>Matchers</legend>
          {matchers.map((m, i) => (
            <div className="matcher-row" key={i}>
              <input aria-label={`Label name ${i + 1}`} value={m.name} onChange={(e) => update(i, { name: e.target.value })} className="mono" spellCheck={false} />
              <select aria-label={`Operator ${i + 1}`} value={opOf(m)} onChange={(e) => update(i, { op: e.target.value as MatchOp })}>
                <option value="=">=</option>
                <option value="!=">!=</option>
                <option value="=~">=~ regex</option>
                <option value="!~">!~ not regex</option>
              </select>
              <input aria-label={`Value ${i + 1}`} value={m.value} onChange={(e) => update(i, { value: e.target.value })} className="mono grow" spellCheck={false} />
              <button type="button" aria-label={`Remove matcher ${i + 1}`} onClick={() => setMatchers((l) => l.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setMatchers((l) => [...l, { name: '', value: '', isRegex: false, isEqual: true }])}>
            Add matcher
          </button>
        </fieldset>
        <div className="preview" role="status" aria-live="polite" aria-label="Preview">
          {previewError ? (
            <span className="error-text">{previewError}</span>
          ) : preview ? (
            <>
              <strong>Matches {preview.count} current alert{preview.count === 1 ? '' : 's'}</strong>
              {preview.sample.length > 0 && (
                <ul className="preview-list">
                  {preview.sample.slice(0, 8).map((s) => (
                    <li key={s.fingerprint}>
                      <span className={`sev sev-${s.severity || 'none'}`}>{s.severity || '—'}</span> {s.alertname} <span className="mono muted">{s.instance}</span>
                    </li>
                  ))}
                  {preview.count > 8 && <li className="muted">…and {preview.count - 8} more</li>}
                </ul>
              )}
            </>
          ) : (
            <span className="muted">Counting matching alerts…</span>
          )}
        </div>
        <fieldset className="durations">
          <legend>Duration</legend>
          {durations.map((d) => (
            <label key={d.label} className={`dur${duration === d.label ? ' on' : ''}`}>
              <input type="radio" name={`${id}-dur`} checked={duration === d.label} onChange={() => setDuration(d.label)} />
              {d.label}
            </label>
          ))}
          <label className={`dur${duration === 'custom' ? ' on' : ''}`}>
            <input type="radio" name={`${id}-dur`} checked={duration === 'custom'} onChange={() => setDuration('custom')} />
            Until
          </label>
          <input type="datetime-local" aria-label="Silence ends at" value={customEnd} onChange={(e) => { setCustomEnd(e.target.value); setDuration('custom'); }} />
          <span className="muted ends-note">ends {Number.isFinite(endsAt()) ? new Date(endsAt()).toLocaleString() : '—'}</span>
        </fieldset>
        <label className="field">
          Comment (required)
          <textarea aria-label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={3} aria-invalid={showErrors && !comment.trim()} />
        </label>
        <label className="field">
          Author
          <input aria-label="Author" value={author} onChange={(e) => setAuthor(e.target.value)} />
        </label>
        {showErrors && problems.length > 0 && (
          <ul className="error-text" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {error && (
          <div className="error-text refused" role="alert">
            {error}
          </div>
        )}
        <CopySilenceLink
          version={JSON.stringify([matchers, duration, customEnd, comment])}
          current={() => {
            const d = durations.find((x) => x.label === duration);
            // "Until" a time: the link carries the time left, to the minute (a link is opened later).
            const durationMs = d ? d.ms : Math.round((endsAt() - Date.now()) / 60_000) * 60_000;
            const text = comment.trim();
            return { matchers: matchers.filter((m) => m.name.trim() !== ''), durationMs, ...(text ? { comment: text } : {}) };
          }}
        />
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>
            {busy ? 'Creating…' : 'Create silence'}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Characters of the arrived link's matchers and comment shown in the notice (the whole link opens with the button). */
const NOTICE_MATCHERS_CHARS = 300;
const NOTICE_COMMENT_CHARS = 160;

/** A silence link that arrived while the form held edits: the edits stay until the user chooses. */
function ArrivedLinkNotice({ link, onOpen, onKeep }: { link: SilenceLink; onOpen(): void; onKeep(): void }) {
  const details = [
    `${link.matchers.length} matcher${link.matchers.length === 1 ? '' : 's'}`,
    ...(link.durationMs !== undefined ? [`duration ${formatSilenceDuration(link.durationMs)}`] : []),
    ...(link.comment ? [`comment “${boundedText(link.comment, NOTICE_COMMENT_CHARS)}”`] : []),
  ];
  return (
    <div className="link-arrived" role="status">
      <div className="link-arrived-text">
        <strong>
          A silence link arrived: <span className="mono">{boundedText(formatMatchers(link.matchers), NOTICE_MATCHERS_CHARS)}</span>
        </strong>
        <span className="muted">
          {details.join(' · ')}. What you typed stays until you choose.
        </span>
      </div>
      <div className="link-arrived-actions">
        <button type="button" onClick={onOpen}>
          Open the link
        </button>
        <button type="button" onClick={onKeep}>
          Keep mine
        </button>
      </div>
    </div>
  );
}
