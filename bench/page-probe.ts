/**
 * In-page instruments, installed with page.addInitScript before the renderer loads:
 * - every WebSocket message received (time, characters, event name) — the bridge is a WebSocket;
 * - 'longtask' entries (PerformanceObserver, buffered);
 * - armFilter(): from the next keydown to the inbox's count line changing, then the next frame;
 * - armMessage(topic): a promise for the next message of that topic, awaited by afterArmedMessage() in one
 *   evaluate (no polling of the page while a figure measures its main-thread time).
 */
import type { Page } from 'playwright-core';

export interface MsgRecord {
  t: number;
  chars: number;
  name: string;
}

interface BenchState {
  msgs: MsgRecord[];
  longtasks: { start: number; dur: number }[];
  onMessage: ((m: MsgRecord) => void) | null;
  armFilter(timeoutMs: number): Promise<{ toTextMs: number; toFrameMs: number; text: string } | null>;
  /** Set by armFilter-in-page callers: the pending measurement, awaited after the key press. */
  filterP?: Promise<{ toTextMs: number; toFrameMs: number; text: string } | null>;
  armMessage(topic: string): void;
  armed: Promise<MsgRecord> | null;
}

export type BenchWindow = Window & { __bench: BenchState };

/**
 * Plain JavaScript (a string, not a function: tsx's keepNames would add `__name` calls that do not exist
 * in the page).
 */
export const PROBE_SCRIPT = String.raw`(() => {
  const state = { msgs: [], longtasks: [], onMessage: null, armed: null };
  const waiting = [];
  state.armMessage = (topic) => { state.armed = new Promise((resolve) => waiting.push({ topic, resolve })); };
  state.armFilter = (timeoutMs) => new Promise((resolve) => {
    // The count line may be re-created by React: look it up again at every mutation.
    const read = () => { const el = document.querySelector('.list-count'); return el ? el.textContent || '' : null; };
    const before = read();
    if (before === null) { resolve(null); return; }
    let t0 = null;
    document.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
    let obs = null;
    const timer = setTimeout(() => { if (obs) obs.disconnect(); resolve(null); }, timeoutMs);
    obs = new MutationObserver(() => {
      const text = read();
      if (t0 === null || text === null || text === before) return;
      const t1 = performance.now();
      obs.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ toTextMs: t1 - t0, toFrameMs: performance.now() - t0, text }));
    });
    obs.observe(document.body, { childList: true, characterData: true, subtree: true });
  });
  window.__bench = state;
  const Orig = window.WebSocket;
  const Counting = function (url, protocols) {
    const ws = protocols === undefined ? new Orig(url) : new Orig(url, protocols);
    ws.addEventListener('message', (ev) => {
      const t = performance.now();
      const d = typeof ev.data === 'string' ? ev.data : '';
      const m = /^\{"t":"(evt|res)"(?:,"name":"([^"]+)")?/.exec(d.slice(0, 120));
      // A copy of the name: a match of 13+ characters is a slice of the message, and keeping the slice
      // kept the whole message text alive (every 'alerts.update' diff, and the 20 MB first load).
      const found = m ? (m[2] || m[1]) : '?';
      const codes = [];
      for (let i = 0; i < found.length; i++) codes.push(found.charCodeAt(i));
      const rec = { t, chars: d.length, name: String.fromCharCode.apply(null, codes) };
      state.msgs.push(rec);
      if (state.msgs.length > 20000) state.msgs.splice(0, 10000);
      if (state.onMessage) state.onMessage(rec);
      for (let i = waiting.length - 1; i >= 0; i--) {
        if (waiting[i].topic !== rec.name) continue;
        // A trace mark too (figure 2b reads main-thread tasks from a CDP trace between the two marks).
        performance.mark('bench-armed-arrived');
        waiting.splice(i, 1)[0].resolve(rec);
      }
    });
    return ws;
  };
  Counting.prototype = Orig.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Counting[k] = Orig[k];
  window.WebSocket = Counting;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longtasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { /* no longtask support: the list stays empty */ }
})();`;

/** Resolves after three animation frames and then `quietMs`. */
export async function settle(page: Page, quietMs = 100): Promise<void> {
  await page.evaluate((ms) => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, ms))))), quietMs);
}

/** Arms a promise in the page for the next message of `topic` (call before causing it). */
export async function armMessage(page: Page, topic: string): Promise<void> {
  await page.evaluate((t) => (window as unknown as BenchWindow).__bench.armMessage(t), topic);
}

/**
 * One evaluate: waits in the page for the armed message, then three frames and `quietMs` (as settle());
 * resolves with the message's arrival time (performance.now() in the page) or null after `timeoutMs`.
 */
export async function afterArmedMessage(page: Page, quietMs: number, timeoutMs: number): Promise<number | null> {
  return page.evaluate(
    ([ms, limit]) => {
      const armed = (window as unknown as BenchWindow).__bench.armed;
      if (!armed) return null;
      const timeout = new Promise<null>((r) => setTimeout(() => r(null), limit));
      return Promise.race([armed, timeout]).then((m) =>
        m === null
          ? null
          : new Promise<number>((r) =>
              requestAnimationFrame(() =>
                requestAnimationFrame(() =>
                  requestAnimationFrame(() =>
                    setTimeout(() => {
                      performance.mark('bench-armed-settled');
                      r(m.t);
                    }, ms),
                  ),
                ),
              ),
            ),
      );
    },
    [quietMs, timeoutMs] as const,
  );
}

/** One evaluate that just waits `ms` in the page: the same shape as afterArmedMessage, for a baseline window. */
export async function idleInPage(page: Page, ms: number): Promise<void> {
  await page.evaluate((t) => new Promise<void>((r) => setTimeout(r, t)), ms);
}

export async function messageCount(page: Page, topic: string): Promise<number> {
  return page.evaluate((t) => (window as unknown as BenchWindow).__bench.msgs.filter((m) => m.name === t).length, topic);
}

export async function addProbe(page: Page): Promise<void> {
  await page.addInitScript(PROBE_SCRIPT);
}

/** Wall-clock (Date.now()) time at which `selector` first matches, checked every animation frame. */
export async function whenVisible(page: Page, selector: string, timeoutMs: number): Promise<number> {
  const handle = await page.waitForFunction((sel) => (document.querySelector(sel) ? Date.now() : 0), selector, { polling: 'raf', timeout: timeoutMs });
  return (await handle.jsonValue()) as number;
}
