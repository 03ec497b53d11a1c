import type { FigureTable, RunComparison } from './compare.js';

// `lab compare`'s terminal output: one table per figure (benchstat's layout), each line a target
// and step with A, B and the change, the table's notes under it.

export function formatComparison(c: RunComparison, labelA: string, labelB: string): string {
  const out = [`A = ${labelA}`, `B = ${labelB}`];
  if (c.tables.length === 0) out.push('', 'no figure in common: the runs have no steps');
  for (const t of c.tables) out.push('', ...tableLines(t));
  if (c.chance) out.push('', c.chance.text);
  return out.join('\n');
}

function tableLines(t: FigureTable): string[] {
  const header = ['target', t.loadLabel, 'A', 'B', 'change'];
  const body = t.rows.map((r) => [r.target, `${r.load}${r.only ? ` (only ${r.only.toUpperCase()})` : ''}`, r.a?.text ?? '-', r.b?.text ?? '-', r.change]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const better = t.better === 'none' ? '' : `, ${t.better} is better`;
  return [`${t.label} [${t.unit}${better}]`, line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...t.notes.map((n) => `  ${n}`)];
}
