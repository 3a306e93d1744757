import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SilenceMatcher } from './alerts';
import { LINK_LIMITS, boundedText, formatSilenceDuration, formatSilenceLink, looksLikeSilenceLink, openSilenceEvent, openSilenceEventSchema, parseSilenceLink, readOpenSilenceEvent, type SilenceLink } from './links';
import { matcherFromOp, type MatchOp } from '../../main/alerts/alert-filter';
import { parseSilenceDuration } from '../../main/alerts/silence-logic';

const m = (name: string, op: MatchOp, value: string): SilenceMatcher => matcherFromOp(name, op, value);

function format(link: SilenceLink, spelling: 'app' | 'route' = 'app'): string {
  const r = formatSilenceLink(link, spelling);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function refusal(text: string): string {
  const r = parseSilenceLink(text);
  assert.equal(r.ok, false, `expected ${JSON.stringify(text.slice(0, 200))} to be refused`);
  return r.ok ? '' : r.error;
}

describe('silence links', () => {
  it('reads the example of the issue in both spellings, and a whole console address', () => {
    const want: SilenceLink = { matchers: [m('alertname', '=', 'DiskFull'), m('instance', '=~', 'db-.*')], durationMs: 2.5 * 3_600_000, comment: 'Disk swap, CHG-42' };
    const app = 'ops-console://silence/new?matchers=' + encodeURIComponent('{alertname="DiskFull",instance=~"db-.*"}') + '&duration=2h30m&comment=Disk%20swap%2C%20CHG-42';
    assert.deepEqual(parseSilenceLink(app), { ok: true, value: want });
    const route = app.replace('ops-console://silence/new', '#/alerts/silence/new');
    assert.deepEqual(parseSilenceLink(route), { ok: true, value: want });
    assert.deepEqual(parseSilenceLink(`http://127.0.0.1:8080/${route}`), { ok: true, value: want });
    // Windows hands protocol links over with a slash before the query; surrounding blanks come with a paste.
    assert.deepEqual(parseSilenceLink(`  ${app.replace('/new?', '/new/?')}\n`), { ok: true, value: want });
  });

  it('writes what it reads: both spellings, all four operators, duration and comment optional', () => {
    const link: SilenceLink = { matchers: [m('a', '=', 'x'), m('b', '!=', 'y'), m('c', '=~', 'z+|w'), m('d', '!~', '')] };
    const app = format(link);
    assert.ok(app.startsWith('ops-console://silence/new?matchers='));
    assert.deepEqual(parseSilenceLink(app), { ok: true, value: link });
    const route = format({ ...link, durationMs: 15 * 60_000, comment: 'why' }, 'route');
    assert.ok(route.startsWith('#/alerts/silence/new?matchers='));
    assert.match(route, /&duration=15m&comment=why$/);
    assert.deepEqual(parseSilenceLink(route), { ok: true, value: { ...link, durationMs: 15 * 60_000, comment: 'why' } });
  });

  it('keeps a hand-written + in a regex (percent-decoding, not form-decoding)', () => {
    const r = parseSilenceLink('ops-console://silence/new?matchers={instance=~"db-[0-9]+"}');
    assert.deepEqual(r, { ok: true, value: { matchers: [m('instance', '=~', 'db-[0-9]+')] } });
  });

  it('formats durations in the extend box syntax', () => {
    assert.equal(formatSilenceDuration(90 * 60_000), '1h30m');
    assert.equal(formatSilenceDuration(8 * 86_400_000 + 1000), '1w1d1s');
    assert.equal(formatSilenceDuration(15 * 60_000), '15m');
  });

  it('parse(format(x)) == x for random matchers, durations and comments (quotes, backslashes, unicode)', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
    const text = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.string({ maxLength: 12, unit: 'binary' }), fc.constantFrom('"', '\\', '\\"', 'a"b\\c', '{x="y"}', 'é€😀', '\n', ' , ', '%20', '+', '&comment=x'));
    // Regex values: any text escaped into a valid regex, or a few real patterns.
    const regex = fc.oneof(text.map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), fc.constantFrom('db-.*', 'a|b', '[0-9]+', '(x|"y")?', '\\\\d'));
    const matcher = fc.oneof(
      fc.tuple(name, fc.constantFrom<MatchOp>('=', '!='), text).map(([n, op, v]) => m(n, op, v)),
      fc.tuple(name, fc.constantFrom<MatchOp>('=~', '!~'), regex).map(([n, op, v]) => m(n, op, v)),
    );
    const link = fc.record(
      {
        matchers: fc.array(matcher, { minLength: 1, maxLength: 10 }),
        durationMs: fc.integer({ min: 60, max: 365 * 86_400 }).map((s) => s * 1000),
        comment: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), fc.string({ minLength: 1, maxLength: 60, unit: 'binary' })),
      },
      { requiredKeys: ['matchers'] },
    ).map((r): SilenceLink => ({ ...r }));
    fc.assert(
      fc.property(link, fc.constantFrom<'app' | 'route'>('app', 'route'), (x, spelling) => {
        const text = format(x, spelling);
        assert.ok(text.length <= LINK_LIMITS.linkChars);
        assert.deepEqual(parseSilenceLink(text), { ok: true, value: x });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a link that is not one, naming what was expected', () => {
    assert.match(refusal('https://example.org/silence'), /^not a silence link: expected ops-console:\/\/silence\/new\?matchers=… or a console address ending in #\/alerts\/silence\/new\?matchers=…$/);
    assert.match(refusal('ops-console://incident/open?id=1'), /^not a silence link/);
    assert.match(refusal('ops-console://silence/newer?matchers=a'), /^not a silence link/);
    assert.equal(refusal('ops-console://silence/new'), 'parameter matchers is missing: expected matchers={alertname="…"} with at least one matcher');
    assert.equal(refusal('ops-console://silence/new?matchers=%7B%7D'), 'a silence link needs at least one matcher');
  });

  it('names the parameter at fault', () => {
    assert.equal(refusal('ops-console://silence/new?matchers={a="b"}&until=tomorrow'), 'unknown parameter "until"; a silence link takes matchers, duration, comment');
    assert.equal(refusal('ops-console://silence/new?matchers={a="b"}&matchers={c="d"}'), 'parameter matchers is given twice');
    assert.match(refusal('ops-console://silence/new?matchers={a="b"}&comment=100%'), /^parameter comment is not valid percent-encoding/);
    assert.equal(refusal('ops-console://silence/new?matchers={a="b"}&duration=2h30'), 'parameter duration: "2h30": 30 has no unit; use w, d, h, m or s (e.g. 30m).');
    assert.match(refusal('ops-console://silence/new?matchers={a="b"}&duration=2y'), /^parameter duration: "2y": unknown unit "y"/);
    assert.match(refusal('ops-console://silence/new?matchers={a="b"}&duration=400d'), /^parameter duration: "400d" is longer than a year/);
  });

  it('names the matcher at fault', () => {
    assert.equal(refusal('ops-console://silence/new?matchers={a="b",instance=~"db-[0-9"}'), 'parameter matchers: invalid regular expression in instance=~"db-[0-9": /^(?:db-[0-9)$/: Unterminated character class');
    assert.equal(refusal('ops-console://silence/new?matchers={a="b'), 'parameter matchers: unterminated quote starting at character 4');
    assert.equal(refusal('ops-console://silence/new?matchers={a="b" DiskFull}'), 'parameter matchers: "diskfull" is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"');
    assert.match(refusal('ops-console://silence/new?matchers={="b"}'), /^parameter matchers: operator at character 2 has no label name before it/);
  });

  it('bounds every length: the link, the matchers, the comment', () => {
    assert.match(refusal(`ops-console://silence/new?matchers={a="${'x'.repeat(9000)}"}`), /^the link is \d+ characters long; a silence link is at most 8192$/);
    const many = Array.from({ length: 65 }, (_, i) => `l${i}="v"`).join(',');
    assert.equal(refusal(`ops-console://silence/new?matchers={${many}}`), 'a silence link takes at most 64 matchers (65 given)');
    assert.equal(refusal(`ops-console://silence/new?matchers={a="b"}&comment=${'c'.repeat(1001)}`), 'the comment is 1001 characters long; a link takes at most 1000');
    // The limits themselves are fine.
    const max: SilenceLink = { matchers: Array.from({ length: 64 }, (_, i) => m(`l${i}`, '=', 'v')), comment: 'c'.repeat(1000) };
    assert.deepEqual(parseSilenceLink(format(max)), { ok: true, value: max });
  });

  it('refuses to write a link that would not read back, with the reason', () => {
    const r = (link: SilenceLink) => {
      const f = formatSilenceLink(link);
      return f.ok ? 'ok' : f.error;
    };
    assert.equal(r({ matchers: [] }), 'a silence link needs at least one matcher');
    assert.equal(r({ matchers: [m('my-label', '=', 'x')] }), 'matcher 1: "my-label" is not a label name (letters, digits and _, not starting with a digit)');
    assert.match(r({ matchers: [m('a', '=', 'b')], durationMs: 10_000 }), /^duration: "10s" is shorter than a minute/);
    assert.equal(r({ matchers: [m('a', '=', 'b')], comment: 'x'.repeat(1001) }), 'the comment is 1001 characters long; a link takes at most 1000');
    // 1,000 characters that each take 9 when percent-encoded: longer than a link may be.
    assert.match(r({ matchers: [m('a', '=', 'b')], comment: '€'.repeat(1000) }), /^the link would be \d+ characters long, more than a link may be \(8192\)/);
  });

  it('refuses to write text that cannot be percent-encoded (a lone surrogate), instead of throwing', () => {
    const f = formatSilenceLink({ matchers: [m('a', '=', 'b')], comment: 'broken \ud800' });
    assert.deepEqual(f, { ok: false, error: 'the comment holds a broken Unicode character (a lone surrogate)' });
    const g = formatSilenceLink({ matchers: [m('a', '=', 'x\udc00')] });
    assert.deepEqual(g, { ok: false, error: 'the matchers hold a broken Unicode character (a lone surrogate)' });
  });

  it('tells a link from other text', () => {
    assert.equal(looksLikeSilenceLink('ops-console://silence/new?matchers=x'), true);
    assert.equal(looksLikeSilenceLink('http://127.0.0.1:1/#/alerts/silence/new'), true);
    assert.equal(looksLikeSilenceLink('/home/me/incident.json'), false);
  });

  it('reads durations with the same parser as the extend box', () => {
    const d = parseSilenceDuration('1w 2d');
    assert.ok(d.ok);
    const r = parseSilenceLink(`ops-console://silence/new?matchers={a="b"}&duration=1w%202d`);
    assert.deepEqual(r, { ok: true, value: { matchers: [m('a', '=', 'b')], durationMs: d.value } });
  });
});

describe('the ui.openSilence event (host to renderer)', () => {
  const link: SilenceLink = { matchers: [m('alertname', '=', 'DiskFull')], durationMs: 3_600_000, comment: 'swap' };

  it('carries a parsed link, or a refusal with its reason and the text cut to its bound', () => {
    const ok = openSilenceEvent(format(link));
    assert.deepEqual(ok, { ok: true, link });
    assert.deepEqual(readOpenSilenceEvent(ok), ok);
    const long = `ops-console://silence/new?matchers={a="${'😀'.repeat(5000)}"}`;
    const refused = openSilenceEvent(long);
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.ok(refused.text.length <= LINK_LIMITS.shownChars && refused.text.endsWith('…'));
    assert.doesNotThrow(() => encodeURIComponent(refused.text), 'no half surrogate pair at the cut');
    assert.match(refused.error, /^the link is \d+ characters long/);
    assert.ok(openSilenceEventSchema.safeParse(refused).success);
    assert.deepEqual(readOpenSilenceEvent(refused), refused);
  });

  it('the renderer reads nothing it was not meant to: wrong shapes, unbounded strings and invalid links are refused without their text', () => {
    const notRead = 'the app passed on a silence link in a form this window does not read';
    for (const bad of [
      null,
      'ops-console://silence/new?matchers={a="b"}',
      link,
      { ok: true, link, extra: 1 },
      { ok: true, link: { ...link, matchers: [] } },
      { ok: true, link: { ...link, comment: 'c'.repeat(LINK_LIMITS.commentChars + 1) } },
      { ok: true, link: { matchers: [{ name: '1bad', value: '', isRegex: false, isEqual: true }] } },
      { ok: false, error: 'e'.repeat(LINK_LIMITS.errorChars + 1), text: '' },
      { ok: false, error: 'why', text: 't'.repeat(LINK_LIMITS.shownChars + 1) },
    ]) {
      assert.deepEqual(readOpenSilenceEvent(bad), { ok: false, error: notRead, text: '' }, JSON.stringify(bad)?.slice(0, 100));
    }
    // Well-formed but not a link parseSilenceLink would give: a regex that does not compile, a duration of 0.5 s.
    const badRegex = readOpenSilenceEvent({ ok: true, link: { matchers: [m('a', '=~', 'x')].map((x) => ({ ...x, value: '(' })) } });
    assert.equal(badRegex.ok, false);
    assert.equal(readOpenSilenceEvent({ ok: true, link: { ...link, durationMs: 1.5 } }).ok, false);
  });

  it('boundedText cuts with an ellipsis, keeps short text whole', () => {
    assert.equal(boundedText('abc', 3), 'abc');
    assert.equal(boundedText('abcd', 3), 'ab…');
    assert.equal(boundedText('a😀b', 3), 'a…');
  });
});
