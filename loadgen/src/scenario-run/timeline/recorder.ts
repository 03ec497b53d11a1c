import { performance } from 'node:perf_hooks';
import { latencyHistogram, latencyOf, recordMs, type LatencyHistogram } from '../../executors/load-common/histogram.js';
import type { StepTimeline, TimelinePhase, TimelineSecond } from './types.js';

// Buckets what happens during a step into seconds as it happens: answers and errors from the
// load generator (per request), gauges from the server's samples. Only the current second keeps
// a latency histogram, so a 30-minute soak costs a few KB per second recorded, not per request.
// A phase change starts a new second at once, so measure seconds line up with event offsets.

/** What the recorder needs of a server sample (observe/server-sampler.ts's ServerSample fits). */
export interface TimelineSample {
  /** performance.now() the sample describes. */
  at?: number;
  cpuSeconds?: number;
  rssBytes?: number;
  osThreads?: number;
  openConnections?: number;
  inflight?: number;
  openFds?: number;
  /** lab_requests_total, present when the server answered /metrics. */
  requests?: number;
}

interface Bucket {
  start: number;
  end?: number;
  phase: TimelinePhase;
  requests: number;
  ok: number;
  errors: Record<string, number>;
  p50: number | null;
  p99: number | null;
  gauges: { inflight: number | null; open_connections: number | null; threads: number | null; rss_bytes: number | null; open_fds: number | null };
  cpuS: number;
  cpuDtS: number;
  up: boolean | null;
}

export class TimelineRecorder {
  private readonly buckets: Bucket[] = [];
  private current: Bucket | undefined;
  private histogram: LatencyHistogram = latencyHistogram();
  private measureStart: number | undefined;
  private lastCpu: { at: number; cpuSeconds: number } | undefined;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Starts a phase now (closing the second in progress). */
  phase(phase: TimelinePhase): void {
    const now = this.clock();
    this.roll(now);
    if (this.current) this.close(now);
    if (phase === 'measure') this.measureStart = now;
    this.open(now, phase);
  }

  /** One answer: its latency, whether it was right, and the error kind when it was not. */
  response(latencyMs: number, ok: boolean, errorKind?: string): void {
    const b = this.at(this.clock());
    if (!b) return;
    b.requests++;
    if (ok) {
      b.ok++;
      recordMs(this.histogram, latencyMs);
    } else {
      count(b.errors, errorKind ?? 'error');
    }
  }

  /** A request that got no answer (timeout, connection refused or reset). */
  error(kind: string): void {
    const b = this.at(this.clock());
    if (b) count(b.errors, kind);
  }

  /** An answer counted ok turned out to have the wrong body. */
  mismatch(): void {
    const b = this.at(this.clock());
    if (!b) return;
    if (b.ok > 0) b.ok--;
    count(b.errors, 'mismatch');
  }

  /** A server sample (answered or not: `requests` undefined means /metrics did not answer). */
  /** Open fds counted apart from a scrape: a gauge only, it says nothing of whether the server answered. */
  openFds(n: number): void {
    const now = this.clock();
    this.roll(now);
    const b = this.bucketAt(now);
    if (b) b.gauges.open_fds = max(b.gauges.open_fds, n);
  }

  server(s: TimelineSample): void {
    const at = s.at ?? this.clock();
    this.roll(this.clock());
    const b = this.bucketAt(at);
    if (!b) return;
    const answered = s.requests !== undefined;
    b.up = (b.up ?? false) || answered;
    const g = b.gauges;
    g.inflight = max(g.inflight, s.inflight);
    g.open_connections = max(g.open_connections, s.openConnections);
    g.threads = max(g.threads, s.osThreads);
    g.rss_bytes = max(g.rss_bytes, s.rssBytes);
    g.open_fds = max(g.open_fds, s.openFds);
    if (s.cpuSeconds !== undefined) {
      // A restarted service starts its counter again: a drop is a new process, not negative CPU.
      if (this.lastCpu && at > this.lastCpu.at && s.cpuSeconds >= this.lastCpu.cpuSeconds) {
        b.cpuS += s.cpuSeconds - this.lastCpu.cpuSeconds;
        b.cpuDtS += (at - this.lastCpu.at) / 1000;
      }
      this.lastCpu = { at, cpuSeconds: s.cpuSeconds };
    }
  }

  /** Closes the last second; seconds from the start of the measure phase (or of the first phase). */
  finish(): StepTimeline {
    const now = this.clock();
    this.roll(now);
    if (this.current) this.close(now);
    const origin = this.measureStart ?? this.buckets[0]?.start ?? now;
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    const seconds: TimelineSecond[] = this.buckets.filter((b) => (b.end ?? b.start) > b.start).map((b) => {
      const dur = (b.end! - b.start) / 1000;
      return {
        t_s: r3((b.start - origin) / 1000),
        dur_s: r3(dur),
        phase: b.phase,
        requests: b.requests,
        ok: b.ok,
        rps: Math.round((b.ok / dur) * 10) / 10,
        errors: b.errors,
        p50_ms: b.p50,
        p99_ms: b.p99,
        ...b.gauges,
        cpu: b.cpuDtS > 0 ? Math.round((b.cpuS / b.cpuDtS) * 1000) / 1000 : null,
        up: b.up,
      };
    });
    return { interval_s: 1, seconds };
  }

  private open(start: number, phase: TimelinePhase): void {
    this.current = {
      start, phase, requests: 0, ok: 0, errors: {}, p50: null, p99: null, cpuS: 0, cpuDtS: 0, up: null,
      gauges: { inflight: null, open_connections: null, threads: null, rss_bytes: null, open_fds: null },
    };
    this.buckets.push(this.current);
  }

  private close(end: number): void {
    const b = this.current!;
    b.end = end;
    const l = latencyOf(this.histogram);
    b.p50 = l.p50;
    b.p99 = l.p99;
    this.histogram.reset();
    this.current = undefined;
  }

  /** Closes every full second before `now` (empty ones included: a dead server shows as zeros). */
  private roll(now: number): void {
    while (this.current && now >= this.current.start + 1000) {
      const next = this.current.start + 1000;
      const phase = this.current.phase;
      this.close(next);
      this.open(next, phase);
    }
  }

  private at(now: number): Bucket | undefined {
    this.roll(now);
    return this.current;
  }

  /** The second a (possibly late-arriving) sample belongs to. */
  private bucketAt(t: number): Bucket | undefined {
    for (let i = this.buckets.length - 1; i >= 0; i--) {
      const b = this.buckets[i]!;
      if (t >= b.start && (b.end === undefined || t < b.end)) return b;
      if (t >= (b.end ?? Infinity)) return undefined;
    }
    return undefined;
  }
}

function count(errors: Record<string, number>, kind: string): void {
  errors[kind] = (errors[kind] ?? 0) + 1;
}

function max(a: number | null, b: number | undefined): number | null {
  return b === undefined ? a : a === null ? b : Math.max(a, b);
}
