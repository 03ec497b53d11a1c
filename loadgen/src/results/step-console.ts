import { consoleHeader, consoleRow, type ConsoleTable } from '../draw/console-table.js';
import { ownerView, RESULT_VIEWS } from '../executors/registry.js';
import type { StepResult } from '../model/results.js';

// The console line of a finished step, for `lab run` and `lab up` alike: the columns of the view
// that owns the step (overhead per mode, idle bytes per connection, req/s for a load step), then
// what every view adds to a step (consoleExtra), then its warnings.

/** The owner view's console table of a step. */
export function stepConsoleTable(s: StepResult): ConsoleTable {
  return ownerView([s]).console!;
}

/** One finished step in `table`'s columns (default: its owner's); `suffix` after what the views add. */
export function stepConsoleLine(target: string, s: StepResult, table: ConsoleTable = stepConsoleTable(s), suffix = ''): string {
  return consoleRow(table, target, s, RESULT_VIEWS.map((v) => v.consoleExtra?.(s) ?? '').join('') + suffix);
}

/** Which trial a finished step's line is, when the step has several: '  trial 2/3'. */
export function trialSuffix(p: { trial?: number; trials?: number }): string {
  return (p.trials ?? 1) > 1 ? `  trial ${p.trial}/${p.trials}` : '';
}

/**
 * Lines of finished steps that arrive from runs of any executor (`lab up`'s tour): the header
 * again whenever the owner's columns change, then the step's line.
 */
export class StepConsole {
  private table: ConsoleTable | undefined;

  constructor(private readonly indent = '') {}

  lines(target: string, s: StepResult, suffix = ''): string[] {
    const table = stepConsoleTable(s);
    const out = table === this.table ? [] : [consoleHeader(table)];
    this.table = table;
    out.push(stepConsoleLine(target, s, table, suffix));
    return out.map((l) => l.split('\n').map((x) => this.indent + x).join('\n'));
  }
}
