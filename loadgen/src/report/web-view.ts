import { ownerView } from '../executors/registry.js';
import { colourOf } from '../draw/colours.js';
import type { Table } from '../draw/markdown.js';
import type { RunResults } from '../model/results.js';
import { findingsToMarkdown, type Findings } from '../results/findings.js';
import { runSectionLines, stepTableLines, warningLines } from './summary.js';
import { timelineSections } from './timeline-summary.js';
import { webChart, type WebChart } from './web-charts.js';
import { webTimelines, type WebTimeline } from './web-timeline.js';

// What the web page shows of a run, computed here from the same view methods summary.md and
// report.html use (stepTableLines, runSectionLines, timelineSections, findingsToMarkdown, the owner's
// charts, the timeline measures and marks): the
// page draws tables, lines and series and holds no executor logic.

/** A summary.md line (Markdown: headings, list items, **bold**, _italic_, `code`) or a table. */
export type Block = { line: string } | { table: { header: string[]; rows: string[][] } };

export interface WebView {
  targets: { name: string; colour: string; failed: string | null; blocks: Block[] }[];
  /** Sections after the targets (e.g. the overhead crossovers, events and recovery), then the Warnings. */
  sections: Block[];
  /** Per step with a 1-second timeline: its measures and event marks. */
  timelines: WebTimeline[];
  findings: Block[];
  charts: WebChart[];
}

/** Lines with their tables, as summary.md writes them, into blocks. */
function blocksOf(write: (table: Table) => string[]): Block[] {
  // As report.html's htmlTables: the table hands back a placeholder line, replaced by the table.
  const tables = new Map<string, Block>();
  const lines = write((header, rows) => {
    const marker = `\u0000table ${tables.size}\u0000`;
    tables.set(marker, { table: { header, rows: rows.map((r) => r.map((c) => String(c ?? '-'))) } });
    return [marker];
  });
  return lines.filter((l) => l !== '').map((l) => tables.get(l) ?? { line: l });
}

/** The Findings section as summary.md writes it (a run's, or a tour's over all its parts). */
export function findingsBlocks(f: Findings): Block[] {
  return blocksOf(() => findingsToMarkdown(f));
}

export function webView(r: RunResults, findings: Findings): WebView {
  const steps = r.targets.flatMap((t) => t.steps);
  return {
    targets: r.targets.map((t) => ({ name: t.name, colour: colourOf(t.name), failed: t.failed ?? null, blocks: t.steps.length ? blocksOf((table) => stepTableLines(r, t.steps, table)) : [{ line: '_no step completed_' }] })),
    sections: blocksOf((table) => [...runSectionLines(r, table), ...timelineSections(r, table), ...warningLines(r)]),
    timelines: webTimelines(r),
    findings: findingsBlocks(findings),
    charts: steps.length ? (ownerView(steps).charts?.(r) ?? []).map(webChart) : [],
  };
}
