import { formatBytes } from '../core/units.js';
import type { StepResult } from '../model/results.js';

// `lab run`'s table of finished steps, one line per step: the owner's columns (ConsoleTable),
// then what every view adds to a step (consoleExtra), then the step's warnings.

/** `lab run`'s line for a finished step: its columns (header, width) and cells (consoleRow below draws it). */
export interface ConsoleTable {
  columns: [string, number][];
  cells(target: string, s: StepResult): string[];
  /** Further text of the same step, e.g. a line per further /overhead mode. */
  more?(s: StepResult): string;
}

export function consoleHeader(t: ConsoleTable): string {
  return t.columns.map(([h, w]) => h.padEnd(w)).join(' ');
}

export function padCells(columns: [string, number][], cells: string[]): string {
  return cells.map((c, i) => c.padEnd(columns[i]![1])).join(' ');
}

export function consoleRow(t: ConsoleTable, target: string, s: StepResult, extra: string): string {
  return padCells(t.columns, t.cells(target, s)) + (t.more?.(s) ?? '') + extra + s.warnings.map((w) => `\n    warning: ${w}`).join('');
}

/** CPU, RSS and threads of the server over a step: the last columns of every table. */
export const serverCells = (s: StepResult): string[] => [
  s.server.cpu_seconds === null ? '-' : s.server.cpu_seconds.toFixed(2),
  formatBytes(s.server.rss_bytes_peak),
  s.server.os_threads_peak === null ? '-' : String(s.server.os_threads_peak),
];
