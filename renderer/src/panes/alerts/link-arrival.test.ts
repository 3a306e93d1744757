import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { LINK_LIMITS, boundedText, type SilenceLink } from '../../../../preload/contract';
import { editorAfterLink, linkEditor, type EditorState } from './link-arrival';
import { LinkErrorNotice } from './LinkErrorNotice';

const LINK: SilenceLink = { matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }], durationMs: 3_600_000, comment: 'from chat' };
const OTHER: SilenceLink = { matchers: [{ name: 'instance', value: 'db-1:9100', isRegex: false, isEqual: true }] };
const REFUSAL = { error: 'parameter matchers: invalid regular expression in instance=~"db-[0-9": Unterminated character class', text: 'ops-console://silence/new?matchers={instance=~"db-[0-9"}' };
const OPEN: EditorState = { matchers: [{ name: 'alertname', value: 'HighCPUUsage', isRegex: false, isEqual: true }], title: 'HighCPUUsage db-1', key: 1 };

test('a valid link opens a fresh editor, unless the open one holds edits: then it is offered there', () => {
  assert.deepEqual(editorAfterLink(null, false, { link: LINK }, 7), { matchers: LINK.matchers, title: 'from a link', key: 7, link: LINK });
  assert.deepEqual(editorAfterLink(OPEN, false, { link: LINK }, 7), linkEditor(LINK, 7), 'an editor without edits is replaced');
  assert.deepEqual(editorAfterLink(OPEN, true, { link: LINK }, 7), { ...OPEN, arrived: LINK, linkError: undefined }, 'edits stay, same key');
});

test('a refused link shows in the open editor (edited or not), the form untouched; with no editor open, the pane shows it', () => {
  assert.equal(editorAfterLink(null, false, REFUSAL, 7), null);
  for (const edited of [false, true]) {
    const next = editorAfterLink(OPEN, edited, REFUSAL, 7);
    assert.deepEqual(next, { ...OPEN, arrived: undefined, linkError: REFUSAL });
    // Same key: React keeps the editor (and what is typed in it); same matchers it opened with.
    assert.equal(next?.key, OPEN.key);
    assert.equal(next?.matchers, OPEN.matchers);
  }
  // Cut to the contract's limits as it enters the editor (a route's error can quote an 8 KB matcher).
  const long = editorAfterLink(OPEN, true, { error: `bad matcher ${'x'.repeat(5000)}`, text: 'y'.repeat(5000) }, 7)!.linkError!;
  assert.equal(long.error, boundedText(`bad matcher ${'x'.repeat(5000)}`, LINK_LIMITS.errorChars));
  assert.equal(long.text, boundedText('y'.repeat(5000), LINK_LIMITS.shownChars));
  assert.ok(long.error.length <= LINK_LIMITS.errorChars && long.text!.length <= LINK_LIMITS.shownChars);
  // A route's refusal carries no text.
  assert.deepEqual(editorAfterLink(OPEN, true, { error: 'unknown parameter "until"' }, 7)?.linkError, { error: 'unknown parameter "until"' });
});

test('the newest link is the one the editor shows: an offer replaces a refusal, a refusal an offer', () => {
  const refused = editorAfterLink(OPEN, true, REFUSAL, 7)!;
  const offered = editorAfterLink(refused, true, { link: OTHER }, 8)!;
  assert.equal(offered.linkError, undefined);
  assert.deepEqual(offered.arrived, OTHER);
  assert.equal(offered.key, OPEN.key);
  const refusedAgain = editorAfterLink(offered, true, { error: 'parameter duration: "soon" is not a duration' }, 9)!;
  assert.equal(refusedAgain.arrived, undefined);
  assert.deepEqual(refusedAgain.linkError, { error: 'parameter duration: "soon" is not a duration' });
  // An editor without edits that shows a refusal is replaced by a valid link, without it.
  assert.deepEqual(editorAfterLink(refused, false, { link: LINK }, 10), linkEditor(LINK, 10));
});

test('the in-editor link error is an alert with the reason, the link as text (never markup), and a dismiss button', () => {
  const html = renderToStaticMarkup(
    createElement(LinkErrorNotice, { refusal: { error: 'matcher <b>x</b> is bad', text: 'ops-console://silence/new?comment=<img src=x onerror=alert(1)>' }, outcome: 'what you typed here stays and nothing was created', inEditor: true, onDismiss: () => {} }),
  );
  assert.match(html, /^<div role="alert" class="link-error in-editor">/);
  assert.ok(html.includes('This silence link cannot be opened; what you typed here stays and nothing was created.'));
  assert.ok(html.includes('matcher &lt;b&gt;x&lt;/b&gt; is bad'));
  assert.ok(html.includes('Link: <span class="mono">ops-console://silence/new?comment=&lt;img src=x onerror=alert(1)&gt;</span>'));
  assert.ok(!html.includes('<img') && !html.includes('<b>'));
  assert.match(html, /<button type="button" aria-label="Dismiss link error">✕<\/button>/);
  // In the pane (no editor open): the same notice, saying what happened there.
  const inPane = renderToStaticMarkup(createElement(LinkErrorNotice, { refusal: REFUSAL, outcome: 'no editor was opened and nothing was created', onDismiss: () => {} }));
  assert.match(inPane, /^<div role="alert" class="link-error">/);
  assert.ok(inPane.includes('This silence link cannot be opened; no editor was opened and nothing was created.'));
  // Without the host's text (a route): no "Link:" line.
  assert.ok(!renderToStaticMarkup(createElement(LinkErrorNotice, { refusal: { error: 'unknown parameter "until"' }, outcome: 'what you typed here stays and nothing was created', inEditor: true, onDismiss: () => {} })).includes('Link:'));
});
