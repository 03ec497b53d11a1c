// report.html of real runs (test/fixtures/runs, and the README's io-ramp for the cross-check):
// every row, one inline <svg> per chart, the Findings, hostile strings escaped, and nothing a
// browser would fetch. The browser half (it renders from file://) is test/browser/report-html.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { blocksHtml, escapeHtml, htmlTables } from '../../../src/report/html/blocks.js';
import { renderReport } from '../../../src/report/render.js';
import { readResults } from '../../../src/results/files.js';
import type { RunResults } from '../../../src/model/results.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const RUNS = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs');
const HOSTILE = `<img src="https://evil.example/x.png" onerror="alert(1)">&'"`;
const NOTE = `<script src="https://evil.example/a.js"></script> ![x](https://evil.example/y.png) url(https://evil.example/z)`;
const tmp: string[] = [];

after(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function reportOf(r: RunResults): Promise<{ html: string; charts: string[]; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-report-html-'));
  tmp.push(dir);
  writeFileSync(path.join(dir, 'results.json'), JSON.stringify(r));
  const out = await renderReport(dir, r);
  return { html: readFileSync(path.join(dir, 'report.html'), 'utf8'), charts: out.charts.map((c) => c.name), dir };
}

/** From a heading line to the next heading of the same level (or the end). */
function markdownSection(md: string, heading: string): string {
  const start = md.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `summary.md has no "${heading}"`);
  const level = heading.split(' ')[0]!;
  const end = md.indexOf(`\n${level} `, start + heading.length + 1);
  return md.slice(start, end < 0 ? undefined : end);
}

/** Table rows as cell texts, the separator row left out. */
function markdownRows(md: string): string[][] {
  return md.split('\n').filter((l) => l.startsWith('|') && !/^\|( *-+ *\|)+$/.test(l)).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
}

/** From a marker to the next row heading or section. */
function htmlSection(html: string, marker: string): string {
  const start = html.indexOf(marker);
  assert.ok(start >= 0, `report.html has no ${marker}`);
  const next = [html.indexOf('<h3', start + marker.length), html.indexOf('<section', start + marker.length)].filter((i) => i >= 0);
  return html.slice(start, next.length ? Math.min(...next) : undefined);
}

function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function htmlRows(html: string): string[][] {
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => htmlText(c[1]!).trim()));
}

const numbers = (text: string) => text.match(/\d+(?:\.\d+)?/g) ?? [];

/**
 * Every place in the markup a browser would load something from: src/href/srcset/action
 * attributes, any loading element, and @import or url() in the style sheets. Text is left out
 * first (a URL in a note is text, escaped), style sheets are kept.
 */
function remoteReferences(html: string): string[] {
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('\n');
  const markup = html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/>[^<]*</g, '><');
  const found = (text: string, p: RegExp) => [...text.matchAll(p)].map((m) => m[0]);
  // Attributes by name (an escaped name in an aria-label is only text), values as the browser reads them.
  const attributes = [...markup.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((tag) =>
    [...tag[0].matchAll(/\s([a-zA-Z][\w:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)].map((a) => ({ name: a[1]!.toLowerCase(), value: a[2] ?? a[3] ?? a[4] ?? '' })));
  return [
    ...attributes.filter((a) => /^(src|href|xlink:href|srcset|action|formaction|poster|data|background)$/.test(a.name) && !a.value.startsWith('#')).map((a) => `${a.name}="${a.value}"`),
    ...attributes.filter((a) => a.name === 'style' && /url\(|@import/i.test(a.value)).map((a) => `style="${a.value}"`),
    ...found(markup, /<(?:script|iframe|object|embed|link|img|image|base|frame|video|audio|source)\b[^>]*>/gi),
    ...found(css, /@import\b[^;]*|url\([^)]*\)/gi),
  ];
}

describe('report.html', () => {
  for (const run of ['io-ramp-2026-11', 'overhead-2026-11', 'idle-connections']) {
    it(`${run}: every row, an inline <svg> per chart, the Findings, nothing fetched`, async () => {
      const r = readResults(path.join(RUNS, run));
      const { html, charts } = await reportOf(r);
      assert.ok(charts.length >= 2, `${run}: charts ${charts.join(', ')}`);
      for (const t of r.targets) assert.ok(html.includes(`${escapeHtml(t.name)}</h3>`), `${run}: no section for ${t.name}`);
      for (const c of charts) assert.match(html, new RegExp(`<figure class="chart" id="chart-${c}"><svg [^>]*class="marks"`), `${run}: chart ${c} not inlined`);
      assert.equal((html.match(/<svg\b/g) ?? []).length, charts.length);
      assert.match(html, /<section id="findings">[\s\S]*<strong>/);
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
      assert.deepEqual(remoteReferences(html), []);
      assert.ok(!/https?:\/\//.test(html), `${run}: an http(s) URL in the file`);
    });
  }

  it('the io-ramp row tables and the Findings numbers are the same as summary.md', async () => {
    const r = readResults(path.join(RUNS, 'io-ramp-2026-11'));
    const { html, dir } = await reportOf(r);
    const md = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    for (const t of r.targets) {
      const rows = markdownRows(markdownSection(md, `## ${t.name}`));
      assert.ok(rows.length >= 1 + t.steps.length, `${t.name}: summary.md has its table (${rows.length} rows)`);
      assert.deepEqual(htmlRows(htmlSection(html, `${escapeHtml(t.name)}</h3>`)), rows, `${t.name}: the table in report.html is summary.md's`);
    }
    // An ordered list's "1." is markup in summary.md and an <ol> in report.html.
    const mdNumbers = numbers(markdownSection(md, '## Findings').replace(/^\d+\. /gm, ''));
    assert.ok(mdNumbers.length > 20, `summary.md's Findings hold numbers (${mdNumbers.length})`);
    assert.deepEqual(numbers(htmlText(htmlSection(html, '<section id="findings">'))), mdNumbers);
  });

  it('shows the cross-check ratios when the run has them (the README io-ramp run)', async () => {
    const { html } = await reportOf(readResults(path.join(REPO_ROOT, 'docs', 'results', 'io-ramp')));
    assert.match(html, /<th class="num">lab\/wrk<\/th>/);
    assert.match(html, /cross-check lab\/wrk: min 0\.\d\d/);
  });

  it('escapes a hostile target name, failure, warning and scenario text', async () => {
    const r = readResults(path.join(RUNS, 'idle-connections'));
    r.targets[0]!.name = HOSTILE;
    r.targets[1]!.failed = NOTE;
    r.targets[1]!.steps[0]!.warnings.push(NOTE);
    r.scenario.description = NOTE;
    r.scenario.name = HOSTILE;
    const { html } = await reportOf(r);
    assert.ok(!html.includes(HOSTILE) && !html.includes('<script') && !html.includes('<img'));
    assert.ok(html.includes(escapeHtml(HOSTILE)), 'the hostile name is shown, escaped');
    assert.ok(html.includes(escapeHtml(NOTE).slice(0, 40)), 'the hostile note is shown, escaped');
    assert.deepEqual(remoteReferences(html), []);
  });

  it('the fetch scan finds what a browser would load, and not text', () => {
    const page = '<style>@import "x.css"; b { background: url(//e.example/i.png) }</style><a href="https://e.example">https://e.example</a><p aria-label="src=https://e">src="https://e"</p><svg><image xlink:href="/i.png"/></svg><a href="#ok">';
    assert.deepEqual(remoteReferences(page), ['href="https://e.example"', 'xlink:href="/i.png"', '<image xlink:href="/i.png"/>', '@import "x.css"', 'url(//e.example/i.png)']);
  });

  it('Markdown of the views: tables where the view put them, emphasis only, no link or image', () => {
    const t = htmlTables();
    const lines = ['## Heading', '', 'a **bold** _word_ and `co**de`', '', ...t.table(['target', 'req/s'], [['a<b', '1.5'], ['c', null]]), '- one', '  - one more', '1. first', '[x](https://e.example) ![y](z.png)'];
    const html = blocksHtml(lines, t);
    assert.match(html, /<h2>Heading<\/h2>/);
    assert.match(html, /<p>a <strong>bold<\/strong> <em>word<\/em> and <code>co\*\*de<\/code><\/p>/);
    assert.match(html, /<td>a&lt;b<\/td><td class="num">1\.5<\/td><\/tr>\n<tr><td>c<\/td><td class="num">-<\/td>/);
    assert.match(html, /<ul><li>one<br><span class="sub">one more<\/span><\/li><\/ul>/);
    assert.match(html, /<ol><li>first<\/li><\/ol>/);
    // A ranking's competition ranks as the browser will show them: after a tie the next rank
    // needs its own value (the browser would count 1, 1, 2).
    assert.match(blocksHtml(['1. a', '1. b (tied within noise)', '3. c', '4. d', '4. e', '6. f']),
      /<ol><li>a<\/li><li value="1">b \(tied within noise\)<\/li><li value="3">c<\/li><li>d<\/li><li value="4">e<\/li><li value="6">f<\/li><\/ol>/);
    assert.match(html, /<p>\[x\]\(https:\/\/e\.example\) !\[y\]\(z\.png\)<\/p>/);
  });
});
