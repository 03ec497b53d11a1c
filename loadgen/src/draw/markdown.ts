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

/** A number with fixed digits, '-' when missing. */
export function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : fixed(v, digits);
}

/** Three decimals, for results.csv; null stays null (an empty cell). */
export function round3(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 1000) / 1000;
}
