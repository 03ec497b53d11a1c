import type { RunResults } from '../model/results.js';
import type { Slope } from '../model/step-timeline.js';
import { table } from '../draw/markdown.js';
import { slopeText } from '../results/slope-text.js';
import { stepVerdict } from '../results/timeline-findings.js';

// The soak's table of docs/results.md (issue 20: a verdict per row with its slopes and
// intervals), over one or more soak runs (a run per row when the rows soaked side by side):
// a line per row and step, its slopes per minute with their 95% intervals and the second
// half's slope, and the verdict. scripts/generate/published.mjs writes it between
// `<!-- generated:published <folder> slopes begin/end -->` markers.

/** Throws when no step of the runs has judged slopes (a marker naming runs that are not soaks). */
export function soakTable(runs: readonly RunResults[]): string[] {
  const lines = runs.flatMap((r) => r.targets.flatMap((t) => t.steps.filter((s) => s.slopes?.some((x) => x.possible_leak !== null)).map((s) => {
    const by = (m: Slope['measure']) => s.slopes!.find((x) => x.measure === m);
    const rss = by('rss_bytes');
    return [t.name, `${Math.round((rss?.window_s ?? 0) / 60)} min`, s.rps.toFixed(1), `${s.errors.timeouts + s.errors.non2xx + s.errors.connection}`,
      rss?.first != null && rss.last != null ? `${(rss.first / 2 ** 20).toFixed(1)} -> ${(rss.last / 2 ** 20).toFixed(1)} MiB` : '-',
      slopeText(rss), slopeText(by('threads')), slopeText(by('open_fds')), stepVerdict(s.slopes!) ?? '-'];
  })));
  if (!lines.length) throw new Error('no step of these runs has leak slopes long enough to judge (a soak: at least 60 s of measure)');
  lines.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return [
    '_Least-squares slope per minute over the measure phase, [95% interval] widened for seconds that are not independent, and the slope of its second half ("late"); ' +
      'verdict, the worst of the three: no leak (every interval under its bound: RSS 1 MiB/min, threads and fds 0.5/min), levels off (over or across the bound, the second half under it), ' +
      'leak (over it, still over it late), undecided (an interval spans the bound)_',
    '',
    ...table(['row', 'window', 'req/s', 'errors', 'RSS first -> last', 'RSS', 'threads', 'open fds', 'verdict'], lines),
  ];
}
