// A step's timeline (issue 11) and what is read from it, as results.json keeps it:
// StepResult.timeline (one entry per second of warmup, measure and cooldown), events (each
// scenario event with when it happened and how it ended), recovery (per event, computed from the
// timeline), supervision (crashes and restarts the runtime saw) and slopes (leak slopes: RSS,
// threads, fds per minute over a soak). Seconds count from the start of the measure phase
// (warmup is negative). Producers: loadgen/src/scenario-run/{events,timeline}/.

/**
 * A service's life as the runtime saw it: a crash, a relaunch scheduled, a restart that made it
 * healthy again (with how long it was down), or a give-up. Results and the web page show these.
 */
export interface ServiceLifeEvent {
  service: string;
  kind: 'crashed' | 'restarting' | 'restarted' | 'gave-up';
  /** Epoch milliseconds. */
  at_ms: number;
  message: string;
  /** restarted: seconds from the crash to healthy again. */
  downtime_s?: number;
  attempt?: number;
}

export type TimelinePhase = 'warmup' | 'measure' | 'cooldown';

export interface TimelineSecond {
  /** Start of this second, seconds from the start of the measure phase. */
  t_s: number;
  /** Its length: 1, or less where a phase ended inside it. */
  dur_s: number;
  phase: TimelinePhase;
  /** Answers completed in this second (any status), and the right ones among them. */
  requests: number;
  ok: number;
  /** ok / dur_s. */
  rps: number;
  /** Failed requests by kind (`timeout`, `connection`, `status 504`, `mismatch`...). */
  errors: Record<string, number>;
  /** Of the requests completed in this second (right answers only); null when none. */
  p50_ms: number | null;
  p99_ms: number | null;
  /** From the server's own /metrics and /proc, the highest value sampled in this second; null: no sample (or the server did not answer). */
  inflight: number | null;
  open_connections: number | null;
  threads: number | null;
  rss_bytes: number | null;
  /** CPU-seconds per second (cores busy) between the samples of this second. */
  cpu: number | null;
  /** Open file descriptors of every process of the service (sampled every few seconds). */
  open_fds: number | null;
  /** Whether the server answered a sample in this second (false: it was down or frozen). */
  up: boolean | null;
}

export interface StepTimeline {
  interval_s: 1;
  seconds: TimelineSecond[];
}

export type EventKind = 'upstream' | 'kill' | 'pause' | 'restart';

export interface UpstreamSettings {
  delay_ms?: number;
  jitter_ms?: number;
  error_rate?: number;
}

/** What happened, in results.json (StepResult.events). */
export interface EventRecord {
  index: number;
  kind: EventKind;
  /** The service it acted on (the upstream for upstream events). */
  service: string;
  /** Planned offset, and when it was really applied, in seconds from the start of the measure phase. */
  at_s: number;
  t_s: number | null;
  /** When its effect ended: settings put back, thawed, or the service healthy again; null if not by the end of the step. */
  end_s: number | null;
  /** ISO time it was applied. */
  wall: string | null;
  for_s?: number;
  upstream?: UpstreamSettings;
  outcome: 'ok' | 'failed' | 'skipped';
  message: string;
  /** kill / restart: seconds from the event until /healthz answered 200 again. */
  downtime_s?: number | null;
}

export interface Recovery {
  event: number;
  kind: EventKind;
  service: string;
  /** When the event was applied, seconds from the start of the measure phase. */
  t_s: number;
  baseline_rps: number | null;
  /** Seconds from the event until req/s was back; null: not by the end of the timeline (or no baseline). */
  recovery_s: number | null;
  recovered: boolean;
  /** Answers that were errors, and timeouts, from the event until recovery (or the end). */
  failed_requests: number;
  /**
   * Connections refused or reset in the same seconds, one per request that failed: a
   * connection's retries while the row is down back off and are counted apart (step.reconnects).
   */
  connection_errors: number;
  /** Right answers in the same seconds, against what the pre-event level would have given. */
  ok_requests: number;
  peak_threads: number | null;
  peak_rss_bytes: number | null;
  peak_inflight: number | null;
  note?: string;
}

export type SlopeMeasure = 'rss_bytes' | 'threads' | 'open_fds';

export interface Slope {
  measure: SlopeMeasure;
  per_min: number | null;
  r2: number | null;
  points: number;
  window_s: number;
  first: number | null;
  last: number | null;
  bound_per_min: number;
  /** null: too short or too few points to tell. */
  possible_leak: boolean | null;
  /** Since issue 20, on judged windows: the slope's 95% interval per minute (null: the points give none). */
  ci95_per_min?: [number, number] | null;
  /** The points' effective number once their autocorrelation is counted. */
  n_eff?: number;
  /** The slope over the window's second half, and its interval: growth that levels off is not a leak. */
  late_per_min?: number | null;
  late_ci95_per_min?: [number, number] | null;
  verdict?: SlopeVerdict;
}

/** scenario-run/timeline/slopes.ts slopeVerdict. */
export type SlopeVerdict = 'no leak' | 'levels off' | 'leak' | 'undecided';
