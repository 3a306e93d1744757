import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Evidence, TimelineEntry } from '../../preload/contract/incidents';
import { REPORT_CSP, escapeHtml, renderChartSvg, renderIncidentHtml, safeHref } from './html-report';
import type { IncidentExportInput } from './export-format';
import { BUILTIN_TEMPLATES } from './templates';
import { T0, makeIncident } from './test-fixtures';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  'javascript:alert(1)',
  '</style><script>alert(2)</script>',
  '<a href="http://evil.example/x">click</a>',
  '<link rel=stylesheet href=https://evil.example/s.css>',
  '<iframe src="https://evil.example"></iframe>',
  '`${alert(1)}`',
  '&lt;already escaped&gt;',
];
const H = HOSTILE.join(' | ');

function hostileInput(): IncidentExportInput {
  const entry = (id: string, text: string, system = false): TimelineEntry => ({ id, at: T0 + Number(id.slice(1)) * 1000, recordedAt: T0, kind: 'note', text, author: H, starred: true, system });
  const evidence: Evidence[] = [
    {
      id: 'ev1',
      at: T0,
      author: H,
      title: H,
      note: H,
      kind: 'alert',
      fingerprint: H,
      labels: { alertname: H, [H]: H, instance: 'node1:9100' },
      annotations: { summary: H, runbook_url: 'javascript:alert(1)' },
      startsAt: H,
      state: H,
    },
    {
      id: 'ev2',
      at: T0,
      author: 'bob',
      title: 'Errors in synapse',
      kind: 'logs',
      query: H,
      source: H,
      lines: [{ time: H, level: '<ERROR>', message: H, fields: { [H]: H, 'host.name': 'node1', n: 3, ok: true, none: null } }],
    },
    {
      id: 'ev3',
      at: T0,
      author: 'bob',
      title: 'CPU',
      kind: 'chart',
      unit: '%"><script>',
      series: [
        { name: H, points: [[T0, 10], [T0 + 60_000, 95.5], [T0 + 120_000, 40]] },
        { name: 'node2', points: [[T0, 5]] },
      ],
    },
  ];
  return {
    incident: makeIncident({
      title: H,
      commander: H,
      commsLead: H,
      impact: H,
      services: [H],
      instances: [H],
      environment: H,
      eta: H,
      links: [
        { title: H, url: 'https://tickets.example/T-1?q=<x>&token=abc123' },
        { title: 'data link', url: 'data:text/html,<script>alert(1)</script>' },
        { title: 'js link', url: 'javascript:alert(1)' },
      ],
      linkedAlerts: [{ fingerprint: 'f1', linkedAt: T0, snapshot: { labels: { alertname: H }, annotations: { summary: H }, startsAt: H, state: H }, firing: true, lastChangeAt: T0 }],
    }),
    timeline: [entry('e1', H), entry('e2', 'Authorization: Bearer sekr1tsekr1t', true)],
    evidence,
    messages: [{ id: 'm1', templateId: 'builtin-initial-alert', text: H, markdown: H, at: T0, author: H, audiences: ['stakeholders'] }],
    templates: [...BUILTIN_TEMPLATES, { id: 'custom', name: H, body: 'x', builtIn: false }],
  };
}

/** Every start tag of the document, as written (escaped text cannot contain a raw "<"). */
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
}

describe('HTML report', () => {
  const html = renderIncidentHtml(hostileInput(), { generatedAt: T0 + 3_600_000, timeZone: 'Europe/Berlin', appVersion: '0.1.0' });

  it('is one document with a strict CSP and no scripts', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`));
    assert.equal(REPORT_CSP, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<iframe|<img|<link|<object|<embed|<base|<form/i);
    assert.equal((html.match(/<style>/g) ?? []).length, 1);
    assert.equal((html.match(/<\/style>/g) ?? []).length, 1, 'a hostile </style> must not close the style element');
  });

  it('loads nothing from outside', () => {
    for (const tag of tagsOf(html)) assert.doesNotMatch(tag, /\s(src|srcset|poster|background|action|formaction)\s*=/i, tag);
    assert.doesNotMatch(html, /src="http/i);
    assert.doesNotMatch(html, /url\(/i);
    assert.doesNotMatch(html, /@import/i);
    assert.doesNotMatch(html, /xlink:href|<use\b/i);
  });

  it('escapes every outside string: no hostile tag or attribute survives', () => {
    assert.doesNotMatch(html, /<svg onload/i);
    for (const tag of tagsOf(html)) assert.doesNotMatch(tag, /\son\w+\s*=/i, `event handler attribute in ${tag}`);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&amp;lt;already escaped&amp;gt;'));
    // The only tags are the report's own.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? '').toLowerCase()));
    const allowed = ['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'h4', 'p', 'span', 'table', 'tr', 'th', 'td', 'section', 'pre', 'small', 'div', 'code', 'svg', 'g', 'line', 'text', 'polyline', 'circle', 'ul', 'li', 'a', 'input', 'label', 'footer'];
    for (const t of tags) assert.ok(allowed.includes(t), `unexpected element <${t}>`);
  });

  it('links only http(s) URLs', () => {
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
    assert.ok(hrefs.length >= 1);
    for (const h of hrefs) assert.match(h, /^https?:\/\//);
    assert.ok(hrefs.some((h) => h.startsWith('https://tickets.example/T-1')));
    assert.doesNotMatch(html, /href="(javascript|data):/i);
    assert.ok(html.includes('not a web link, not linked'));
    assert.ok(html.includes('rel="noopener noreferrer nofollow"'));
  });

  it('scrubs secrets like the export', () => {
    assert.ok(!html.includes('sekr1tsekr1t'));
    assert.ok(!html.includes('abc123'));
    assert.ok(html.includes('Authorization: Bearer [REDACTED]'));
  });

  it('draws charts as inline SVG from the data points', () => {
    const chart = hostileInput().evidence[2];
    assert.ok(chart && chart.kind === 'chart');
    const svg = renderChartSvg(chart);
    assert.match(svg, /^<svg viewBox="0 0 760 260"/);
    assert.match(svg, /<polyline fill="none" stroke="#3b6fd8" stroke-width="1.6" stroke-linejoin="round" points="64,\d+(\.\d)? 406,14 748,\d+(\.\d)?"\/>/);
    assert.match(svg, /<circle /);
    assert.ok(!svg.includes('<script>'));
    assert.equal(renderChartSvg({ ...chart, series: [] }), '<p class="meta">No data points.</p>');
  });

  it('has the sections an incident review needs', () => {
    for (const h of ['Summary', 'Response targets', 'Linked alerts', 'Timeline', 'Messages', 'Evidence', 'Related links']) assert.ok(html.includes(`<h2>${h}</h2>`), h);
    assert.ok(html.includes('class="system"'), 'system entries can be hidden');
    assert.ok(html.includes('id="hide-system"'));
  });

  it('escapeHtml and safeHref', () => {
    assert.equal(escapeHtml(`<a href='x' title="y">&\``), '&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&#96;');
    assert.equal(safeHref('javascript:alert(1)'), null);
    assert.equal(safeHref('JAVASCRIPT:alert(1)'), null);
    assert.equal(safeHref(' https://ok.example/a b'), 'https://ok.example/a%20b');
    assert.equal(safeHref('/relative'), null);
    assert.equal(safeHref('file:///etc/passwd'), null);
  });
});
