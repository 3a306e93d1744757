/**
 * main/electron/deep-links.ts bundled with 'electron' replaced by a recording stub: the ops-console protocol
 * is registered, macOS' open-url and Windows/Linux command lines are read with the shared parseSilenceLink,
 * links that come before the window has loaded are held, and anything else is refused: logged, and passed on to
 * the window as a refusal (reason and bounded text) that shows the window, as a valid link does.
 * The Electron binary cannot run here (no display, no Electron download in this environment), so the real
 * OS hand-over (Info.plist / registry / .desktop registration, the single-instance lock forwarding argv) is
 * not exercised: only this module's own code runs, against the stub's `app`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { EventEmitter } from 'node:events';
import { withElectronStub } from '../support/electron-stub';
import { LINK_LIMITS, formatSilenceLink, openSilenceEventSchema, type OpenSilenceEvent, type SilenceLink } from '../../preload/contract';

interface AppStub extends EventEmitter {
  registered: unknown[][];
}
const appStub = new EventEmitter() as AppStub;
appStub.registered = [];
(appStub as unknown as { setAsDefaultProtocolClient: (...args: unknown[]) => boolean }).setAsDefaultProtocolClient = (...args) => {
  appStub.registered.push(args);
  return true;
};
(globalThis as { __deepLinkStub?: unknown }).__deepLinkStub = { app: appStub };
const STUB_SOURCE = 'export const app = globalThis.__deepLinkStub.app;';

let deepLinks: typeof import('../../main/electron/deep-links');
withElectronStub<typeof deepLinks>('main/electron/deep-links.ts', STUB_SOURCE, (m) => (deepLinks = m));

const DISK: SilenceLink = {
  matchers: [
    { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
    { name: 'instance', value: 'db-.*', isRegex: true, isEqual: true },
  ],
  durationMs: 2 * 3_600_000,
  comment: 'Disk swap "CHG-42" \\ tonight',
};
function linkOf(link: SilenceLink): string {
  const r = formatSilenceLink(link);
  assert.ok(r.ok);
  return r.value;
}

/** Emits macOS' open-url as Electron does and says whether the default (the OS' own handling) was prevented. */
function openUrl(url: string): boolean {
  let prevented = false;
  appStub.emit('open-url', { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

test('installs: registers ops-console (with the script in development) and listens for open-url', () => {
  const logs: string[] = [];
  const defaultApp = process.defaultApp;
  try {
    (process as { defaultApp?: boolean }).defaultApp = false;
    deepLinks.installDeepLinks((m) => logs.push(m));
    (process as { defaultApp?: boolean }).defaultApp = true;
    deepLinks.installDeepLinks((m) => logs.push(m));
  } finally {
    (process as { defaultApp?: boolean }).defaultApp = defaultApp;
  }
  assert.deepEqual(appStub.registered, [['ops-console'], ['ops-console', process.execPath, [resolve(process.argv[1]!)]]]);
  assert.equal(appStub.listenerCount('open-url'), 2);
  assert.deepEqual(logs, []);
  appStub.removeAllListeners('open-url');
});

test('macOS open-url: a link before the window has loaded is held, then delivered parsed; later ones go straight through', () => {
  const logs: string[] = [];
  const router = deepLinks.installDeepLinks((m) => logs.push(m));
  try {
    assert.equal(openUrl(linkOf(DISK)), true, 'the event is handled, not passed on');
    const opened: OpenSilenceEvent[] = [];
    router.deliverTo((l) => opened.push(l));
    assert.deepEqual(opened, [{ ok: true, link: DISK }]);
    const second: SilenceLink = { matchers: [{ name: 'job', value: 'node', isRegex: false, isEqual: false }] };
    openUrl(linkOf(second));
    assert.deepEqual(opened, [{ ok: true, link: DISK }, { ok: true, link: second }]);
    assert.deepEqual(logs, []);
  } finally {
    appStub.removeAllListeners('open-url');
  }
});

test('refuses anything else: logged with the reason, passed on as a refusal (reason and bounded text), no link opened', () => {
  const logs: string[] = [];
  const router = deepLinks.installDeepLinks((m) => logs.push(m));
  const opened: OpenSilenceEvent[] = [];
  router.deliverTo((l) => opened.push(l));
  try {
    openUrl('https://evil.example/#/alerts/silence/new?matchers={a="b"}');
    openUrl('ops-console://incident/open?id=1');
    openUrl('ops-console://silence/new?matchers={instance=~"db-[0-9"}');
    router.handle(`ops-console://silence/new?matchers={a="${'x'.repeat(9000)}"}`);
  } finally {
    appStub.removeAllListeners('open-url');
  }
  assert.equal(opened.length, 4);
  assert.ok(opened.every((e) => !e.ok && openSilenceEventSchema.safeParse(e).success), 'refusals only, each a valid event');
  const refusals = opened.map((e) => (e.ok ? { error: '', text: '' } : { error: e.error, text: e.text }));
  assert.deepEqual(refusals[0], { error: 'not an ops-console:// link; the app opens only ops-console://silence/new?matchers=… links', text: 'https://evil.example/#/alerts/silence/new?matchers={a="b"}' });
  assert.match(refusals[1]!.error, /^not a silence link: expected ops-console:\/\/silence\/new\?matchers=/);
  assert.equal(refusals[1]!.text, 'ops-console://incident/open?id=1');
  assert.match(refusals[2]!.error, /^parameter matchers: invalid regular expression in instance=~"db-\[0-9"/);
  // The 9,000-character link: its text is cut to the bound, the reason names the length.
  assert.equal(refusals[3]!.text.length, LINK_LIMITS.shownChars);
  assert.ok(refusals[3]!.text.startsWith('ops-console://silence/new?matchers={a="xxx') && refusals[3]!.text.endsWith('…'));
  assert.match(refusals[3]!.error, /^the link is 9\d\d\d characters long; a silence link is at most 8192$/);
  assert.equal(logs.length, 4);
  assert.match(logs[0]!, /^refused a link that is not ops-console: "https:\/\/evil\.example/);
  assert.match(logs[1]!, /^refused "ops-console:\/\/incident\/open\?id=1": not a silence link/);
  assert.match(logs[2]!, /: parameter matchers: invalid regular expression in instance=~"db-\[0-9"/);
  // A long link is cut in the log.
  assert.match(logs[3]!, /…": the link is \d+ characters long; a silence link is at most 8192$/);
});

test('Windows/Linux command line (first instance or second-instance argv): only ops-console: arguments are links', () => {
  const logs: string[] = [];
  const router = deepLinks.createDeepLinkRouter((m) => logs.push(m));
  const opened: OpenSilenceEvent[] = [];
  router.deliverTo((l) => opened.push(l));
  // Windows hands the link over with a slash before the query.
  const argv = ['C:\\Program Files\\Ops Console\\Ops Console.exe', '--allow-file-access-from-files', linkOf(DISK).replace('/new?', '/new/?'), 'C:\\exports\\inc.opsincident'];
  router.handleArgv(argv);
  assert.deepEqual(opened, [{ ok: true, link: DISK }]);
  assert.deepEqual(logs, []);
  // What is left for the incident-file logic: never the link (a link ending in .json is not a file to open).
  assert.deepEqual(deepLinks.withoutDeepLinks(argv), [argv[0], argv[1], argv[3]]);
  assert.deepEqual(deepLinks.withoutDeepLinks(['app', 'OPS-CONSOLE://silence/new?matchers={a="b"}&comment=x.json']), ['app']);
  router.handleArgv(['app', 'ops-console://silence/new?matchers={a="b"}&duration=5x']);
  assert.equal(opened.length, 2);
  assert.deepEqual(opened[1], { ok: false, error: 'parameter duration: "5x": unknown unit "x"; use w, d, h, m or s (e.g. 90m, 2h30m, 1d).', text: 'ops-console://silence/new?matchers={a="b"}&duration=5x' });
  assert.match(logs[0]!, /parameter duration: "5x": unknown unit "x"/);
});

test('links held before the window loads are bounded (the last 10)', () => {
  const router = deepLinks.createDeepLinkRouter(() => undefined);
  for (let i = 0; i < 15; i++) router.handle(linkOf({ matchers: [{ name: 'n', value: String(i), isRegex: false, isEqual: true }] }));
  const opened: string[] = [];
  router.deliverTo((l) => opened.push(l.ok ? l.link.matchers[0]!.value : `refused: ${l.error}`));
  assert.deepEqual(opened, ['5', '6', '7', '8', '9', '10', '11', '12', '13', '14']);
});

test('held refusals count against the bound too, in order with the links', () => {
  const router = deepLinks.createDeepLinkRouter(() => undefined);
  router.handle(linkOf(DISK));
  router.handle('ops-console://silence/new?matchers={a=~"("}');
  const opened: OpenSilenceEvent[] = [];
  router.deliverTo((l) => opened.push(l));
  assert.deepEqual(
    opened.map((e) => e.ok),
    [true, false],
  );
});

test('delivered to the window: each link, valid or refused, shows and focuses the window, then goes to the renderer as ui.openSilence', () => {
  const router = deepLinks.createDeepLinkRouter(() => undefined);
  const calls: string[] = [];
  const events: OpenSilenceEvent[] = [];
  router.handle('ops-console://silence/new?comment=no%20matchers');
  deepLinks.deliverToWindow(
    router,
    () => calls.push('show'),
    (name, payload) => {
      calls.push(name);
      events.push(payload);
    },
  );
  router.handle(linkOf(DISK));
  assert.deepEqual(calls, ['show', 'ui.openSilence', 'show', 'ui.openSilence']);
  assert.deepEqual(events, [
    { ok: false, error: 'parameter matchers is missing: expected matchers={alertname="…"} with at least one matcher', text: 'ops-console://silence/new?comment=no%20matchers' },
    { ok: true, link: DISK },
  ]);
  for (const e of events) assert.ok(openSilenceEventSchema.safeParse(e).success);
});
