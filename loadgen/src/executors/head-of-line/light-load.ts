import autocannon from 'autocannon';
import { echoPath } from '../load-common/echo-request.js';
import { feedAutocannon } from '../load-common/autocannon-timeline.js';
import { teeTimeline, WindowTally } from '../load-common/window-tally.js';
import type { StepContext } from '../common/executor.js';

// The light class: N keep-alive connections of plain /echo (closed model, pipelining 1), one
// autocannon instance from warmup through both measure windows (no reconnect between them), and
// whatever window is open counts what completes in it (load-common/window-tally.ts).

const SAMPLE_INT_MS = 100;
/** The instance's own bound beyond the planned seconds: a run that loses its caller still ends. */
const SAFETY_S = 30;

export class LightLoad {
  window: WindowTally | undefined;
  private instance: autocannon.Instance | undefined;
  private finished: Promise<void> = Promise.resolve();
  failure: Error | undefined;

  constructor(private readonly ctx: StepContext, private readonly expectBody: string, private readonly timeoutS: number) {}

  start(seconds: number): void {
    const { ctx } = this;
    let done!: () => void;
    this.finished = new Promise((r) => (done = r));
    const instance = autocannon(
      { url: ctx.target.httpUrl + echoPath(ctx.scenario.request), connections: ctx.load, pipelining: 1, duration: seconds + SAFETY_S,
        timeout: this.timeoutS, expectBody: this.expectBody, sampleInt: SAMPLE_INT_MS } as autocannon.Options,
      (err) => {
        ctx.signal.removeEventListener('abort', stop);
        if (err) this.failure = err instanceof Error ? err : new Error(String(err));
        done();
      },
    );
    const stop = () => instance.stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
    feedAutocannon(instance, teeTimeline(() => ctx.timeline, () => this.window));
    this.instance = instance;
  }

  get started(): boolean {
    return this.instance !== undefined;
  }

  get ended(): Promise<void> {
    return this.finished;
  }

  async close(): Promise<void> {
    this.instance?.stop();
    await this.finished;
  }
}
