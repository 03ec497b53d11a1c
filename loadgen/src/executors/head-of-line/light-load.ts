import { startClosedLoad } from '../load-common/closed-load.js';
import type { WindowTally } from '../load-common/window-tally.js';
import type { StepContext } from '../common/executor.js';

// The light class: N keep-alive connections of plain /echo (closed model, pipelining 1), one
// autocannon instance from warmup through both measure windows (no reconnect between them), and
// whatever window is open counts what completes in it (load-common/window-tally.ts).

export class LightLoad {
  window: WindowTally | undefined;
  failure: Error | undefined;
  private stop: (() => void) | undefined;
  /** After close(): the answers autocannon still gets before it stops go nowhere (not in the step, not in its timeline). */
  private closed = false;
  private finished: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: StepContext, private readonly expectBody: string, private readonly timeoutS: number) {}

  start(seconds: number): void {
    const load = startClosedLoad(this.ctx, { seconds, expectBody: this.expectBody, timeoutS: this.timeoutS, timeline: () => (this.closed ? undefined : this.ctx.timeline), window: () => this.window });
    this.stop = () => load.instance.stop();
    this.finished = load.finished.then((e) => { this.failure ??= e; });
  }

  get started(): boolean {
    return this.stop !== undefined;
  }

  get ended(): Promise<void> {
    return this.finished;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop?.();
    await this.finished;
  }
}
