import path from 'node:path';
import { writeCharts, type ChartOutput } from '../charts/write.js';
import { resultsToCsv } from '../results/csv.js';
import { readResults, writeFileAtomic } from '../results/files.js';
import { resultsToMarkdown } from '../results/summary.js';
import type { RunResults } from '../results/types.js';
import { evaluateThresholds, type ThresholdCheck } from '../results/verdict.js';

export interface ReportOutput {
  dir: string;
  checks: ThresholdCheck[];
  charts: ChartOutput[];
}

/** results.csv, summary.md and the charts of one run folder, all derived from results.json. */
export async function renderReport(dir: string, results: RunResults = readResults(dir)): Promise<ReportOutput> {
  const checks = evaluateThresholds(results);
  const charts = await writeCharts(dir, results);
  writeFileAtomic(path.join(dir, 'results.csv'), resultsToCsv(results));
  writeFileAtomic(path.join(dir, 'summary.md'), resultsToMarkdown(results, checks, charts.map((c) => c.name)));
  return { dir, checks, charts };
}
