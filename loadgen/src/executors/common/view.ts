import type { TopLevelSpec } from 'vega-lite';
import type { ConsoleTable } from '../../draw/console-table.js';
import type { Table } from '../../draw/markdown.js';
import type { Findings, FindingSource, Ranking, RowFinding } from '../../model/findings.js';
import type { Figure } from '../../model/figures.js';
import type { RunResults, StepResult, TargetResult } from '../../model/results.js';

// What an executor (or a step plugin such as the wrk cross-check) tells every reader of its
// results: the StepResult keys it writes, their schema, its CSV columns, summary.md tables,
// charts, findings and `lab run` lines. report/, results/ and the CLI iterate over the views the
// registry lists (executors/registry.ts resultViews); none of them names an executor or its keys.

export type { ConsoleTable, Table };
export type { Figure };

export interface ChartSpec {
  /** File stem: <name>.svg / <name>.png. */
  name: string;
  spec: TopLevelSpec;
}

/** What results/findings.ts hands every part: the rule that needs every view. */
export interface FindingContext {
  /** A target's steps that put request load (no view that sends none owns them, not empty), by load. */
  requestSteps(steps: StepResult[]): StepResult[];
}

export interface FindingsPart {
  /** The runs this part finds something in. */
  applies(r: RunResults, ctx: FindingContext): boolean;
  /** One row's findings in one run (undefined entries are dropped). */
  row(s: FindingSource, t: TargetResult, ctx: FindingContext): (RowFinding | undefined)[];
  /** Rankings across rows, from the findings of every part. */
  rankings?(rows: Map<string, RowFinding[]>): Ranking[];
  /** What the runs lack for this part and how to get it; loadRuns: the runs of request-load parts. */
  missing?(sources: FindingSource[], loadRuns: FindingSource[]): string[];
  /** A sentence for the top of the Findings section, when the findings need it read a certain way. */
  intro?(f: Findings): string;
  /** Caveats on figures found, after every part's missing notes. */
  caveats?(rows: Map<string, RowFinding[]>, sources: FindingSource[]): string[];
}

export interface ResultView {
  /** Its name (GET /api/executors lists the views; the web page draws what the server computed from them). */
  name: string;
  /** The StepResult key(s) this view's executor or plugin writes, named after it; nobody else reads them. */
  resultKeys: readonly string[];
  /**
   * Reads a step written before executors kept their fields under one key (results.json of
   * schema_version 1 as first written: idle, overhead + overhead_modes) into this layout, in
   * place; results/files.ts readResults runs it on every step before validating.
   */
  upgrade?(step: Record<string, unknown>): void;
  /** JSON Schema of those keys, merged into results.schema.json's step properties (results/validate.ts). */
  resultSchema?: Record<string, unknown>;
  /**
   * A step of this view's kind (one of its keys is there). The first view that owns a step of a
   * target (or run) draws its tables and charts; a view without owns() is the default, the load view.
   */
  owns?(step: StepResult): boolean;
  /** false: its steps send no requests, so thresholds, the knee and the "no answer" warning skip them. */
  measuresRequests: boolean;
  /**
   * The figures this view publishes for a step (empty when the step is not of its kind): what
   * trials summarize per key (step.intervals) and compare ranks by. Keys are stable
   * (contract/README.md, "Figures"); registry.ts stepFigures() gathers every view's.
   */
  figures(step: StepResult): Figure[];
  /** Columns in results.csv (every view's, for every run) and the cells of one step: a list per CSV row (empty: one row of blanks). */
  csv?: { columns: readonly string[]; rows(step: StepResult): unknown[][] };
  /** summary.md: the owner's step table of one target. */
  stepTable?(r: RunResults, steps: StepResult[], table: Table): string[];
  /** summary.md: lines after each target's step table (e.g. the cross-check table); empty when it has nothing. */
  afterStepTable?(steps: StepResult[], table: Table): string[];
  /** summary.md: a section after the targets, when the view owns a step of the run. */
  runSection?(r: RunResults, table: Table): string[];
  /** The owner's charts of a run. */
  charts?(r: RunResults): ChartSpec[];
  findings?: FindingsPart;
  /** `lab run`: the owner's step table. */
  console?: ConsoleTable;
  /** `lab run`: text appended to any step's line (e.g. idle figures, wrk's rate); '' when nothing. */
  consoleExtra?(s: StepResult): string;
}
