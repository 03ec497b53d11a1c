import type { Table } from '../../draw/markdown.js';

// The views write their summary.md sections as Markdown lines around tables they build with an
// injected `table` (draw/markdown.ts Table). report.html hands them htmlTables().table instead:
// one definition of every table, drawn as Markdown or as HTML. The lines around the tables use
// a small part of Markdown (headings, lists, paragraphs, **bold**, _italic_, `code`), and only
// that part is turned into HTML here: no Markdown library, because one would also make links
// and images out of text from results (target names, notes), and an image is a fetch.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or an attribute value) for HTML: every string from results goes through this. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escaped text with the Markdown emphasis the views write; nothing else becomes markup. */
export function inline(text: string): string {
  // Code spans first and left alone, so that emphasis marks inside them stay text.
  return text.split(/(`[^`]+`)/).map((part) => {
    if (part.length > 1 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    return escapeHtml(part)
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_([^_]+)_(?=$|[\s).,;:])/g, '$1<em>$2</em>');
  }).join('');
}

/** A cell that reads as a figure ("12.5", "102ms", "0.00%", "1.90x", "29.8 MiB", "-") is right-aligned. */
const FIGURE = /^(-|[-+±]?\d[\d.,]*\s?([a-zA-Z%]{0,4})?( \(saturated\))?)$/;

export interface HtmlTables {
  /** The Table the views are handed: records the table, returns one placeholder line. */
  table: Table;
  /** The HTML of a placeholder line, or undefined for any other line. */
  html(line: string): string | undefined;
}

/** A fresh set of tables for one document (placeholders are only valid in it). */
export function htmlTables(): HtmlTables {
  const made = new Map<string, string>();
  return {
    table(header, rows) {
      const line = `\u0000table ${made.size}\u0000`;
      made.set(line, tableHtml(header, rows.map((r) => r.map((c) => String(c ?? '-')))));
      return [line];
    },
    html: (line) => made.get(line),
  };
}

export function tableHtml(header: string[], rows: string[][]): string {
  const numeric = header.map((_h, i) => rows.length > 0 && rows.every((r) => FIGURE.test(r[i] ?? '-')));
  const cls = (i: number) => (numeric[i] ? ' class="num"' : '');
  return [
    '<div class="table-wrap"><table>',
    `<thead><tr>${header.map((h, i) => `<th${cls(i)}>${inline(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${header.map((_h, i) => `<td${cls(i)}>${inline(r[i] ?? '-')}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/**
 * `<li>`s of an ordered list with their own numbers. A browser numbers an item without `value`
 * one above the item before it, whatever that one's `value` was: after a tie (1, 1) the next
 * rank, 3, needs its own value, or it shows as 2.
 */
function listItems(items: string[], values: (number | undefined)[]): string {
  let shown = 0;
  return items.map((html, n) => {
    const v = values[n];
    const own = v !== undefined && v !== shown + 1;
    shown = v ?? shown + 1;
    return `<li${own ? ` value="${v}"` : ''}>${html}</li>`;
  }).join('');
}

/**
 * HTML of Markdown lines as summary.md's sections write them. `shift` lowers headings (## in
 * summary.md is a section; inside a target's card it is one level down).
 */
export function blocksHtml(lines: string[], tables?: HtmlTables, shift = 0): string {
  const out: string[] = [];
  let para: string[] = [];
  // values: an ordered item's own number (a ranking's 1, 2, 2, 4: ties share a rank).
  let list: { tag: 'ul' | 'ol'; items: string[]; values: (number | undefined)[] } | undefined;
  const flush = () => {
    if (para.length) out.push(`<p>${para.map(inline).join(' ')}</p>`);
    para = [];
    if (list) out.push(`<${list.tag}>${listItems(list.items, list.values)}</${list.tag}>`);
    list = undefined;
  };
  const item = (tag: 'ul' | 'ol', html: string, value?: number) => {
    if (para.length) flush();
    if (list && list.tag !== tag) flush();
    list ??= { tag, items: [], values: [] };
    list.items.push(html);
    list.values.push(value);
  };
  for (const line of lines) {
    const table = tables?.html(line);
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    const bullet = /^(\s*)- (.*)$/.exec(line);
    const numbered = /^(\d+)\. (.*)$/.exec(line);
    if (table !== undefined) {
      flush();
      out.push(table);
    } else if (heading) {
      flush();
      const level = Math.min(6, heading[1]!.length + shift);
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (bullet && bullet[1]!.length > 0 && list?.items.length) {
      // An indented item belongs to the one before it (e.g. a threshold's failures).
      list.items[list.items.length - 1] += `<br><span class="sub">${inline(bullet[2]!)}</span>`;
    } else if (bullet) {
      item('ul', inline(bullet[2]!));
    } else if (numbered) {
      item('ol', inline(numbered[2]!), Number(numbered[1]));
    } else if (line.trim() === '') {
      flush();
    } else {
      if (list) flush();
      para.push(line);
    }
  }
  flush();
  return out.join('\n');
}
