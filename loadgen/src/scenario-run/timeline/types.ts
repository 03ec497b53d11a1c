// A step's 1-second timeline (results.json: StepResult.timeline). Seconds are counted from the
// start of the measure phase (warmup seconds are negative), the origin event offsets use too.

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
