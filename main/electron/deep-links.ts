/**
 * ops-console:// links (see preload/contract/links.ts): the app registers itself for the protocol, and the
 * operating system hands it a link as macOS' `open-url` event, or on Windows and Linux on the command line
 * (of the first instance, or of a second one, whose argv the single-instance lock forwards). Every link is
 * read with the shared parseSilenceLink. A valid link only opens the silence editor filled in (nothing is
 * created until the user presses Create); anything else is refused: logged, and passed on to the window as a
 * refusal (its reason and its text, bounded) so that the user sees why nothing opened.
 */
import { app } from 'electron';
import { resolve } from 'node:path';
import { LINK_LIMITS, LINK_PROTOCOL, boundedText, openSilenceEvent, refusedSilenceEvent, type OpenSilenceEvent } from '../../preload/contract';

/** Links that arrive before the window can take them (macOS sends `open-url` before ready), at most this many. */
const MAX_EARLY = 10;

export interface DeepLinkRouter {
  /** One link, from `open-url` or the command line. */
  handle(url: string): void;
  /** A command line: its ops-console: arguments are links, the rest is not ours. */
  handleArgv(argv: readonly string[]): void;
  /** From now on links (valid or refused) go to `open` (the ones held until now first, in order). */
  deliverTo(open: (event: OpenSilenceEvent) => void): void;
}

export function isDeepLinkArg(arg: string): boolean {
  return arg.toLowerCase().startsWith(`${LINK_PROTOCOL}:`);
}

/** The command line without its links (what is left may name an incident file to open). */
export function withoutDeepLinks(argv: readonly string[]): string[] {
  return argv.filter((a) => !isDeepLinkArg(a));
}

export function createDeepLinkRouter(log: (message: string) => void): DeepLinkRouter {
  let open: ((event: OpenSilenceEvent) => void) | null = null;
  const early: OpenSilenceEvent[] = [];
  const shown = (url: string) => JSON.stringify(boundedText(url, LINK_LIMITS.shownChars + 1));
  const handle = (url: string) => {
    let event: OpenSilenceEvent;
    if (!isDeepLinkArg(url)) {
      log(`refused a link that is not ${LINK_PROTOCOL}: ${shown(url)}`);
      event = refusedSilenceEvent(url, `not an ${LINK_PROTOCOL}:// link; the app opens only ${LINK_PROTOCOL}://silence/new?matchers=… links`);
    } else {
      event = openSilenceEvent(url);
      if (!event.ok) log(`refused ${shown(url)}: ${event.error}`);
    }
    if (open) open(event);
    else {
      early.push(event);
      if (early.length > MAX_EARLY) early.shift();
    }
  };
  return {
    handle,
    handleArgv: (argv) => {
      for (const arg of argv) if (isDeepLinkArg(arg)) handle(arg);
    },
    deliverTo: (fn) => {
      open = fn;
      for (const event of early.splice(0)) fn(event);
    },
  };
}

/**
 * Where the links go once the page has loaded: the window is shown and focused, valid link or not (a refused
 * one is shown as an error in the Alerts pane), and the renderer is told with `ui.openSilence`.
 */
export function deliverToWindow(router: DeepLinkRouter, showWindow: () => void, emit: (name: 'ui.openSilence', payload: OpenSilenceEvent) => void): void {
  router.deliverTo((event) => {
    showWindow();
    emit('ui.openSilence', event);
  });
}

/**
 * Registers the app as the protocol's handler and listens for macOS' `open-url` (call before the app is
 * ready: a link that launches the app arrives that early). Windows and Linux argv are the caller's to pass
 * to handleArgv (the first instance's process.argv, and each `second-instance` argv).
 */
export function installDeepLinks(log: (message: string) => void = (m) => console.warn(`[deep link] ${m}`)): DeepLinkRouter {
  const router = createDeepLinkRouter(log);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    router.handle(url);
  });
  // Started as `electron path/to/main.cjs` (development), the OS must be told to pass the script too.
  const registered =
    process.defaultApp && process.argv[1]
      ? app.setAsDefaultProtocolClient(LINK_PROTOCOL, process.execPath, [resolve(process.argv[1])])
      : app.setAsDefaultProtocolClient(LINK_PROTOCOL);
  if (!registered) log(`could not register as the handler of ${LINK_PROTOCOL}:// links (the links still open when the OS passes them on)`);
  return router;
}
