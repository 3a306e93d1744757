import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { AlertView, PendingAlertView, SilenceLink } from '../../../../preload/contract';
import { useAlertsStore, readLastLooked, writeLastLooked } from '../../store/alerts-store';
import { useUiStore } from '../../store/ui-store';
import { formatAge } from '../../components/format';
import { useNow } from '../../components/use-now';
import { UI_STATES, type AlertUiState } from '../../../../main/alerts/alert-order';
import { formatMatcher, type ParsedFilter } from '../../../../main/alerts/alert-filter';
import { AlertList, type ListHandlers } from './AlertList';
import { AlertDetail } from './AlertDetail';
import { SilenceEditor } from './SilenceEditor';
import { editorAfterLink, linkEditor, type EditorState } from './link-arrival';
import { LinkErrorNotice } from './LinkErrorNotice';
import { SilencesView } from './SilencesView';
import { AlertsStaleBanner } from './StaleBanner';
import { acknowledge, unacknowledge, useActionStore } from './actions';
import { computeInbox, labelNames, parseFilter, prefillMatchers, updateInbox, type InboxView } from './inbox-model';
import './alerts.css';
import './silence-link.css';

const KEYS: [string, string][] = [
  ['j / ↓', 'next row'],
  ['k / ↑', 'previous row'],
  ['Enter', 'open the alert (or fold the group)'],
  ['a', 'acknowledge the alert or group'],
  ['u', 'unacknowledge'],
  ['s', 'silence (opens the editor)'],
  ['/', 'focus the filter'],
  ['Esc', 'close the detail / dialog'],
  ['?', 'this list'],
];

const EMPTY_FILTER: ParsedFilter = { matchers: [], text: [] };
const NO_ALERTS: readonly AlertView[] = [];
const NO_ALERTS_BY_FP: ReadonlyMap<string, AlertView> = new Map();

/**
 * Whether the pane is shown. Hidden by React <Activity>, the pane keeps its own state (filter, toggles,
 * folds, cursor, open alert, a half-written silence) but its effects, and with them its store
 * subscriptions, are disconnected: whatever alerts it selected last stay referenced by its hooks while the
 * store moves on. So while hidden it selects nothing (see the selectors below), and renders twice: React keeps
 * the previous render of a component besides the current one, and the second render leaves neither holding
 * old alerts. Shown again, the layout effect switches it back before the browser paints.
 */
function useShown(): boolean {
  const [shown, setShown] = useState(false);
  const [, setHiddenRenders] = useState(0);
  useLayoutEffect(() => {
    setShown(true);
    return () => {
      setShown(false);
      setTimeout(() => setHiddenRenders((n) => n + 1), 0);
    };
  }, []);
  return shown;
}

function isTyping(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

export function AlertsPane() {
  const shown = useShown();
  const byFp = useAlertsStore((s) => (shown ? s.byFingerprint : NO_ALERTS_BY_FP));
  const sorted = useAlertsStore((s) => (shown ? s.sorted : NO_ALERTS));
  const version = useAlertsStore((s) => (shown ? s.version : -1));
  const change = useAlertsStore((s) => (shown ? s.change : null));
  const environment = useAlertsStore((s) => s.environment);
  const silencesState = useAlertsStore((s) => s.silences);
  const silencesById = useAlertsStore((s) => s.silencesById);
  const pending = useAlertsStore((s) => s.pending);
  const alertFocus = useUiStore((s) => s.alertFocus);
  const silenceRequest = useUiStore((s) => s.silenceRequest);
  const message = useActionStore((s) => s.message);
  const now = useNow(5000);

  const handledFocus = useRef<number | null>(null);
  const handledSilenceLink = useRef<number | null>(null);
  const [view, setView] = useState<'inbox' | 'silences'>('inbox');
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState<ParsedFilter>(EMPTY_FILTER);
  const [filterError, setFilterError] = useState<string | null>(null);
  const [states, setStates] = useState<ReadonlySet<AlertUiState>>(() => new Set<AlertUiState>(['active', 'acknowledged']));
  const [groupBy, setGroupBy] = useState<string>('alertname');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [cursor, setCursor] = useState(0);
  const [openFp, setOpenFp] = useState<string | null>(null);
  // `arrived`: a silence link that came while the editor held edits, offered in the editor instead of replacing them;
  // `linkError`: a link that came while the editor was open and could not be opened (see link-arrival.ts).
  const [editor, setEditor] = useState<EditorState | null>(null);
  const editorNow = useRef(editor);
  editorNow.current = editor;
  // Whether the open editor holds edits (it says so through onEditedChange).
  const editorEdited = useRef(false);
  const [help, setHelp] = useState(false);
  const [markSince, setMarkSince] = useState(() => readLastLooked(environment) || Date.now());
  const filterRef = useRef<HTMLInputElement>(null);

  // "New since you last looked": remember when the user leaves the inbox.
  useEffect(() => {
    const stored = readLastLooked(environment);
    setMarkSince(stored || Date.now());
    return () => writeLastLooked(environment, Date.now());
  }, [environment]);

  // The store keeps the alerts in inbox order; one pass here filters and groups them (no sort). A diff
  // applied to the list the last inbox was built from updates only the groups it touches (no pass over
  // 50,000 alerts), in the same render as the store update (no deferred second render).
  // The store may write an update into the same `sorted` array (alerts replaced at their places): what was
  // built from it is current as long as `version` is; the groups of the last inbox are then written over
  // too (updateInbox with `inPlace`), so the previous inbox is not kept by anything but this cache.
  const inboxCache = useRef<{ inbox: InboxView; sorted: readonly AlertView[]; version: number; key: readonly unknown[] } | null>(null);
  const inbox = useMemo(() => {
    const gb = groupBy === '' ? null : groupBy;
    const key = [filter, states, gb, collapsed, markSince];
    const c = inboxCache.current;
    const sameView = !!c && c.key.every((v, i) => v === key[i]);
    let next: InboxView;
    if (c && sameView && c.sorted === sorted && c.version === version) next = c.inbox;
    else if (c && sameView && change && change.fromVersion === c.version && change.gone.length + change.added.length < sorted.length / 2)
      next = updateInbox(c.inbox, change.gone, change.added, filter, states, gb, collapsed, markSince, change.inPlace);
    else next = computeInbox(sorted, filter, states, gb, collapsed, markSince);
    inboxCache.current = { inbox: next, sorted, version, key };
    return next;
  }, [sorted, version, change, filter, states, groupBy, collapsed, markSince]);
  // Label names from the first alerts; kept while they are the same names (the select does not render again).
  // An update that only replaced alerts at their places (same fingerprints, so the same labels, at the same
  // places) cannot change them: not read again.
  const labelsRef = useRef<{ names: string[]; sorted: readonly AlertView[]; version: number }>({ names: [], sorted: NO_ALERTS, version: -1 });
  const labelOptions = useMemo(() => {
    const prev = labelsRef.current;
    if (prev.sorted === sorted && change?.inPlace && change.fromVersion === prev.version) {
      labelsRef.current = { ...prev, version };
      return prev.names;
    }
    const names = labelNames(sorted);
    const same = names.length === prev.names.length && names.every((n, i) => n === prev.names[i]);
    labelsRef.current = { names: same ? prev.names : names, sorted, version };
    return labelsRef.current.names;
  }, [sorted, version, change]);
  const rows = inbox.rows;
  const safeCursor = Math.min(cursor, Math.max(0, rows.length - 1));
  const openAlert = openFp ? (byFp.get(openFp) ?? null) : null;

  const onFilterChange = (text: string) => {
    setFilterText(text);
    const r = parseFilter(text);
    if (r.ok) {
      setFilter(r.filter);
      setFilterError(null);
    } else setFilterError(r.error);
  };

  const addFilter = (name: string, value: string) => {
    const m = formatMatcher({ name, value, isRegex: false, isEqual: true });
    if (!filterText.includes(m)) onFilterChange(`${filterText.trim()} ${m}`.trim());
  };

  // Handlers the rows hold: stable, reading the latest state through a ref.
  const latest = useRef({ rows, silencesState });
  latest.current = { rows, silencesState };
  const handlers = useMemo<ListHandlers>(
    () => ({
      onCursor: (i) => setCursor(i),
      onOpen: (fp) => setOpenFp(fp),
      onToggleGroup: (key) =>
        setCollapsed((c) => {
          const n = new Set(c);
          if (n.has(key)) n.delete(key);
          else n.add(key);
          return n;
        }),
      onAcknowledge: (alerts, what) => void acknowledge(alerts.map((a) => a.fingerprint), what),
      onUnacknowledge: (alerts, what) => {
        const acked = alerts.filter((a) => a.ack);
        if (acked.length) void unacknowledge(acked.map((a) => a.fingerprint), what);
      },
      onSilence: (alerts) => openEditor(alerts),
    }),
    [],
  );

  function openEditor(alerts: AlertView[]) {
    if (alerts.length === 0) return;
    const first = alerts[0]!;
    const title = alerts.length === 1 ? `${first.labels.alertname ?? ''} ${first.labels.instance ?? ''}`.trim() : `${alerts.length} alerts`;
    editorEdited.current = false;
    setEditor({ matchers: prefillMatchers(alerts), title, key: Date.now() });
  }

  // Pivot from elsewhere (notification, tray, Servers tile): open that alert.
  useEffect(() => {
    // The pane stays mounted while hidden; its effects re-run when shown, so each focus is handled once
    // (once the pane holds the alerts again: see useShown).
    if (!shown || !alertFocus || handledFocus.current === alertFocus.nonce) return;
    handledFocus.current = alertFocus.nonce;
    setView('inbox');
    setOpenFp(alertFocus.fingerprint);
    const i = latest.current.rows.indexOfAlert(alertFocus.fingerprint);
    if (i >= 0) setCursor(i);
  }, [alertFocus, shown]);

  // A silence link (the route or the Electron host): the editor opens filled in; nothing is created until
  // Create is pressed. An open editor without edits is replaced; one with edits keeps them and offers the
  // link in a notice (its "Open the link" replaces the form). An invalid link opens nothing: its error shows
  // in the open editor (the modal hides the pane; what is typed stays), or above (silenceRequest.error) when
  // no editor is open.
  const openLinkEditor = (link: SilenceLink, key: number) => {
    editorEdited.current = false;
    setEditor(linkEditor(link, key));
  };
  useEffect(() => {
    if (!shown || !silenceRequest || handledSilenceLink.current === silenceRequest.nonce) return;
    handledSilenceLink.current = silenceRequest.nonce;
    const open = editorNow.current;
    const next = editorAfterLink(open, editorEdited.current, silenceRequest, silenceRequest.nonce);
    // A refused link with no editor open stays in the store: the pane shows it until dismissed.
    if (!next) return;
    if (next.key !== open?.key) editorEdited.current = false;
    setEditor(next);
    useUiStore.getState().dismissSilenceRequest();
  }, [silenceRequest, shown]);

  // Keyboard: j / k / Enter / a / u / s / / / ? / Esc.
  const keyState = useRef({ rows, cursor: safeCursor, editor, help, openFp, view });
  keyState.current = { rows, cursor: safeCursor, editor, help, openFp, view };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = keyState.current;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (st.editor) return;
      if (st.help) {
        if (e.key === 'Escape' || e.key === '?') {
          e.preventDefault();
          setHelp(false);
        }
        return;
      }
      if (isTyping(e.target)) {
        if (e.key === 'Escape') (e.target as HTMLElement).blur();
        if (e.key === 'Enter' && e.target === filterRef.current) (e.target as HTMLElement).blur();
        return;
      }
      if (e.key === '?') {
        e.preventDefault();
        setHelp(true);
        return;
      }
      if (e.key === '/') {
        e.preventDefault();
        setView('inbox');
        filterRef.current?.focus();
        return;
      }
      if (st.view !== 'inbox') return;
      const row = st.rows.at(st.cursor);
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          e.preventDefault();
          setCursor(Math.min(st.rows.length - 1, st.cursor + 1));
          break;
        case 'k':
        case 'ArrowUp':
          e.preventDefault();
          setCursor(Math.max(0, st.cursor - 1));
          break;
        case 'Enter':
          if (!row) break;
          e.preventDefault();
          if (row.kind === 'alert') setOpenFp(row.alert.fingerprint);
          else handlers.onToggleGroup(row.group.key);
          break;
        case 'Escape':
          setOpenFp(null);
          break;
        case 'a':
          if (!row) break;
          if (row.kind === 'alert') {
            if (!row.alert.ack) handlers.onAcknowledge([row.alert], row.alert.labels.alertname ?? 'the alert');
          } else {
            const unacked = row.group.alerts.filter((a) => !a.ack);
            if (unacked.length) handlers.onAcknowledge(unacked, `${unacked.length} ${row.group.value} alerts`);
          }
          break;
        case 'u':
          if (!row) break;
          handlers.onUnacknowledge(row.kind === 'alert' ? [row.alert] : row.group.alerts, row.kind === 'alert' ? (row.alert.labels.alertname ?? 'the alert') : row.group.value);
          break;
        case 's':
          if (!row) break;
          e.preventDefault();
          handlers.onSilence(row.kind === 'alert' ? [row.alert] : row.group.alerts);
          break;
        default:
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [handlers]);

  const toggleState = (s: AlertUiState) =>
    setStates((cur) => {
      const n = new Set(cur);
      if (n.has(s)) n.delete(s);
      else n.add(s);
      return n;
    });

  const newCount = inbox.newCount;
  const activeSilences = silencesState.silences.filter((s) => s.state !== 'expired').length;

  return (
    <section aria-label="Alerts" className="pane alerts-pane">
      <div className="alerts-head">
        <h1 className="pane-title">Alerts</h1>
        <div className="seg" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'inbox'} onClick={() => setView('inbox')}>
            Inbox {inbox.total}
          </button>
          <button type="button" aria-pressed={view === 'silences'} onClick={() => setView('silences')}>
            Silences {activeSilences}
          </button>
        </div>
        <span className="spacer" />
        {newCount > 0 && (
          <button
            type="button"
            onClick={() => {
              const t = Date.now();
              setMarkSince(t);
              writeLastLooked(environment, t);
            }}
          >
            Mark {newCount} new as seen
          </button>
        )}
        <button type="button" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
          ?
        </button>
      </div>
      {message && (
        <div role={message.kind === 'error' ? 'alert' : 'status'} className={`action-msg ${message.kind}`}>
          <span className="grow">{message.text}</span>
          <button type="button" aria-label="Dismiss message" onClick={() => useActionStore.getState().set(null)}>
            ✕
          </button>
        </div>
      )}
      {silenceRequest && 'error' in silenceRequest && (
        <LinkErrorNotice refusal={silenceRequest} outcome="no editor was opened and nothing was created" onDismiss={() => useUiStore.getState().dismissSilenceRequest()} />
      )}
      <AlertsStaleBanner now={now} />
      {view === 'silences' ? (
        <SilencesView now={now} />
      ) : (
        <>
          <div className="toolbar">
            <input
              ref={filterRef}
              type="search"
              className={`grow mono filter-input${filterError ? ' invalid' : ''}`}
              aria-label="Filter alerts"
              aria-invalid={!!filterError}
              aria-describedby="alert-filter-error"
              placeholder='severity="critical" instance=~"server-.*" free text   (press / to focus)'
              value={filterText}
              onChange={(e) => onFilterChange(e.target.value)}
              spellCheck={false}
            />
            <div className="seg" role="group" aria-label="States">
              {UI_STATES.map((s) => (
                <button key={s} type="button" aria-pressed={states.has(s)} className={`toggle st-${s}`} onClick={() => toggleState(s)}>
                  {s} {inbox.stateCounts[s]}
                </button>
              ))}
            </div>
            <label className="inline">
              Group by
              <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
                <option value="">nothing (flat)</option>
                {[...new Set(['alertname', 'severity', 'instance', ...labelOptions])].map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div id="alert-filter-error" className="filter-error" aria-live="polite">
            {filterError ? <span className="error-text">{filterError} — showing the last valid filter</span> : null}
          </div>
          <PendingStrip pending={pending.alerts} errors={pending.errors} now={now} />
          <div className="muted list-count">
            {inbox.shown === inbox.total ? `${inbox.total} alerts` : `${inbox.shown} of ${inbox.total} alerts shown`}
          </div>
          <div className={`alerts-body${openAlert ? ' with-detail' : ''}`}>
            <AlertList rows={rows} cursor={safeCursor} openFingerprint={openFp} markSince={markSince} now={now} {...handlers} />
            {openAlert && (
              <AlertDetail
                alert={openAlert}
                silencesById={silencesById}
                alertsByFp={byFp}
                now={now}
                onClose={() => setOpenFp(null)}
                onAcknowledge={() => handlers.onAcknowledge([openAlert], openAlert.labels.alertname ?? 'the alert')}
                onUnacknowledge={() => handlers.onUnacknowledge([openAlert], openAlert.labels.alertname ?? 'the alert')}
                onSilence={() => openEditor([openAlert])}
                onFilterBy={addFilter}
              />
            )}
            {!openAlert && openFp && (
              <aside className="alert-detail" role="region" aria-label="Alert detail">
                <p className="muted">This alert is no longer firing.</p>
                <button type="button" onClick={() => setOpenFp(null)}>
                  Close
                </button>
              </aside>
            )}
          </div>
        </>
      )}
      {editor && (
        <SilenceEditor
          key={editor.key}
          initialMatchers={editor.matchers}
          initialDurationMs={editor.link?.durationMs}
          initialComment={editor.link?.comment}
          title={editor.title}
          defaultAuthor={silencesState.user}
          arrivedLink={editor.arrived}
          linkError={editor.linkError}
          onEditedChange={(edited) => {
            editorEdited.current = edited;
          }}
          onOpenArrived={() => editor.arrived && openLinkEditor(editor.arrived, Date.now() + Math.random())}
          onKeepMine={() => setEditor((cur) => cur && { ...cur, arrived: undefined })}
          onDismissLinkError={() => setEditor((cur) => cur && { ...cur, linkError: undefined })}
          onClose={() => setEditor(null)}
          onCreated={(text) => {
            setEditor(null);
            useActionStore.getState().set({ kind: 'ok', text });
          }}
        />
      )}
      {help && (
        <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setHelp(false)}>
          <div className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
            <h2>Keyboard shortcuts</h2>
            <dl className="keys">
              {KEYS.map(([k, d]) => (
                <div key={k} className="kv">
                  <dt>
                    <kbd>{k}</kbd>
                  </dt>
                  <dd>{d}</dd>
                </div>
              ))}
            </dl>
            <div className="modal-actions">
              <button type="button" autoFocus onClick={() => setHelp(false)}>
                Close
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function PendingStrip({ pending, errors, now }: { pending: PendingAlertView[]; errors: { source: string; message: string }[]; now: number }) {
  const [open, setOpen] = useState(false);
  if (pending.length === 0 && errors.length === 0) return null;
  return (
    <section className="pending-strip" aria-label="Pending alerts">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className="pending-toggle">
        {open ? '▾' : '▸'} Early warnings: {pending.length} pending alert{pending.length === 1 ? '' : 's'} (rule true, <code>for</code> not elapsed)
        {pending[0]?.firesAt ? ` · next fires in ${formatAge(pending[0].firesAt - now)}` : ''}
      </button>
      {errors.map((e) => (
        <div key={e.source} className="error-text">
          Prometheus {e.source}: {e.message}
        </div>
      ))}
      {open && (
        <ul className="pending-list">
          {pending.slice(0, 200).map((p) => (
            <li key={p.id} aria-label={`pending ${p.labels.alertname ?? ''} ${p.labels.instance ?? ''}`}>
              <span className={`sev sev-${p.labels.severity ?? 'none'}`}>{p.labels.severity ?? '—'}</span> <strong>{p.labels.alertname}</strong> <span className="mono muted">{p.labels.instance ?? ''}</span>{' '}
              <span className="muted">{p.annotations.summary ?? ''}</span>{' '}
              <span className="fires">
                {p.firesAt === null ? 'for unknown' : p.firesAt > now ? `fires in ${formatAge(p.firesAt - now)}` : 'due to fire now'}
                {p.activeAt !== null && ` · pending ${formatAge(now - p.activeAt)}`}
              </span>
            </li>
          ))}
          {pending.length > 200 && <li className="muted">…and {pending.length - 200} more</li>}
        </ul>
      )}
    </section>
  );
}
