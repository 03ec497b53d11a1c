import { benjaminiHochberg, compare, signedChange, summarize } from '../core/stats/index.js';
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
// change carries the Mann-Whitney p of core/stats compare() and, since a comparison tests every
// figure at once, that p adjusted over all of them (Benjamini-Hochberg): it reads `~` unless the
// adjusted p is below 0.05, so two runs of the same scenario flag nothing where a plain p < 0.05
// flags one figure in twenty. With one trial a side the change is shown and the table says once
// that one trial cannot tell it from noise.

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
  /** p adjusted over every figure of the comparison (Benjamini-Hochberg); null where p is. */
  q: number | null;
  /** '~' (not significant: q >= 0.05), the signed change ('+12.3%'), or '-' when there is nothing to compare. */
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
   * How many of the changes with a p-value have p < 0.05 (`significant`), against how many chance
   * alone would make so (each test is one in twenty: 4 of 80 is what two identical runs give),
   * and how many stay significant once p is adjusted over all of them (`flagged`: q < 0.05).
   */
  chance?: { tested: number; significant: number; expected: number; flagged: number; text: string };
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
  benjaminiHochberg(tested.map((r) => r.p!)).forEach((q, i) => settleChange(tested[i]!, q));
  const significant = tested.filter((r) => r.p! < ALPHA).length;
  const flagged = tested.filter((r) => r.q! < ALPHA).length;
  const expected = tested.length * ALPHA;
  return {
    tables: [...tables.values()],
    ...(tested.length ? { chance: { tested: tested.length, significant, expected, flagged,
      text: `${flagged} of ${tested.length} changes significant over the whole comparison (p adjusted for testing ${tested.length} figures at once, Benjamini-Hochberg, false discovery rate 5%); before that adjustment ${significant} had p < 0.05, and chance alone makes about ${expected.toFixed(1)} of ${tested.length} so` } } : {}),
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
  const row: FigureRow = { target, load, ...(only ? { only } : {}), a, b, delta: null, pct: null, p: null, q: null, change: '-' };
  if (a?.value == null || b?.value == null) return row;
  row.delta = b.value - a.value;
  row.pct = a.value === 0 ? null : row.delta / Math.abs(a.value);
  if (a.n >= 2 && b.n >= 2) {
    const c = compare(xa!, xb!);
    row.p = c.p;
    if (c.note) row.note = c.note;
    // The change text waits for q, which needs every figure's p (settleChange).
  } else {
    row.change = row.pct === null ? (row.delta === 0 ? '0' : '-') : signedChange(row.delta, row.pct);
  }
  return row;
}

const ALPHA = 0.05;

/** A tested row's change once its adjusted p is known: benchstat's cell, with p and q. */
function settleChange(row: FigureRow, q: number): void {
  row.q = q;
  const stats = `(p=${row.p!.toFixed(3)} q=${q.toFixed(3)} n=${row.a!.n}+${row.b!.n})`;
  row.change = `${q < ALPHA ? signedChange(row.delta!, row.pct) : '~'} ${stats}`;
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
