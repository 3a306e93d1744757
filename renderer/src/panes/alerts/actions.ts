import { create } from 'zustand';
import { getBridge } from '../../bridge';
import { safeHttpUrl } from './inbox-model';

/** The pane's last action outcome, shown in one live region (errors keep Alertmanager's own text). */
interface ActionState {
  message: { kind: 'ok' | 'error'; text: string } | null;
  busy: boolean;
  set(message: ActionState['message']): void;
}

export const useActionStore = create<ActionState>((set) => ({ message: null, busy: false, set: (message) => set({ message }) }));

/** Runs an action, showing its outcome; resolves to null when it succeeded, else the reason (without `label`). */
async function run(label: string, fn: () => Promise<string>): Promise<string | null> {
  useActionStore.setState({ busy: true });
  try {
    const ok = await fn();
    useActionStore.setState({ message: { kind: 'ok', text: ok }, busy: false });
    return null;
  } catch (err) {
    const reason = (err as Error).message;
    useActionStore.setState({ message: { kind: 'error', text: `${label}: ${reason}` }, busy: false });
    return reason;
  }
}

const succeeded = async (outcome: Promise<string | null>): Promise<boolean> => (await outcome) === null;

export function acknowledge(fingerprints: string[], what: string): Promise<boolean> {
  return succeeded(run(`Could not acknowledge ${what}`, async () => {
    const r = await getBridge().invoke('alerts.acknowledge', { fingerprints });
    const partial = r.failures.length ? ` (not written: ${r.failures.map((f) => `${f.alertmanager}: ${f.message}`).join('; ')})` : '';
    return `Acknowledged ${what}${partial}`;
  }));
}

export function unacknowledge(fingerprints: string[], what: string): Promise<boolean> {
  return succeeded(run(`Could not unacknowledge ${what}`, async () => {
    await getBridge().invoke('alerts.unacknowledge', { fingerprints });
    return `Unacknowledged ${what}`;
  }));
}

export function expireSilences(ids: string[]): Promise<boolean> {
  return succeeded(run('Could not expire the silence', async () => {
    await getBridge().invoke('alerts.silences.expire', { ids });
    return ids.length === 1 ? `Expired silence ${ids[0]}` : `Expired ${ids.length} silences`;
  }));
}

/**
 * Moves a silence's end to `endsAtMs` (the core refuses an end in the past or not after the current end).
 * Returns null when done, else the reason (also shown in the pane's message), so a form can keep what was typed.
 */
export function extendSilence(id: string, endsAtMs: number): Promise<string | null> {
  return run('Could not extend the silence', async () => {
    await getBridge().invoke('alerts.silences.extend', { id, endsAt: new Date(endsAtMs).toISOString() });
    return `Extended silence ${id} until ${new Date(endsAtMs).toLocaleString()}`;
  });
}

/** Only http(s) links, opened by the host in the system browser (or by the page in browser mode). */
export async function openLink(url: string): Promise<void> {
  const safe = safeHttpUrl(url);
  if (!safe) return;
  try {
    const r = await getBridge().invoke('core.openExternal', { url: safe });
    if (r.openedBy === 'renderer') window.open(r.url, '_blank', 'noopener,noreferrer');
  } catch (err) {
    useActionStore.setState({ message: { kind: 'error', text: (err as Error).message } });
  }
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    useActionStore.setState({ message: { kind: 'ok', text: 'Copied the alert as text' } });
    return true;
  } catch {
    return false;
  }
}
