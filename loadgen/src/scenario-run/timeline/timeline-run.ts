import { performance } from 'node:perf_hooks';
import type { Endpoint, LabRuntime, ServiceLifeEvent } from '../../runtime/types.js';
import { startEvents, type EventsRun } from '../events/apply-events.js';
import type { EventRecord, StepEvent } from '../../model/events.js';
import { TimelineRecorder } from './recorder.js';
import { recoveriesOf, type Recovery } from './recovery.js';
import { slopesOf, type Slope } from './slopes.js';
import { TimelineSampler } from './timeline-sampler.js';
import type { StepTimeline } from './types.js';

// A step's timeline while it runs, beside its aggregates: the figures second by second, the
// scenario's events applied and marked on it, and at the end each event's recovery and the leak
// slopes. The run loop opens one per step and calls it at each phase; the executor feeds
// `recorder` per request. Whatever happens, end() is
// called (the loop's `finally`): it ends the events, so the upstream is put back.

export interface TimelineRunResult {
  timeline: StepTimeline;
  events?: EventRecord[];
  recovery?: Recovery[];
  /** Crashes and restarts of any service seen during the step (the supervisor's record). */
  supervision?: ServiceLifeEvent[];
  slopes?: Slope[];
}

export class TimelineRun {
  readonly recorder = new TimelineRecorder();
  private readonly sampler: TimelineSampler;
  private events: EventsRun | undefined;
  private records: EventRecord[] | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly runtime: LabRuntime,
    private readonly target: Endpoint,
    protocol: 'http' | 'line',
    private readonly stepEvents: StepEvent[],
    private readonly note: (message: string) => void = () => {},
    /** The row's sampling cadence (trials/sampling.ts); the timeline samples no more often. */
    intervalMs?: number,
  ) {
    this.sampler = new TimelineSampler(runtime, target, protocol, this.recorder, { intervalMs: Math.max(1000, intervalMs ?? 1000) });
  }

  warmup(): void {
    this.recorder.phase('warmup');
    this.sampler.start();
  }

  /**
   * The measure phase starts now: the origin of the timeline's seconds and of every event offset.
   * From here to the cooldown the step's sampler feeds `recorder.server` (one scrape for both).
   */
  measure(): void {
    this.recorder.phase('measure');
    this.sampler.scrapes(false);
    if (this.stepEvents.length) this.events = startEvents(this.stepEvents, { runtime: this.runtime, target: this.target, t0: performance.now(), note: this.note });
  }

  /** The measure phase is over (or was interrupted): events end, the upstream is put back. */
  async endMeasure(): Promise<void> {
    if (this.events && !this.records) this.records = await this.events.finish();
  }

  cooldown(): void {
    this.recorder.phase('cooldown');
    this.sampler.scrapes(true);
  }

  async end(): Promise<TimelineRunResult> {
    await this.endMeasure();
    await this.sampler.stop();
    const timeline = this.recorder.finish();
    const supervision = this.runtime.lifeEvents(this.startedAt);
    return {
      timeline,
      ...(this.records ? { events: this.records, recovery: recoveriesOf(timeline.seconds, this.records) } : {}),
      ...(supervision.length ? { supervision } : {}),
      slopes: slopesOf(timeline.seconds),
    };
  }
}
