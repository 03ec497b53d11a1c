import { formatBytes } from '../core/units.js';
import { slopeText } from '../results/slope-text.js';
import { eventLabel, stepVerdict } from '../results/timeline-findings.js';
import type { Slope } from '../model/step-timeline.js';
import type { RunResults } from '../model/results.js';
import { num } from '../draw/markdown.js';
import type { Table } from '../draw/markdown.js';

// summary.md's sections for steps' timelines (schema 2): per event and row, when it
// was applied, how it ended and how the row recovered; the supervisor's crashes and restarts;
// and, for steps long enough to judge, the slopes of RSS, threads and open fds (a soak).

export function timelineSections(r: RunResults, table: Table): string[] {
  const out: string[] = [];
  const rows: unknown[][] = [];
  const life: string[] = [];
  for (const t of r.targets) {
    for (const s of t.steps) {
      for (const e of s.events ?? []) {
        const rec = s.recovery?.find((x) => x.event === e.index);
        rows.push([
          t.name, s.load, `${eventLabel(e)} at ${e.at_s} s`, e.t_s === null ? '-' : `${e.t_s.toFixed(2)} s`, e.outcome === 'ok' ? 'ok' : `${e.outcome}: ${e.message}`,
          e.downtime_s == null ? '-' : `${e.downtime_s.toFixed(2)} s`,
          num(rec?.baseline_rps, 0), rec ? (rec.recovered ? `${rec.recovery_s!.toFixed(1)} s` : `not back${rec.note ? ` (${rec.note})` : ''}`) : '-',
          rec?.failed_requests ?? '-', rec?.connection_errors ?? '-', rec?.peak_threads ?? '-', rec ? formatBytes(rec.peak_rss_bytes) : '-', rec?.peak_inflight ?? '-',
        ]);
      }
      for (const l of s.supervision ?? []) life.push(`- ${t.name} @ ${s.load}: ${new Date(l.at_ms).toISOString()} ${l.service} ${l.kind}: ${l.message}`);
    }
  }
  if (rows.length) {
    out.push('## Events and recovery', '',
      'Per event and row: when it was applied (seconds from the start of the measure phase), how long the service was down, the req/s of the seconds before it, how long until req/s was back to at least 90% of that for 3 s (or until the next event), and what happened meanwhile. Connection errors count requests: while a row is down each connection retries after 50 ms, doubling to 1 s, and its retries are counted apart (Unreachable, under the step table).', '',
      ...table(['row', 'load', 'event', 'applied', 'outcome', 'downtime', 'req/s before', 'back after', 'failed answers', 'connection errors', 'peak threads', 'peak RSS', 'peak in-flight'], rows), '');
  }
  if (life.length) out.push('## Supervision', '', ...life, '');
  const slopes = r.targets.flatMap((t) => t.steps.filter((s) => s.slopes?.some((x) => x.possible_leak !== null)).map((s) => ({ t, s })));
  if (slopes.length) {
    out.push('## Slopes over the measure phase', '',
      'Least squares per minute with its 95% interval (widened for seconds that are not independent) and the slope of the second half ("late"); ' +
        'a slope above its bound with r² >= 0.5 is a possible leak (bounds: RSS 1 MiB/min, threads and open fds 0.5/min). ' +
        'Verdict, the worst of the three: no leak (every interval under its bound), levels off (over or across it, but the second half under it: a warm-up), ' +
        'leak (over it, and still over it in the second half), undecided (an interval spans the bound: a longer soak would tell).', '',
      ...table(['row', 'load', 'window', 'RSS', 'threads', 'open fds', 'verdict'], slopes.map(({ t, s }) => {
        const by = (m: Slope['measure']) => s.slopes!.find((x) => x.measure === m);
        return [t.name, s.load, `${Math.round((by('rss_bytes')?.window_s ?? 0) / 60)} min`, ...(['rss_bytes', 'threads', 'open_fds'] as const).map((m) => `${slopeText(by(m))}${by(m)?.possible_leak ? ' **possible leak**' : ''}`),
          stepVerdict(s.slopes!) ?? '-'];
      })), '');
  }
  return out;
}
