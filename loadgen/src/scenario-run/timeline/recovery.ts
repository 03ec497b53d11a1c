import type { EventRecord, Recovery } from '../../model/step-timeline.js';

export type { Recovery };
import type { TimelineSecond } from './types.js';

// How a row came through an event, computed from its step's timeline: the req/s before the
// event, how long until req/s was back to at least 90% of it (and stayed there), the requests
// that failed meanwhile, and the peaks of threads, RSS and in-flight requests during it.
// Events of one step are told apart: the pre-event level skips seconds an earlier event
// disturbed, and a recovery that reaches the next event's start (or the end) counts as held.

export const RECOVERY = {
  /** Seconds before the event whose mean req/s is the pre-event level. */
  baselineS: 5,
  /** Back means at least this share of the pre-event level... */
  within: 0.1,
  /** ...for this many consecutive seconds (or until the end of the timeline). */
  holdS: 3,
};


export function recoveryOf(seconds: TimelineSecond[], event: EventRecord, others: EventRecord[] = []): Recovery {
  const t = event.t_s ?? event.at_s;
  const base: Recovery = {
    event: event.index, kind: event.kind, service: event.service, t_s: t, baseline_rps: null, recovery_s: null, recovered: false,
    failed_requests: 0, connection_errors: 0, ok_requests: 0, peak_threads: null, peak_rss_bytes: null, peak_inflight: null,
  };
  if (event.outcome !== 'ok') return { ...base, note: `event ${event.outcome}: ${event.message}` };
  // Whole seconds only: a phase's short last second would weigh as much as a full one.
  const applied = others.filter((e) => e !== event && e.outcome === 'ok' && e.t_s !== null);
  // An earlier event disturbs from its start to a second after its end (or its start, if it never ended).
  const disturbed = (s: TimelineSecond) => applied.some((e) => e.t_s! < t && s.t_s < (e.end_s ?? e.t_s!) + 1 && s.t_s + s.dur_s > e.t_s!);
  const before = seconds
    .filter((s) => s.phase !== 'cooldown' && s.dur_s >= 0.9 && s.t_s + s.dur_s <= t + 1e-6 && !disturbed(s))
    .slice(-RECOVERY.baselineS);
  const next = Math.min(...applied.filter((e) => e.t_s! > t).map((e) => e.t_s!));
  const after = seconds.filter((s) => s.phase !== 'cooldown' && s.t_s + s.dur_s > t + 1e-6 && s.t_s + s.dur_s <= next + 1e-6);
  const baseline = before.length ? before.reduce((a, s) => a + s.rps, 0) / before.length : null;
  let recoveredIndex = -1;
  if (baseline !== null && baseline > 0) {
    const floor = baseline * (1 - RECOVERY.within);
    for (let i = 0; i < after.length; i++) {
      const run = after.slice(i, i + RECOVERY.holdS).filter((s) => s.dur_s >= 0.5);
      if (run.length > 0 && run.every((s) => s.rps >= floor) && (run.length === RECOVERY.holdS || i + RECOVERY.holdS >= after.length)) {
        recoveredIndex = i;
        break;
      }
    }
  }
  const during = recoveredIndex >= 0 ? after.slice(0, recoveredIndex + 1) : after;
  const peak = (f: (s: TimelineSecond) => number | null) => during.reduce<number | null>((m, s) => (f(s) === null ? m : m === null ? f(s) : Math.max(m, f(s)!)), null);
  const recoveredAt = recoveredIndex >= 0 ? after[recoveredIndex]! : undefined;
  return {
    ...base,
    baseline_rps: baseline === null ? null : Math.round(baseline * 10) / 10,
    recovery_s: recoveredAt ? Math.round(Math.max(0, recoveredAt.t_s - t) * 1000) / 1000 : null,
    recovered: recoveredAt !== undefined,
    failed_requests: errorsIn(recoveredIndex >= 0 ? after.slice(0, recoveredIndex) : after, (kind) => kind !== 'connection'),
    connection_errors: errorsIn(recoveredIndex >= 0 ? after.slice(0, recoveredIndex) : after, (kind) => kind === 'connection'),
    ok_requests: (recoveredIndex >= 0 ? after.slice(0, recoveredIndex) : after).reduce((a, s) => a + s.ok, 0),
    peak_threads: peak((s) => s.threads),
    peak_rss_bytes: peak((s) => s.rss_bytes),
    peak_inflight: peak((s) => s.inflight),
    ...(recoveredIndex < 0 && Number.isFinite(next) && baseline ? { note: 'not back before the next event' } : {}),
    ...(baseline === null ? { note: 'no whole second before the event to take the pre-event level from' } : baseline === 0 ? { note: 'no right answer before the event' } : {}),
  };
}

/** Every event of a step against that step's timeline. */
export function recoveriesOf(seconds: TimelineSecond[], events: EventRecord[]): Recovery[] {
  return events.map((e) => recoveryOf(seconds, e, events));
}

function errorsIn(seconds: TimelineSecond[], counts: (kind: string) => boolean): number {
  return seconds.reduce((a, s) => a + Object.entries(s.errors).reduce((x, [k, n]) => x + (counts(k) ? n : 0), 0), 0);
}
