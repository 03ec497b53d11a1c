// Read-only access to the results folder for the web API. Run ids come from URLs, so every id
// is checked against a strict pattern and must resolve to a direct child of the results folder:
// no `..`, no slashes, no absolute paths.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readResults } from '../results/files.js';
import { isTourDir, readTourIndex, type TourIndex } from '../results/tour-index.js';
import { compareRuns, type RunComparison } from '../report/compare.js';
import { computeFindings, type Findings } from '../results/findings.js';
import { findingsBlocks, webView, type Block, type WebView } from '../report/web-view.js';
import type { RunResults } from '../model/results.js';

export class BadRequest extends Error {
  constructor(message: string, readonly statusCode = 400) {
    super(message);
  }
}

const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
/** The run's shareable page (report/html), linked from the Results tab. */
const REPORT_FILE = 'report.html';
const CHART_FILE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(svg|png)$/;

/** One part of a tour: its run folder, results, chart files and what the page draws of it. */
export interface TourPart {
  id: string;
  name: string;
  results: RunResults;
  charts: string[];
  view: WebView;
}

export interface ResultListing {
  id: string;
  /** A tour folder (tour.json and a run folder per part) or one run. */
  kind: 'run' | 'tour';
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
    if (isTourDir(path.join(this.dir, id))) return this.tourListing(id);
    try {
      const r = readResults(path.join(this.dir, id));
      return {
        id,
        kind: 'run',
        scenario: r.scenario.name,
        executor: r.scenario.executor,
        status: r.status,
        started_at: r.started_at,
        targets: r.targets.map((t) => t.name),
        steps: Math.max(0, ...r.targets.map((t) => t.steps.length)),
        report: existsSync(path.join(this.dir, id, REPORT_FILE)),
      };
    } catch (err) {
      return { id, kind: 'run', scenario: null, executor: null, status: null, started_at: null, targets: [], steps: 0, error: (err as Error).message.split('\n')[0] };
    }
  }

  private tourListing(id: string): ResultListing {
    try {
      const { index, parts } = this.tourParts(id);
      return {
        id,
        kind: 'tour',
        scenario: index.name,
        executor: 'tour',
        status: index.status,
        started_at: index.started_at,
        targets: [...new Set(parts.flatMap((p) => p.results.targets.map((t) => t.name)))],
        steps: parts.reduce((n, p) => n + Math.max(0, ...p.results.targets.map((t) => t.steps.length)), 0),
      };
    } catch (err) {
      return { id, kind: 'tour', scenario: null, executor: 'tour', status: null, started_at: null, targets: [], steps: 0, error: (err as Error).message.split('\n')[0] };
    }
  }

  /** A tour folder's index and every part that has a results.json (parts not started yet have none). */
  private tourParts(id: unknown): { index: TourIndex; parts: TourPart[] } {
    const dir = this.runDir(id);
    const index = readTourIndex(dir);
    const parts = [];
    for (const p of index.parts) {
      if (!p.dir || !existsSync(path.join(dir, p.dir, 'results.json'))) continue;
      const partDir = path.join(dir, p.dir);
      const results = readResults(partDir);
      parts.push({ id: p.dir, name: p.name, results, charts: readdirSync(partDir).filter((f) => CHART_FILE_RE.test(f)).sort(), view: webView(results, computeFindings([results])) });
    }
    return { index, parts };
  }

  /** A tour: its index, each part's results and chart files, and the Findings of all parts at once (as the tour's summary.md). */
  getTour(id: unknown): { id: string; kind: 'tour'; tour: TourIndex; parts: TourPart[]; findings: Findings; view: { findings: Block[] } } {
    let found: ReturnType<ResultsStore['tourParts']>;
    try {
      found = this.tourParts(id);
    } catch (err) {
      if (err instanceof BadRequest) throw err;
      throw new BadRequest((err as Error).message, 422);
    }
    const findings = computeFindings(found.parts.map((p) => p.results));
    return { id: id as string, kind: 'tour', tour: found.index, parts: found.parts, findings, view: { findings: findingsBlocks(findings) } };
  }

  /** Absolute path of one chart file of one part of a tour, validated. */
  partChartFile(id: unknown, part: unknown, file: unknown): string {
    const { parts } = this.getTour(id);
    const found = parts.find((p) => p.id === part);
    if (!found) throw new BadRequest(`no part ${JSON.stringify(part)} in tour '${id as string}'`, 404);
    if (typeof file !== 'string' || !found.charts.includes(file)) throw new BadRequest(`no chart file ${JSON.stringify(file)} in part '${found.id}'`, 404);
    return path.join(this.runDir(id), found.id, file);
  }

  /** results.json of one run, the chart files the report wrote beside it, and the run's Findings (as in summary.md). */
  get(id: unknown): { id: string; kind: 'run'; results: RunResults; charts: string[]; summary: boolean; report: boolean; findings: Findings; view: WebView } | ReturnType<ResultsStore['getTour']> {
    const dir = this.runDir(id);
    if (isTourDir(dir)) return this.getTour(id);
    let results: RunResults;
    try {
      results = readResults(dir);
    } catch (err) {
      throw new BadRequest((err as Error).message, 422);
    }
    const files = readdirSync(dir);
    const findings = computeFindings([results]);
    // view: the tables, Findings and charts as summary.md and report.html have them, for the page to draw.
    return { id: id as string, kind: 'run', results, charts: files.filter((f) => CHART_FILE_RE.test(f)).sort(), summary: files.includes('summary.md'), report: files.includes(REPORT_FILE), findings, view: webView(results, findings) };
  }

  private runOf(id: unknown): RunResults {
    const got = this.get(id);
    if (got.kind === 'tour') throw new BadRequest(`'${got.id}' is a tour: compare one of its parts' run folders, or two single runs`);
    return got.results;
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

  /** Two runs side by side: `lab compare`'s tables, one per figure of the executors' views. */
  compare(a: unknown, b: unknown): CompareView {
    if (a === undefined || b === undefined) throw new BadRequest('compare needs two run ids: /api/compare?a=<id>&b=<id>');
    const ra = this.runOf(a);
    const rb = this.runOf(b);
    const label = (id: unknown, r: RunResults) => ({ id: id as string, scenario: r.scenario.name, executor: r.scenario.executor, started_at: r.started_at });
    return { a: label(a, ra), b: label(b, rb), ...compareRuns(ra, rb) };
  }
}

export interface CompareView extends RunComparison {
  a: { id: string; scenario: string; executor: string; started_at: string };
  b: { id: string; scenario: string; executor: string; started_at: string };
}
