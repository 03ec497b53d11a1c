// Read-only access to the results folder for the web API. Run ids come from URLs, so every id
// is checked against a strict pattern and must resolve to a direct child of the results folder:
// no `..`, no slashes, no absolute paths.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readResults } from '../results/files.js';
import { compareResults } from '../report/compare.js';
import { computeFindings, type Findings } from '../results/findings.js';
import type { RunResults } from '../results/types.js';

export class BadRequest extends Error {
  constructor(message: string, readonly statusCode = 400) {
    super(message);
  }
}

const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
/** The run's shareable page (report/html), linked from the Results tab. */
const REPORT_FILE = 'report.html';
const CHART_FILE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(svg|png)$/;

export interface ResultListing {
  id: string;
  scenario: string | null;
  executor: string | null;
  status: string | null;
  started_at: string | null;
  targets: string[];
  steps: number;
  /** The run folder holds report.html (GET /api/results/<id>/report.html). */
  report?: boolean;
  /** Set when results.json is missing or does not match the schema. */
  error?: string;
}

export class ResultsStore {
  constructor(readonly dir: string) {}

  /** Absolute folder of one run, after validating the id. */
  runDir(id: unknown): string {
    if (typeof id !== 'string' || !RUN_ID_RE.test(id) || id.includes('..')) {
      throw new BadRequest(`invalid run id ${JSON.stringify(id)}: expected a folder name like 2026-11-26T02-29-06Z_quick`);
    }
    const dir = path.join(this.dir, id);
    if (path.dirname(dir) !== path.resolve(this.dir)) throw new BadRequest(`invalid run id ${JSON.stringify(id)}`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadRequest(`no run '${id}' in ${this.dir}`, 404);
    return dir;
  }

  /** Every run folder, newest first (folder names start with the UTC time). */
  list(): ResultListing[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && RUN_ID_RE.test(e.name))
      .map((e) => e.name)
      .sort()
      .reverse()
      .map((id) => this.listing(id));
  }

  private listing(id: string): ResultListing {
    try {
      const r = readResults(path.join(this.dir, id));
      return {
        id,
        scenario: r.scenario.name,
        executor: r.scenario.executor,
        status: r.status,
        started_at: r.started_at,
        targets: r.targets.map((t) => t.name),
        steps: Math.max(0, ...r.targets.map((t) => t.steps.length)),
        report: existsSync(path.join(this.dir, id, REPORT_FILE)),
      };
    } catch (err) {
      return { id, scenario: null, executor: null, status: null, started_at: null, targets: [], steps: 0, error: (err as Error).message.split('\n')[0] };
    }
  }

  /** results.json of one run, the chart files the report wrote beside it, and the run's Findings (as in summary.md). */
  get(id: unknown): { id: string; results: RunResults; charts: string[]; summary: boolean; report: boolean; findings: Findings } {
    const dir = this.runDir(id);
    let results: RunResults;
    try {
      results = readResults(dir);
    } catch (err) {
      throw new BadRequest((err as Error).message, 422);
    }
    const files = readdirSync(dir);
    return { id: id as string, results, charts: files.filter((f) => CHART_FILE_RE.test(f)).sort(), summary: files.includes('summary.md'), report: files.includes(REPORT_FILE), findings: computeFindings([results]) };
  }

  /** Absolute path of one chart file of one run, validated. */
  chartFile(id: unknown, file: unknown): string {
    const dir = this.runDir(id);
    if (typeof file !== 'string' || !CHART_FILE_RE.test(file) || file.includes('..')) {
      throw new BadRequest(`invalid chart file ${JSON.stringify(file)}: expected NAME.svg or NAME.png`);
    }
    const full = path.join(dir, file);
    if (!existsSync(full)) throw new BadRequest(`no file '${file}' in run '${id as string}'`, 404);
    return full;
  }

  /** Absolute path of one run's report.html (`lab report` / `lab run` write it), validated. */
  reportFile(id: unknown): string {
    const full = path.join(this.runDir(id), REPORT_FILE);
    if (!existsSync(full)) throw new BadRequest(`no ${REPORT_FILE} in run '${id as string}': \`lab report <its folder>\` writes it`, 404);
    return full;
  }

  /** Two runs side by side: per target and load, each run's rps and p99. */
  compare(a: unknown, b: unknown): CompareView {
    if (a === undefined || b === undefined) throw new BadRequest('compare needs two run ids: /api/compare?a=<id>&b=<id>');
    const ra = this.get(a).results;
    const rb = this.get(b).results;
    // The same step matching as `lab compare`, in the shape the page draws.
    const rows: CompareRow[] = compareResults(ra, rb).map((c) => ({
      target: c.target,
      load: c.load,
      a: c.only === 'b' ? null : { rps: c.rps.a ?? 0, p99_ms: c.p99_ms.a },
      b: c.only === 'a' ? null : { rps: c.rps.b ?? 0, p99_ms: c.p99_ms.b },
      rps_change: c.only || c.rps.pct === null ? null : c.rps.pct / 100,
    }));
    return { a: { id: a as string, results: ra }, b: { id: b as string, results: rb }, rows };
  }
}

export interface CompareRow {
  target: string;
  load: number;
  a: { rps: number; p99_ms: number | null } | null;
  b: { rps: number; p99_ms: number | null } | null;
  /** b's rps relative to a's (0.1 = 10% more); null when either is missing. */
  rps_change: number | null;
}

export interface CompareView {
  a: { id: string; results: RunResults };
  b: { id: string; results: RunResults };
  rows: CompareRow[];
}

