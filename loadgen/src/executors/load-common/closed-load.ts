import autocannon from 'autocannon';
import { echoPath } from './echo-request.js';
import { feedAutocannon } from './autocannon-timeline.js';
import { teeTimeline } from './window-tally.js';
import { Reachability, reconnectWithBackoff } from './reconnect-backoff.js';
import type { RequestTimeline, StepContext } from '../common/executor.js';

// The closed model's load as one autocannon instance: ctx.load keep-alive connections of the
// scenario's /echo, pipelining 1, run until stopped (or a safety bound), each answer handed to
// the step's timeline and to whatever measure window is open. connections-sweep's AutocannonRun
// and head-of-line's light class drive it.

/** autocannon stops on its sample tick: a short tick lets it stop soon after the window. */
const SAMPLE_INT_MS = 100;
/** The instance's own bound beyond the planned seconds: a run that loses its caller still ends. */
const SAFETY_S = 30;

export interface ClosedLoad {
  instance: autocannon.Instance;
  /** Settles when autocannon stopped: its error, if it failed. */
  finished: Promise<Error | undefined>;
  /** When the target refused connections (its retries back off: reconnect-backoff.ts). */
  reachability: Reachability;
}

export function startClosedLoad(ctx: StepContext, o: { seconds: number; expectBody: string; timeoutS: number; timeline: () => RequestTimeline | undefined; window: () => RequestTimeline | undefined }): ClosedLoad {
  let done!: (e: Error | undefined) => void;
  const finished = new Promise<Error | undefined>((r) => (done = r));
  const reachability = new Reachability();
  const instance = autocannon(
    { url: ctx.target.httpUrl + echoPath(ctx.scenario.request), connections: ctx.load, pipelining: 1, duration: o.seconds + SAFETY_S,
      timeout: o.timeoutS, expectBody: o.expectBody, sampleInt: SAMPLE_INT_MS, setupClient: reconnectWithBackoff(reachability) } as autocannon.Options,
    (err) => {
      ctx.signal.removeEventListener('abort', stop);
      done(err ? (err instanceof Error ? err : new Error(String(err))) : undefined);
    },
  );
  const stop = () => instance.stop();
  ctx.signal.addEventListener('abort', stop, { once: true });
  feedAutocannon(instance, teeTimeline(o.timeline, o.window));
  return { instance, finished, reachability };
}
