import { compare, summarize } from '../core/stats/index.js';
import { stepFigures } from '../executors/registry.js';
import { loadLabel } from '../model/derived.js';
import type { Figure } from '../model/figures.js';
import type { RunResults, StepResult } from '../model/results.js';
import { formatFigure } from './figure-format.js';

// `lab compare A B`, /api/compare and the web page's Compare tab: B against A in the figures the
// executors' views publish (ResultView.figures), so an overhead run is compared by overhead per
// mode and worker count, an idle run by bytes and threads per connection, a step with events by
// recovery per event, a load step by req/s, latency and errors. One table per figure, a line per
// target and step, as benchstat prints one table per metric. With trials on both sides each
// change carries the Mann-Whitney p of core/stats compare() and reads `~` when it is not
// significant; with one trial a side the change is shown and the table says once that one trial
// cannot tell it from noise.

/** The table note of a figure measured once on a side. */
export const ONE_TRIAL_NOTE = 'n=1: cannot tell from noise';

export interface Side {
  /** The step's figure (the median of its trials when it has several). */
  value: number | null;
  /** Trials behind it: 1 for a run written before trials. */
  n: number;
  /** 95% interval on the median (min..max below 6 trials), with 2 trials or more. */
  lo?: number;
  hi?: number;
  /** Formatted for people: `median [lo, hi] (n)` with trials, as the step tables print it. */
  text: string;
}

export interface FigureRow {
  target: string;
  load: number;
  /** The step is in only one of the runs. */
  only?: 'a' | 'b';
  a: Side | null;
  b: Side | null;
  /** median(B) - median(A); null when either is missing. */
  delta: number | null;
  /** delta / |A|; null when A is 0 or either is missing. */
  pct: number | null;
  /** Mann-Whitney two-sided p; null with fewer than 2 trials on a side. */
  p: number | null;
  /** '~' (not significant), the signed change ('+12.3%'), or '-' when there is nothing to compare. */
  change: string;
  /** compare()'s note when these trial counts cannot reach p < 0.05 whatever the values. */
  note?: string;
}

export interface FigureTable {
  key: string;
  label: string;
  unit: string;
  better: Figure['better'];
  /** The load column's name (workers, connections, rate (req/s)). */
  loadLabel: string;
  rows: FigureRow[];
  /** Said once for the table: one trial a side, or too few trials for any p to reach 0.05. */
  notes: string[];
}

export interface RunComparison {
  tables: FigureTable[];
  /**
   * How many of the changes with a p-value are significant, against how many chance alone would
   * make so at p < 0.05 (each test is one in twenty): 4 of 80 is what two identical runs give.
   */
  chance?: { tested: number; significant: number; expected: number; text: string };
  /** Set when the two runs used different executors. */
  warning?: string;
}

export function compareRuns(a: RunResults, b: RunResults): RunComparison {
  const tables = new Map<string, FigureTable>();
  const names = [...new Set([...a.targets.map((t) => t.name), ...b.targets.map((t) => t.name)])];
  for (const name of names) {
    const sa = stepsByLoad(a, name);
    const sb = stepsByLoad(b, name);
    for (const load of [...new Set([...sa.keys(), ...sb.keys()])].sort((x, y) => x - y)) {
      const x = sa.get(load);
      const y = sb.get(load);
      const fa = figuresOf(x);
      const fb = figuresOf(y);
      // Every key either side publishes, A's order first.
      for (const key of [...new Set([...fa.keys(), ...fb.keys()])]) {
        const f = (fa.get(key) ?? fb.get(key))!;
        let t = tables.get(key);
        if (!t) tables.set(key, (t = { key, label: f.label, unit: f.unit, better: f.better, loadLabel: loadLabel(a.load_unit), rows: [], notes: [] }));
        t.rows.push(figureRow(name, load, f, x && trialsOf(x, fa.get(key)), y && trialsOf(y, fb.get(key)), x && !y ? 'a' : !x && y ? 'b' : undefined));
      }
    }
  }
  for (const t of tables.values()) t.notes = tableNotes(t);
  const tested = [...tables.values()].flatMap((t) => t.rows).filter((r) => r.p !== null);
  const significant = tested.filter((r) => r.p! < 0.05).length;
  const expected = tested.length * 0.05;
  return {
    tables: [...tables.values()],
    ...(tested.length ? { chance: { tested: tested.length, significant, expected,
      text: `${significant} of ${tested.length} changes significant at p < 0.05; chance alone makes about ${expected.toFixed(1)} of ${tested.length} so (no correction for testing many figures: read a lone p near 0.05 as noise)` } } : {}),
    ...(a.scenario.executor !== b.scenario.executor ? { warning: `the runs used different executors (${a.scenario.executor} vs ${b.scenario.executor}); loads may not mean the same thing` } : {}),
  };
}

function figureRow(target: string, load: number, f: Figure, xa: number[] | undefined, xb: number[] | undefined, only: 'a' | 'b' | undefined): FigureRow {
  const side = (v: number[] | undefined): Side | null => {
    if (v === undefined) return null;
    if (v.length === 0) return { value: null, n: 0, text: '-' };
    if (v.length === 1) return { value: v[0]!, n: 1, text: formatFigure(v[0]!, f.unit) };
    const m = summarize(v);
    const text = `${formatFigure(m.median, f.unit)} [${formatFigure(m.lo, f.unit)}, ${formatFigure(m.hi, f.unit)}] (${m.n})`;
    return { value: m.median, n: m.n, lo: m.lo, hi: m.hi, text };
  };
  const a = side(xa);
  const b = side(xb);
  const row: FigureRow = { target, load, ...(only ? { only } : {}), a, b, delta: null, pct: null, p: null, change: '-' };
  if (a?.value == null || b?.value == null) return row;
  row.delta = b.value - a.value;
  row.pct = a.value === 0 ? null : row.delta / Math.abs(a.value);
  if (a.n >= 2 && b.n >= 2) {
    const c = compare(xa!, xb!);
    row.p = c.p;
    if (c.note) row.note = c.note;
    row.change = c.significant ? `${c.symbol} (p=${c.p.toFixed(3)} n=${a.n}+${b.n})` : `~ (p=${c.p.toFixed(3)} n=${a.n}+${b.n})`;
  } else {
    row.change = row.pct === null ? (row.delta === 0 ? '0' : '-') : `${row.pct >= 0 ? '+' : ''}${(row.pct * 100).toFixed(1)}%`;
  }
  return row;
}

/** Once per table: one trial on a side, or trial counts whose smallest p cannot reach 0.05. */
function tableNotes(t: FigureTable): string[] {
  const notes = new Set<string>();
  for (const r of t.rows) {
    if (r.a?.value == null || r.b?.value == null) continue;
    if (r.a.n < 2 || r.b.n < 2) notes.add(ONE_TRIAL_NOTE);
    else if (r.note) notes.add(r.note);
  }
  return [...notes];
}

function figuresOf(s: StepResult | undefined): Map<string, Figure> {
  return new Map((s ? stepFigures(s) : []).map((f) => [f.key, f]));
}

/**
 * A figure's values over the step's trials (results.json schema 3 `trials[].figures`), or the
 * step's one value for a step measured once; empty when it has none.
 */
function trialsOf(s: StepResult, f: Figure | undefined): number[] {
  if (!f) return [];
  const values = (s.trials ?? []).flatMap((t) => {
    const v = t.figures[f.key];
    return typeof v === 'number' && Number.isFinite(v) ? [v] : [];
  });
  return values.length ? values : f.value === null ? [] : [f.value];
}

function stepsByLoad(r: RunResults, name: string): Map<number, StepResult> {
  return new Map((r.targets.find((t) => t.name === name)?.steps ?? []).map((s) => [s.load, s]));
}
