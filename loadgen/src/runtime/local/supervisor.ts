import type { ServiceLifeEvent } from '../types.js';

// Restarts a row the local runtime started when it dies on its own (crash, OOM, `kill -9`, a
// scenario's kill event), the way `restart: unless-stopped` does under compose. The runtime
// tells it about deaths; it decides when to relaunch (backoff), records every crash and
// restart with its downtime (results and the web page read the list), and gives up after a
// few relaunches that do not come up, so that a row broken for good is reported, not looped.

export interface SupervisorOptions {
  /** First wait before a relaunch; doubles per consecutive failure up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Consecutive relaunches that do not become healthy before giving up. */
  maxFailures?: number;
  /** A row that stayed up this long starts again from initialBackoffMs after its next crash. */
  stableAfterMs?: number;
}

export const SUPERVISOR_DEFAULTS: Required<SupervisorOptions> = {
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
  maxFailures: 5,
  stableAfterMs: 30_000,
};

/** Relaunches one service; resolves true once it answers /healthz again. */
export type Relaunch = (service: string) => Promise<boolean>;

interface Watched {
  failures: number;
  lastHealthyAt: number;
  downSince?: number;
  timer?: NodeJS.Timeout;
  relaunching?: Promise<void>;
  gaveUp: boolean;
}

export class Supervisor {
  private readonly opts: Required<SupervisorOptions>;
  private readonly watched = new Map<string, Watched>();
  private readonly log: ServiceLifeEvent[] = [];
  private readonly listeners = new Set<(e: ServiceLifeEvent) => void>();
  private stopped = false;

  constructor(private readonly relaunch: Relaunch, options: SupervisorOptions = {}, private readonly report: (e: ServiceLifeEvent) => void = () => {}) {
    this.opts = { ...SUPERVISOR_DEFAULTS, ...options };
  }

  /** A service became healthy (at start, or after a restart the runtime did itself). */
  healthy(service: string): void {
    const w = this.watch(service);
    w.lastHealthyAt = Date.now();
    w.gaveUp = false;
  }

  /** A healthy service died without being asked to: schedule its relaunch. */
  died(service: string, reason: string): void {
    if (this.stopped) return;
    const w = this.watch(service);
    if (w.timer || w.relaunching) return; // already on it
    const now = Date.now();
    if (now - w.lastHealthyAt >= this.opts.stableAfterMs) w.failures = 0;
    w.downSince ??= now;
    this.record({ service, kind: 'crashed', at_ms: now, message: reason });
    this.schedule(service, w);
  }

  /** Every crash, restart and give-up so far, oldest first; `sinceMs` (epoch ms) filters. */
  events(sinceMs = 0): ServiceLifeEvent[] {
    return this.log.filter((e) => e.at_ms >= sinceMs);
  }

  onEvent(listener: (e: ServiceLifeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a relaunch of the service is pending or running. */
  restarting(service: string): boolean {
    const w = this.watched.get(service);
    return !!w && (w.timer !== undefined || w.relaunching !== undefined);
  }

  /** Synchronous: no relaunch from now on, and no death is a crash (the lab is stopping). */
  halt(): void {
    this.stopped = true;
    for (const w of this.watched.values()) { clearTimeout(w.timer); w.timer = undefined; }
  }

  /** Cancels pending relaunches and waits for one in progress (the runtime stops everything next). */
  async stop(): Promise<void> {
    this.halt();
    await Promise.all([...this.watched.values()].map((w) => w.relaunching));
  }

  private watch(service: string): Watched {
    let w = this.watched.get(service);
    if (!w) { w = { failures: 0, lastHealthyAt: Date.now(), gaveUp: false }; this.watched.set(service, w); }
    return w;
  }

  private schedule(service: string, w: Watched): void {
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** w.failures);
    this.record({ service, kind: 'restarting', at_ms: Date.now(), message: `relaunch in ${delay} ms (attempt ${w.failures + 1} of ${this.opts.maxFailures})`, attempt: w.failures + 1 });
    w.timer = setTimeout(() => {
      w.timer = undefined;
      if (this.stopped) return;
      w.relaunching = this.attempt(service, w).finally(() => { w.relaunching = undefined; });
    }, delay);
  }

  private async attempt(service: string, w: Watched): Promise<void> {
    const ok = await this.relaunch(service).catch(() => false);
    if (this.stopped) return;
    const now = Date.now();
    if (ok) {
      const downtime = (now - (w.downSince ?? now)) / 1000;
      w.downSince = undefined;
      w.lastHealthyAt = now;
      w.failures++; // reset only once it stays up (stableAfterMs): a crash loop keeps backing off
      this.record({ service, kind: 'restarted', at_ms: now, message: `healthy again after ${downtime.toFixed(2)} s down`, downtime_s: Math.round(downtime * 1000) / 1000, attempt: w.failures });
      return;
    }
    w.failures++;
    if (w.failures >= this.opts.maxFailures) {
      w.gaveUp = true;
      this.record({ service, kind: 'gave-up', at_ms: now, message: `did not come back after ${w.failures} relaunches: left down`, attempt: w.failures });
      return;
    }
    this.schedule(service, w);
  }

  private record(e: ServiceLifeEvent): void {
    this.log.push(e);
    try { this.report(e); } catch { /* a broken listener must not stop supervision */ }
    for (const l of this.listeners) { try { l(e); } catch { /* idem */ } }
  }
}
