import { performance } from 'node:perf_hooks';

// autocannon reconnects a failed connection at once, forever: while a killed row is down each
// connection spins on ECONNREFUSED (7-18k attempts a second at 50 connections, issue 20), the
// lab burns the CPU it is there to measure, and its errors count attempts, not requests.
//
// Here a connection whose connect is refused waits before it tries again: 50 ms, doubling up to
// 1 s, each wait drawn from its upper half so the connections do not come back in lock-step; an
// answer resets it. The first refusal of an outage is the connection's request that failed (a
// request error, as before); the attempts after it are reconnects, counted apart. While any
// connection is refused and none has been answered since, the target is unreachable: the time
// runs from the first refusal to the next answer (to within the quickest connection's wait).

export const RECONNECT_FIRST_MS = 50;
export const RECONNECT_MAX_MS = 1000;

/** The wait before the `failures`-th retry: 50 ms doubling to 1 s, drawn from [delay/2, delay]. */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, failures - 1));
  return ceiling * (0.5 + random() / 2);
}

/** Marks an autocannon `connError` that is a retry within an outage, not a request (autocannon-timeline.ts reads it). */
export const RECONNECT_ATTEMPT = Symbol('reconnect attempt');

export function isReconnectAttempt(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { [RECONNECT_ATTEMPT]?: boolean })[RECONNECT_ATTEMPT] === true;
}

/** The periods in which the target refused connections, and how many retries it refused. */
export class Reachability {
  private readonly periods: { from: number; to: number | undefined }[] = [];

  refused(now = performance.now()): void {
    const last = this.periods.at(-1);
    if (!last || last.to !== undefined) this.periods.push({ from: now, to: undefined });
  }

  answered(now = performance.now()): void {
    const last = this.periods.at(-1);
    if (last && last.to === undefined) last.to = now;
  }

  /** Seconds of [from, to] (performance.now() ms) in which the target was unreachable. */
  unreachableS(from: number, to: number): number {
    let ms = 0;
    for (const p of this.periods) ms += Math.max(0, Math.min(p.to ?? to, to) - Math.max(p.from, from));
    return Math.round(ms) / 1000;
  }
}

/** The part of autocannon's (undocumented) Client this relies on: checked by a test against the installed version. */
interface AutocannonClient {
  _connect(): void;
  destroyed: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** autocannon's `setupClient` hook: runs in each client's constructor, before its first connect and before autocannon's own listeners. */
export function reconnectWithBackoff(reach: Reachability, random: () => number = Math.random): (client: unknown) => void {
  return (raw) => {
    const client = raw as AutocannonClient;
    const connect = client._connect.bind(client);
    let refusals = 0;
    /** connErrors since the last answer: the first is the request that failed, a refusal after it a retry. */
    let errors = 0;
    let timer: NodeJS.Timeout | undefined;
    client.on('connError', (err) => {
      errors++;
      if ((err as { code?: string } | undefined)?.code !== 'ECONNREFUSED') return;
      reach.refused();
      refusals++;
      if (errors > 1 && typeof err === 'object' && err !== null) (err as { [RECONNECT_ATTEMPT]?: boolean })[RECONNECT_ATTEMPT] = true;
    });
    client.on('response', () => {
      refusals = 0;
      errors = 0;
      reach.answered();
    });
    client.on('done', () => clearTimeout(timer));
    client._connect = () => {
      if (refusals === 0) return connect();
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (!client.destroyed) connect();
      }, reconnectDelayMs(refusals, random));
    };
  };
}

/** A step's `reconnects` key (results: the load view's schema). */
export interface ReconnectFigures {
  attempts: number;
  unreachable_s: number;
}

/**
 * K load generators' `reconnects` as one step's: attempts add up; each generator saw the same
 * outage through its own connections, so the step's unreachable time is the longest it saw.
 */
export function mergeReconnects(parts: ReconnectFigures[]): ReconnectFigures {
  return {
    attempts: parts.reduce((n, p) => n + p.attempts, 0),
    unreachable_s: Math.max(0, ...parts.map((p) => p.unreachable_s)),
  };
}
