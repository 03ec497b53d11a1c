import { formatBytes } from '../core/units.js';
import type { FindingSource, Ranking, RowFinding, TimelineFinding } from '../model/findings.js';
import type { EventRecord, Slope, SlopeVerdict } from '../model/step-timeline.js';
import type { TargetResult } from '../model/results.js';
import { slopeNamed, slopeNamedWithInterval } from './slope-text.js';

// Findings from steps' timelines (schema 2): how each row came through each event (recovery),
// and a soak's leak slopes, named "possible leak" above their bound. Every step that
// has them contributes, whatever its executor; results written before schema 2 have none.

/** An event as people read it: `upstream delay_ms=2000 for 10 s`, `kill node-eventloop`. */
export function eventLabel(e: EventRecord): string {
  const what = e.kind === 'upstream' ? `upstream ${Object.entries(e.upstream ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}` : `${e.kind} ${e.service}`;
  return `${what}${e.for_s !== undefined ? ` for ${e.for_s} s` : ''}`;
}

export function timelineFindings(s: FindingSource, t: TargetResult): RowFinding[] {
  const out: RowFinding[] = [];
  for (const step of t.steps) {
    for (const rec of step.recovery ?? []) {
      const e = step.events?.find((x) => x.index === rec.event);
      if (!e || e.outcome !== 'ok' || rec.baseline_rps === null) continue;
      const what = `after ${eventLabel(e)} at ${e.at_s} s`;
      // Rows are compared per event of the scenario: a `kill: target` names each row itself.
      const event = e.kind === 'upstream' || e.service === 'upstream' ? `${eventLabel(e)} at ${e.at_s} s` : `${e.kind} of the row at ${e.at_s} s`;
      const peaks = `peak ${rec.peak_threads ?? '?'} threads, ${formatBytes(rec.peak_rss_bytes)}, ${rec.peak_inflight ?? '?'} in flight`;
      out.push({
        kind: 'recovery', run: s.ref.run, load: step.load, event, recovered: rec.recovered, recovery_s: rec.recovery_s, failed_requests: rec.failed_requests,
        text: `${what}: ${rec.recovered ? `req/s back to 90% of ${rec.baseline_rps.toFixed(0)} in ${rec.recovery_s!.toFixed(1)} s` : `req/s not back to 90% of ${rec.baseline_rps.toFixed(0)}${rec.note ? ` (${rec.note})` : ''}`}` +
          `${e.downtime_s != null ? `, down ${e.downtime_s.toFixed(2)} s` : ''}; ${rec.failed_requests} failed answers, ${rec.connection_errors} connection errors; ${peaks} (${s.ref.run}, ${step.load})`,
      });
    }
    const judged = (step.slopes ?? []).filter((x) => x.possible_leak !== null);
    if (judged.length) {
      const leaks = judged.filter((x) => x.possible_leak);
      const window = Math.round(Math.max(...judged.map((x) => x.window_s)) / 60);
      const figures = judged.map(slopeNamed).join(', ');
      const verdict = stepVerdict(judged);
      out.push({
        kind: 'slopes', run: s.ref.run, load: step.load, window_s: Math.max(...judged.map((x) => x.window_s)), possible_leak: leaks.length > 0, slopes: judged,
        text: verdict
          ? `${verdict} over ${window} min: ${judged.map(slopeNamedWithInterval).join('; ')} (${s.ref.run}, ${step.load})`
          : leaks.length
            ? `possible leak: ${leaks.map((x) => `${slopeNamed(x)} (bound ${x.measure === 'rss_bytes' ? `${x.bound_per_min / 2 ** 20} MiB` : x.bound_per_min}/min, r² ${x.r2})`).join('; ')} over ${window} min (${s.ref.run}, ${step.load})`
            : `no leak over ${window} min: ${figures} (${s.ref.run}, ${step.load})`,
      });
    }
  }
  return out;
}

/** Per event label, rows by time back to the pre-event req/s (recovered ones only). */
export function recoveryRankings(rows: Map<string, RowFinding[]>): Ranking[] {
  const byEvent = new Map<string, { row: string; f: Extract<RowFinding, { kind: 'recovery' }> }[]>();
  for (const [row, items] of rows) {
    for (const f of items) {
      if (f.kind !== 'recovery' || !f.recovered) continue;
      const list = byEvent.get(f.event) ?? [];
      if (!list.some((x) => x.row === row)) list.push({ row, f });
      byEvent.set(f.event, list);
    }
  }
  return [...byEvent].filter(([, l]) => l.length > 1).map(([event, list]) => ({
    question: `Which row is back to its req/s soonest after ${event}?`,
    unit: 'seconds to 90% of the pre-event req/s',
    basis: [...new Set(list.map((x) => x.f.run))].join(', '),
    order: 'lowest first' as const,
    entries: list.sort((a, b) => a.f.recovery_s! - b.f.recovery_s!).map((x) => ({ row: x.row, value: x.f.recovery_s!, run: x.f.run, text: `${x.f.recovery_s!.toFixed(1)} s, ${x.f.failed_requests} failed answers` })),
  }));
}

const VERDICT_ORDER: SlopeVerdict[] = ['leak', 'undecided', 'levels off', 'no leak'];

/** A step's soak verdict: the worst of its measures' (results before issue 20 have none). */
export function stepVerdict(slopes: readonly Slope[]): SlopeVerdict | undefined {
  const verdicts = slopes.flatMap((x) => (x.verdict ? [x.verdict] : []));
  return VERDICT_ORDER.find((v) => verdicts.includes(v));
}
