import { ratio } from '../../core/units.js';
import { chartFrame, dedupeByLoad, lineChart, spansDecade } from '../../draw/line-chart.js';
import { padCells, serverCells } from '../../draw/console-table.js';
import { num, round3 } from '../../draw/markdown.js';
import type { RunResults, StepResult } from '../../model/results.js';
import { overheadFindings } from './findings.js';
import { figureValue } from '../../model/figures.js';
import { modeCrossovers } from './crossover.js';
import { LEGACY_OVERHEAD_MODE, OVERHEAD_MODES, runOverheadModes, stepOverhead, stepOverheads, upgradeOverheadStep, type ModedOverhead, type OverheadMode } from './modes.js';
import type { ConsoleTable, ResultView, Table } from '../common/view.js';
import { intervalCell } from '../common/interval-cell.js';

// What the overhead executor adds to a step (StepResult.overhead.modes) and how every
// reader shows it: a table, a chart pair and a CSV row per /overhead mode (pool and spawn answer
// different questions and are never mixed), and the crossovers of the rows' curves.

const MEASUREMENT_SCHEMA = {
  type: 'object',
  required: ['workers', 'tasks', 'sleep_ms', 'elapsed_s', 'ideal_s', 'overhead'],
  properties: {
    workers: { type: 'number' },
    tasks: { type: 'number' },
    sleep_ms: { type: 'number' },
    elapsed_s: { type: 'number', description: 'the seed\'s window: put N tasks on the queue bounded to C and join (pool), or start a unit per task (spawn)' },
    setup_s: { type: 'number', description: 'seconds to start the C workers before the window (pool; 0 in spawn); absent in results written before it' },
    ideal_s: { type: 'number' },
    overhead: { type: ['number', 'null'], description: 'elapsed_s / ideal_s (1.0 = no overhead)' },
    mode: { enum: [...OVERHEAD_MODES], description: 'absent in results written before modes: read as spawn' },
  },
};

/** What each /overhead mode measures (contract/README.md, "HTTP contract"). */
export const MODE_MEANING: Record<OverheadMode, string> = {
  pool: 'C long-lived workers take tasks from a queue bounded to C: the seed\'s method',
  spawn: 'a new unit per task, at most C alive: the cost of creating units',
};

const CONSOLE_COLUMNS: [string, number][] = [['target', 18], ['workers', 8], ['mode', 6], ['tasks', 7], ['sleep', 6], ['elapsed', 9], ['ideal', 9], ['overhead', 9], ['srv CPU s', 9], ['RSS', 10], ['threads', 7]];
const consoleCells = (target: string, s: StepResult, o: ModedOverhead | undefined): string[] => [
  target, String(s.load), o?.mode ?? '-', o ? String(o.tasks) : '-', o ? `${o.sleep_ms}ms` : '-',
  o ? `${o.elapsed_s.toFixed(3)}s` : '-', o ? `${o.ideal_s.toFixed(3)}s` : '-', o?.overhead == null ? '-' : `${o.overhead.toFixed(2)}x`,
];

/**
 * One /overhead experiment per mode per step, so elapsed against ideal, not req/s; a line per
 * mode. The server figures cover the whole step (every mode): first line only.
 */
const CONSOLE: ConsoleTable = {
  columns: CONSOLE_COLUMNS,
  cells: (target, s) => [...consoleCells(target, s, stepOverheads(s)[0]), ...serverCells(s)],
  more: (s) => stepOverheads(s).slice(1).map((o) => `\n${padCells(CONSOLE_COLUMNS, consoleCells('', s, o)).trimEnd()}`).join(''),
};

export const overheadView: ResultView = {
  name: 'overhead',
  resultKeys: ['overhead'],
  upgrade: upgradeOverheadStep,
  resultSchema: {
    overhead: {
      type: 'object',
      required: ['modes'],
      properties: { modes: { type: 'array', minItems: 1, description: 'every mode the step measured, in the scenario\'s order', items: MEASUREMENT_SCHEMA } },
    },
  },
  owns: (s) => stepOverheads(s).length > 0,
  measuresRequests: false,
  // Per mode the overhead factor (elapsed / ideal), and the setup seconds where a row reports them.
  figures: (s) => stepOverheads(s).flatMap((o) => {
    const setup = (o as { setup_s?: unknown }).setup_s;
    return [
      { key: `overhead.${o.mode}`, label: `overhead (${o.mode})`, unit: 'x', better: 'lower' as const, value: figureValue(o.overhead) },
      ...(typeof setup === 'number' ? [{ key: `overhead.${o.mode}.setup_s`, label: `setup (${o.mode})`, unit: 's', better: 'lower' as const, value: figureValue(setup) }] : []),
    ];
  }),
  // An overhead step measured one or more modes: a row per mode, so no line mixes them.
  csv: {
    columns: ['overhead_mode', 'overhead_elapsed_s', 'overhead_ideal_s', 'overhead'],
    rows: (s) => stepOverheads(s).map((o) => [o.mode, round3(o.elapsed_s), round3(o.ideal_s), round3(o.overhead ?? null)]),
  },
  stepTable(_r, steps, table) {
    // One table per mode. Server CPU and threads cover the whole step, i.e. every mode it measured.
    const modes = OVERHEAD_MODES.filter((m) => steps.some((s) => stepOverhead(s, m)));
    return modes.flatMap((mode) => [`**${mode}** (${MODE_MEANING[mode]})`, '', ...table(
      ['workers', 'tasks', 'sleep ms', 'elapsed s', 'ideal s', 'elapsed / ideal', 'step server CPU s', 'threads peak'],
      steps.flatMap((s) => {
        const o = stepOverhead(s, mode);
        return o ? [[s.load, o.tasks, o.sleep_ms, num(o.elapsed_s, 3), num(o.ideal_s, 3), intervalCell(s, `overhead.${mode}`, (v) => ratio(v), ratio(o.overhead)), num(s.server.cpu_seconds, 2), num(s.server.os_threads_peak, 0)]] : [];
      }),
    ), '']);
  },
  runSection: crossoverSection,
  charts(r) {
    const { steps, logX, targets, title, pick } = chartFrame(r);
    const modes = runOverheadModes(r);
    // A pair of charts per mode: pool and spawn are different experiments, never one line. The
    // overhead charts share one y scale, so that the two can be compared by eye.
    const perMode = modes.map((mode) => ({ mode, rows: pick((x) => stepOverhead(x.s, mode)?.overhead) }));
    const all = perMode.flatMap((m) => m.rows.map((row) => row.value));
    const logY = spansDecade(perMode.flatMap((m) => m.rows));
    const yDomain: [number, number] | undefined = all.length ? [logY ? Math.min(...all.filter((v) => v > 0), 1) : 0, Math.max(...all)] : undefined;
    return [
      ...perMode.map(({ mode, rows }) => ({
        name: `overhead-vs-workers-${mode}`,
        spec: lineChart(title(`Overhead vs workers, ${mode} mode`), rows, targets, { x: 'workers', y: 'elapsed / ideal (1 = no overhead)', logX, logY, yDomain }),
      })),
      ...modes.map((mode) => ({
        name: `elapsed-vs-workers-${mode}`,
        spec: lineChart(title(`Elapsed time vs workers, ${mode} mode`), pick((x) => stepOverhead(x.s, mode)?.elapsed_s), targets,
          { x: 'workers', y: 'elapsed (s)', logX, logY: true },
          dedupeByLoad(steps.flatMap((x) => {
            const o = stepOverhead(x.s, mode);
            return o ? [{ target: 'ideal (tasks × sleep / workers)', load: x.s.load, value: o.ideal_s }] : [];
          }))),
      })),
    ];
  },
  findings: overheadFindings,
  console: CONSOLE,
};

function crossoverSection(r: RunResults, table: Table): string[] {
  const out = ['## Overhead crossovers', '',
    'Overhead is elapsed / ideal (1.00 = a perfect pool). Row A crosses row B at C workers when A\'s overhead was at most B\'s at the smallest worker count and, from C on, stays more than 10% above B\'s. Each mode is its own set of curves.', ''];
  if (r.targets.some((t) => t.steps.some((s) => s.overhead?.modes.some((o) => !o.mode)))) {
    out.push(`_These results predate /overhead modes: read as ${LEGACY_OVERHEAD_MODE} (the rows then spawned a unit per task)._`, '');
  }
  for (const mode of runOverheadModes(r)) {
    const loads = [...new Set(r.targets.flatMap((t) => t.steps.filter((s) => stepOverhead(s, mode)).map((s) => s.load)))].sort((a, b) => a - b);
    out.push(`### ${mode} mode`, '', ...table(['workers', ...r.targets.map((t) => t.name)], loads.map((w) => [w, ...r.targets.map((t) => {
      const s = t.steps.find((x) => x.load === w);
      return s ? ratio(stepOverhead(s, mode)?.overhead) : '-';
    })])), '');
    const xs = modeCrossovers(r, mode);
    if (xs.length === 0) out.push('_no crossover: the curves keep their order_');
    for (const x of xs) out.push(`- ${x.rising} crosses ${x.other} at ${x.workers} workers (${ratio(x.rising_overhead)} vs ${ratio(x.other_overhead)})`);
    out.push('');
  }
  return out;
}
