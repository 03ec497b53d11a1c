import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeCharts, type ChartOutput } from './charts/write.js';
import { resultsToCsv } from './csv.js';
import { computeFindings, findingsToMarkdown, type Findings } from '../results/findings.js';
import { writeFileAtomic } from '../core/files.js';
import { readResults } from '../results/files.js';
import { resultsToHtml } from './html/page.js';
import { resultsToMarkdown } from './summary.js';
import type { RunResults } from '../model/results.js';
import { evaluateThresholds, type ThresholdCheck } from '../results/verdict.js';

export interface ReportOutput {
  dir: string;
  checks: ThresholdCheck[];
  charts: ChartOutput[];
  findings: Findings;
}

/**
 * results.csv, summary.md, the charts and report.html (summary, Findings and charts in one file) of one run folder, all derived from results.json.
 * summary.md's Findings come from this run alone, or from `findingsFrom` (this run and others,
 * e.g. `lab report` over an io-ramp, an overhead and an idle-connections folder).
 */
export async function renderReport(dir: string, results: RunResults = readResults(dir), findingsFrom: RunResults[] = [results]): Promise<ReportOutput> {
  const checks = evaluateThresholds(results);
  const charts = await writeCharts(dir, results);
  const findings = computeFindings(findingsFrom);
  writeFileAtomic(path.join(dir, 'results.csv'), resultsToCsv(results));
  const findingLines = findingsToMarkdown(findings);
  writeFileAtomic(path.join(dir, 'summary.md'), resultsToMarkdown(results, checks, charts.map((c) => c.name), findingLines));
  const svgs = charts.map((c) => ({ name: c.name, svg: readFileSync(c.svg, 'utf8') }));
  writeFileAtomic(path.join(dir, 'report.html'), resultsToHtml({ results, checks, charts: svgs, findings: findingLines }));
  return { dir, checks, charts, findings };
}
