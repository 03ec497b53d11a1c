// Draws what the server computed for a result (loadgen/src/report/web-view.ts): summary.md's lines
// and tables as blocks, and the report's charts as series per load. Nothing here knows an executor.
import { loadChart } from './charts.js';
import { el } from './dom.js';

// A cell that reads as a figure ("12.5", "102ms", "1.90x", "29.8 MiB", "-") is right-aligned (as report.html).
const FIGURE = /^(-|[-+±]?\d[\d.,]*\s?([a-zA-Z%/]{0,6})?( \(saturated\))?)$/;

/** Markdown emphasis the views write (**bold**, _italic_, `code`) as elements; everything else stays text. */
function inline(text) {
  return text.split(/(`[^`]+`|\*\*[^*]+\*\*|(?<=^|[\s(])_[^_]+_(?=$|[\s).,;:]))/).filter((p) => p !== '').map((p) => {
    if (p.startsWith('`') && p.endsWith('`') && p.length > 1) return el('code', {}, p.slice(1, -1));
    if (p.startsWith('**') && p.endsWith('**') && p.length > 3) return el('b', {}, p.slice(2, -2));
    if (p.startsWith('_') && p.endsWith('_') && p.length > 1) return el('i', {}, p.slice(1, -1));
    return p;
  });
}

function tableOf({ header, rows }) {
  const numeric = header.map((_h, i) => rows.length > 0 && rows.every((r) => FIGURE.test(r[i] ?? '-')));
  const cls = (i) => (numeric[i] ? 'num' : '');
  return el('div', { class: 'table-scroll' }, el('table', { class: 'table result-table' },
    el('thead', {}, el('tr', {}, header.map((h, i) => el('th', { class: cls(i) }, inline(h))))),
    el('tbody', {}, rows.map((r) => el('tr', {}, header.map((_h, i) => el('td', { class: cls(i) }, inline(r[i] ?? '-'))))))));
}

/** Blocks ({ line } Markdown lines, { table }) as elements; `level` is the heading level of `##`. */
export function drawBlocks(blocks, level = 3) {
  const out = [];
  let list = null;
  for (const b of blocks) {
    const line = b.line ?? '';
    const item = /^(\s*)(-|\d+\.) (.*)$/.exec(line);
    if (!item) list = null;
    if (b.table) out.push(tableOf(b.table));
    else if (item) {
      const nested = item[1].length > 0 && list?.lastElementChild;
      const tag = item[2] === '-' ? 'ul' : 'ol';
      // An ordered item keeps its number: rows tied within noise share a rank.
      const attrs = tag === 'ol' ? { value: item[2].slice(0, -1) } : {};
      if (nested) {
        const sub = nested.querySelector(':scope > ul, :scope > ol') ?? nested.appendChild(el(tag));
        sub.append(el('li', attrs, inline(item[3])));
      } else {
        if (!list || list.tagName.toLowerCase() !== tag) out.push((list = el(tag)));
        list.append(el('li', attrs, inline(item[3])));
      }
    } else if (/^#+ /.test(line)) {
      const depth = line.indexOf(' ');
      out.push(el(`h${Math.min(6, level + depth - 2)}`, { class: 'block-heading' }, inline(line.slice(depth + 1))));
    } else out.push(el('p', {}, inline(line)));
  }
  return out;
}

/** The report's charts ({ title, x, y, logX, loads, series }) drawn with uPlot; the ideal line dashed. */
export function drawCharts(charts, container) {
  for (const c of charts) {
    loadChart(container, {
      title: c.title, unit: c.y, loads: c.loads, logX: c.logX,
      series: { xLabel: c.x, list: c.series.map((s) => (s.reference ? { label: s.label, colour: '#d8dee6', dash: [6, 5], values: s.values } : { label: s.label, colour: s.colour, values: s.values })) },
    });
  }
}
