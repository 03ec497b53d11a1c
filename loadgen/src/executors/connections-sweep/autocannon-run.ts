import autocannon from 'autocannon';
import { sleep } from '../../core/sleep.js';
import { startClosedLoad } from '../load-common/closed-load.js';
import type { Reachability } from '../load-common/reconnect-backoff.js';
import { WindowTally } from '../load-common/window-tally.js';
import type { Measurement, StepContext } from '../common/executor.js';

// One autocannon instance for a step's warmup and measure, as wrk runs one load: the measure
// window opens on connections that are already busy, and counts what completes inside it
// (load-common/window-tally.ts). Restarting autocannon between the phases reconnected every
// connection and emptied the pipeline: the first measured second lost 5-13% of a 2 s step
// (issue 18: node-eventloop at 50 connections, 407 req/s then 453-497).

export class AutocannonRun {
  private instance: autocannon.Instance | undefined;
  private finished: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private window: WindowTally | undefined;
  /** The load's own (begin): when the target refused connections, for unreachable_s. */
  private reachability: Reachability | undefined;
  /** After the measure window: the answers autocannon still gets before it stops go nowhere (not in the step, not in its timeline). */
  private measured = false;

  constructor(private readonly ctx: StepContext, private readonly expectBody: string, private readonly timeoutS: number) {}

  /** Starts the load for warmup and measure, and returns after the warmup seconds. */
  async warmup(seconds: number): Promise<void> {
    this.begin(seconds + this.ctx.scenario.durationS);
    await sleep(seconds * 1000, this.ctx.signal);
    if (this.failure) throw this.failure;
  }

  /** Counts what completes in the next `seconds` on the running load (started here when there was no warmup). */
  async measure(seconds: number): Promise<Measurement> {
    if (!this.instance) this.begin(seconds);
    const tally = (this.window = new WindowTally(this.timeoutS * 1000));
    const ticker = setInterval(() => this.ctx.onLive(tally.live(this.ctx.load)), 1000);
    try {
      await Promise.race([sleep(seconds * 1000, this.ctx.signal), this.finished]);
    } finally {
      clearInterval(ticker);
      tally.close();
      this.window = undefined;
      this.measured = true;
      this.instance?.stop();
    }
    if (this.failure) throw this.failure;
    const m = tally.measurement();
    // Always written for this executor's steps: 0 and 0 say the target never refused a connection.
    const reconnects = { attempts: tally.reconnects, unreachable_s: this.reachability!.unreachableS(tally.t0, tally.closedAt!) };
    return { ...m, unreachableS: reconnects.unreachable_s, fields: { ...m.fields, reconnects } };
  }

  /** Waits for autocannon to close its connections (it stops on its next sample tick). */
  async close(): Promise<void> {
    this.instance?.stop();
    await this.finished;
  }

  private begin(seconds: number): void {
    const load = startClosedLoad(this.ctx, { seconds, expectBody: this.expectBody, timeoutS: this.timeoutS,
      timeline: () => (this.measured ? undefined : this.ctx.timeline), window: () => this.window });
    this.finished = load.finished.then((e) => { if (e) this.failure = e; });
    this.instance = load.instance;
    this.reachability = load.reachability;
  }
}
