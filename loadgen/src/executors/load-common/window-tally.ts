import { performance } from 'node:perf_hooks';
import type { LiveFigures } from '../../observe/loadgen-metrics.js';
import { countKind, emptyErrors, type Measurement, type RequestTimeline } from '../common/executor.js';
import { latencyHistogram, latencyOf, recordMs } from './histogram.js';

// What completes inside a measure window, as wrk counts it: the load runs on from warmup into
// measure (no restart, no reconnect), and a window counts the answers and failures that arrive
// between its start and its end. It is fed like a step's timeline (RequestTimeline), so any
// executor that feeds one can feed this too.
//
// Latency: right answers, plus every request that timed out, censored at the timeout (a
// request that never answered is at least that slow; leaving it out made a p99 look better
// the more requests the server dropped).

export class WindowTally implements RequestTimeline {
  readonly histogram = latencyHistogram();
  private readonly second = latencyHistogram();
  private requests = 0;
  private ok = 0;
  private okSecond = 0;
  private readonly errors = emptyErrors();
  /** A right answer's latency waits one microtask: autocannon emits a wrong body right after its answer. */
  private pending: number | undefined;
  /** Retries refused while the target was down (reconnect-backoff.ts): not requests. */
  reconnects = 0;
  readonly t0 = performance.now();
  private t1: number | undefined;

  constructor(private readonly timeoutMs: number) {}

  get open(): boolean {
    return this.t1 === undefined;
  }

  response(latencyMs: number, ok: boolean, errorKind?: string): void {
    if (!this.open) return;
    this.requests++;
    if (!ok) {
      // A wrong body is counted by its kind only (it was an answer, not an error status).
      if (errorKind !== 'mismatch') this.errors.non2xx++;
      countKind(this.errors, errorKind ?? 'not ok');
      return;
    }
    this.ok++;
    this.okSecond++;
    this.flush();
    this.pending = latencyMs;
    queueMicrotask(() => this.flush());
  }

  mismatch(): void {
    if (!this.open || this.pending === undefined) return;
    this.pending = undefined;
    this.ok--;
    this.okSecond--;
    countKind(this.errors, 'mismatch');
  }

  error(kind: string): void {
    if (!this.open) return;
    if (kind === 'timeout') {
      this.errors.timeouts++;
      recordMs(this.histogram, this.timeoutMs);
    } else this.errors.connection++;
    countKind(this.errors, kind);
  }

  reconnect(): void {
    if (this.open) this.reconnects++;
  }

  /** When the window closed (performance.now() ms), or undefined while open. */
  get closedAt(): number | undefined {
    return this.t1;
  }

  /** The last second's right answers, for `lab run`'s live line; starts the next second. */
  live(connections: number): LiveFigures {
    const l = latencyOf(this.second);
    const f: LiveFigures = { rps: this.okSecond, connections, latencyMs: { p50: l.p50 ?? undefined, p90: l.p90 ?? undefined, p99: l.p99 ?? undefined } };
    this.okSecond = 0;
    this.second.reset();
    return f;
  }

  /** Ends the window: nothing after this instant counts. */
  close(): void {
    if (!this.open) return;
    this.flush();
    this.t1 = performance.now();
  }

  /** The window's figures (closes it first). */
  measurement(loadgenThreads = 1): Measurement {
    this.close();
    return {
      requests: this.requests,
      ok: this.ok,
      // Whole milliseconds: results keep duration_s to 3 decimals, and rps must be ok / that.
      durationS: Math.round(this.t1! - this.t0) / 1000,
      latencyMs: latencyOf(this.histogram),
      histogram: this.histogram,
      errors: this.errors,
      loadgenThreads,
      warnings: [],
    };
  }

  private flush(): void {
    if (this.pending === undefined) return;
    recordMs(this.histogram, this.pending);
    recordMs(this.second, this.pending);
    this.pending = undefined;
  }
}

/** Hands every request to both sinks (the step's timeline and the open window). */
export function teeTimeline(a: () => RequestTimeline | undefined, b: () => RequestTimeline | undefined): RequestTimeline {
  return {
    response: (ms, ok, kind) => { a()?.response(ms, ok, kind); b()?.response(ms, ok, kind); },
    error: (kind) => { a()?.error(kind); b()?.error(kind); },
    mismatch: () => { a()?.mismatch(); b()?.mismatch(); },
    reconnect: () => { a()?.reconnect?.(); b()?.reconnect?.(); },
  };
}
