import { fixed } from '../core/units.js';

// Markdown pieces every summary.md section uses (report/summary.ts and the executors' tables).

/** A Markdown table from a header and rows (table below). */
export type Table = (header: string[], rows: unknown[][]) => string[];

export function table(header: string[], rows: unknown[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => String(c ?? '-')).join(' | ')} |`),
  ];
}

/** A number with fixed digits, '-' when missing (core/units fixed, under the name the tables use). */
export const num = fixed;

/** Three decimals, for results.csv; null stays null (an empty cell). */
export function round3(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 1000) / 1000;
}
