import { readdir } from 'node:fs/promises';
import { processTreeAsync } from '@concurrency-lab/proc-stats';
import { sampleServer } from '../../observe/server-sampler.js';
import { pidListeningOn } from '../../runtime/local/proc-tree.js';
import type { Endpoint, LabRuntime } from '../../runtime/types.js';
import type { TimelineRecorder } from './recorder.js';

// The server's side of a step's timeline: its own /metrics at the row's cadence (threads, RSS,
// CPU, in-flight, open connections: the same source every time; 1 s unless the run loop gives
// the row's budgeted cadence), and the open file descriptors of its process tree from /proc
// every few samples (a soak's leak witness). A scrape that gets no answer is recorded too: that
// second shows the server down. While the step's own sampler runs (the measure), it feeds the
// recorder and this one only counts fds: one scrape serves both, so the row pays for one.

export interface TimelineSamplerOptions {
  intervalMs?: number;
  /** Count open fds every this many samples (0: never). */
  fdsEvery?: number;
}

export class TimelineSampler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private ticks = 0;
  private rootPid: number | undefined;
  private scraping = true;

  constructor(
    private readonly runtime: LabRuntime,
    private readonly target: Endpoint,
    private readonly protocol: 'http' | 'line',
    private readonly recorder: TimelineRecorder,
    private readonly opts: TimelineSamplerOptions = {},
  ) {}

  start(): void {
    const interval = this.opts.intervalMs ?? 1000;
    const tick = () => {
      // Never stack samples: a frozen server must not pile up scrapes.
      if (this.inFlight) return;
      const withFds = (this.opts.fdsEvery ?? 5) > 0 && this.ticks++ % (this.opts.fdsEvery ?? 5) === 0;
      this.inFlight = this.take(withFds, Math.min(900, interval)).finally(() => (this.inFlight = undefined));
    };
    tick();
    this.timer = setInterval(tick, interval);
  }

  /** Whether this sampler scrapes /metrics itself (false while the step's sampler feeds the recorder). */
  scrapes(on: boolean): void {
    this.scraping = on;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private async take(withFds: boolean, timeoutMs: number): Promise<void> {
    if (!this.scraping) {
      const openFds = withFds ? await this.countFds() : undefined;
      if (openFds !== undefined) this.recorder.openFds(openFds);
      return;
    }
    const [s, openFds] = await Promise.all([
      sampleServer(this.runtime, this.target, this.protocol, false, timeoutMs),
      withFds ? this.countFds() : undefined,
    ]);
    this.recorder.server({ ...s, openFds });
  }

  /** Open fds of every process of the service; undefined when its processes are not visible here. */
  private async countFds(): Promise<number | undefined> {
    const port = Number(new URL(this.target.httpUrl).port);
    for (let attempt = 0; attempt < 2; attempt++) {
      this.rootPid ??= await pidListeningOn(port).catch(() => undefined);
      if (this.rootPid === undefined) return undefined;
      const pids = await processTreeAsync(this.rootPid).catch(() => [] as number[]);
      if (pids.length > 0) {
        const counts = await Promise.all(pids.map((p) => readdir(`/proc/${p}/fd`).then((f) => f.length, () => 0)));
        return counts.reduce((a, b) => a + b, 0);
      }
      this.rootPid = undefined; // restarted: a new root
    }
    return undefined;
  }
}
