import { performance } from 'node:perf_hooks';
import { liveEvents } from '../../observe/lab-events.js';
import { probeStatus } from '../../runtime/local/health.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import { applyUpstreamConfig } from '../upstream-config.js';
import { CURRENT_TARGET, type EventRecord, type StepEvent } from '../../model/events.js';

// Applies a step's events at their offsets of the measure phase and records each with when it
// really happened and how it ended. finish() is the one way out, in the run loop's `finally`:
// it cancels what has not happened, thaws what is frozen and puts the upstream back as it was,
// so an interrupted run (SIGINT aborts the step) leaves no fault behind.

export interface EventsContext {
  runtime: LabRuntime;
  /** The row being measured: what `target` names. */
  target: Endpoint;
  /** performance.now() at the start of the measure phase: the origin of every offset. */
  t0: number;
  note?: (message: string) => void;
}

export interface EventsRun {
  /** Records so far, in the scenario's order. */
  readonly records: EventRecord[];
  /** Cancels pending events, ends the running ones, restores the upstream; resolves every record. */
  finish(): Promise<EventRecord[]>;
}

const POLL_MS = 100;

export function startEvents(events: StepEvent[], ctx: EventsContext): EventsRun {
  const records: EventRecord[] = [];
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  const endings: (() => Promise<void>)[] = [];
  let finished = false;
  const now = () => Math.round((performance.now() - ctx.t0)) / 1000;
  const note = ctx.note ?? (() => {});

  for (const event of events) {
    const record: EventRecord = {
      index: event.index, kind: event.kind, service: serviceOf(event, ctx), at_s: event.atS, t_s: null, end_s: null, wall: null,
      ...(event.forS !== undefined ? { for_s: event.forS } : {}), ...(event.upstream ? { upstream: event.upstream } : {}),
      outcome: 'skipped', message: 'the measure phase ended before its offset',
    };
    records.push(record);
    const delay = Math.max(0, event.atS * 1000 - (performance.now() - ctx.t0));
    timers.push(setTimeout(() => {
      if (finished) return;
      const p = apply(event, record).catch((err: Error) => {
        record.outcome = 'failed';
        record.message = err.message;
      }).finally(() => running.delete(p));
      running.add(p);
    }, delay));
  }

  async function apply(event: StepEvent, record: EventRecord): Promise<void> {
    const label = event.kind === 'upstream' ? `upstream ${JSON.stringify(event.upstream)}` : `${event.kind} ${record.service}`;
    const over = liveEvents.started(event.kind, record.service, label);
    try {
      await applyOne(event, record);
    } finally {
      // In effect until its end (a kill: until healthy again); an instantaneous one that never ends is over now.
      if (record.end_s !== null || (event.kind !== 'upstream' && event.kind !== 'pause')) over();
      else endings.push(async () => over());
    }
  }

  async function applyOne(event: StepEvent, record: EventRecord): Promise<void> {
    // Node's timers may fire a millisecond early: never apply an event before its offset.
    await waitUntil(event.atS, ctx.t0, () => finished);
    if (finished) return; // stays 'skipped'
    record.t_s = now();
    record.wall = new Date().toISOString();
    const { runtime } = ctx;
    switch (event.kind) {
      case 'upstream': {
        const restore = await applyUpstreamConfig(runtime.upstream, event.upstream, note);
        ok(record, `upstream set to ${JSON.stringify(event.upstream)}`);
        let restored = false;
        const end = async () => {
          if (restored) return;
          restored = true;
          await restore();
          record.end_s = now();
        };
        endings.push(end);
        if (event.forS !== undefined) await waitUntil(event.atS + event.forS, ctx.t0, () => finished).then(() => (finished ? undefined : end()));
        return;
      }
      case 'pause': {
        await runtime.pause(record.service);
        ok(record, `froze ${record.service}`);
        let thawed = false;
        const end = async () => {
          if (thawed) return;
          thawed = true;
          await runtime.resume(record.service);
          record.end_s = now();
        };
        endings.push(end);
        await waitUntil(event.atS + event.forS!, ctx.t0, () => finished).then(() => (finished ? undefined : end()));
        return;
      }
      case 'kill': {
        const url = urlOf(record.service, ctx);
        await runtime.kill(record.service);
        ok(record, `SIGKILLed ${record.service}`);
        await backUp(record, url, true);
        return;
      }
      case 'restart': {
        const url = urlOf(record.service, ctx);
        await runtime.restart(record.service);
        ok(record, `restarted ${record.service}`);
        await backUp(record, url, false);
        return;
      }
    }
  }

  /** Downtime: until /healthz answers 200 again (after first failing, for a kill), or the end of the step. */
  async function backUp(record: EventRecord, url: string | undefined, expectDown: boolean): Promise<void> {
    record.downtime_s = null;
    if (!url) return;
    const start = performance.now();
    if (expectDown) {
      // A SIGKILLed process can take a moment to release its port.
      while (!finished && performance.now() - start < 2000 && (await probeStatus(`${url}/healthz`, 300)) === 200) await sleep(20);
    }
    while (!finished) {
      if ((await probeStatus(`${url}/healthz`, 500)) === 200) {
        record.end_s = now();
        record.downtime_s = Math.round(performance.now() - start) / 1000;
        record.message += `; healthy again after ${record.downtime_s.toFixed(2)} s`;
        return;
      }
      await sleep(POLL_MS);
    }
    record.message += '; not healthy again by the end of the step';
  }

  return {
    records,
    async finish() {
      finished = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all([...running]);
      // Newest first: nested upstream changes unwind to what was there before the step.
      for (const end of endings.reverse()) await end().catch((err: Error) => note(`event cleanup: ${err.message}`));
      return records;
    },
  };
}

function ok(record: EventRecord, message: string): void {
  record.outcome = 'ok';
  record.message = message;
}

function serviceOf(event: StepEvent, ctx: EventsContext): string {
  if (event.kind === 'upstream' || event.target === 'upstream') return ctx.runtime.upstream.name;
  return event.target === CURRENT_TARGET || event.target === undefined ? ctx.target.name : event.target;
}

function urlOf(service: string, ctx: EventsContext): string | undefined {
  if (service === ctx.target.name) return ctx.target.httpUrl;
  if (service === ctx.runtime.upstream.name) return ctx.runtime.upstream.httpUrl;
  return ctx.runtime.targets.find((t) => t.name === service)?.httpUrl;
}

async function waitUntil(offsetS: number, t0: number, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const left = offsetS * 1000 - (performance.now() - t0);
    if (left <= 0) return;
    await sleep(Math.min(Math.ceil(left), 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
