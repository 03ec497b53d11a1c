import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { echoPath } from '../load-common/echo-request.js';
import type { WindowTally } from '../load-common/window-tally.js';
import type { StepContext } from '../common/executor.js';

// The heavy class: one /echo with cpu_ms every `everyMs`, at a fixed rate (open model: a slow
// answer does not delay the next one), on connections of its own (a keep-alive agent, never
// the light ones). Each answer goes to the open window, if any.

export class HeavyStream {
  window: WindowTally | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight = new Set<Promise<void>>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly url: string;

  constructor(private readonly ctx: StepContext, cpuMs: number, private readonly everyMs: number, private readonly expectBody: string, private readonly timeoutMs: number) {
    this.url = ctx.target.httpUrl + echoPath({ ...ctx.scenario.request, cpu_ms: cpuMs });
  }

  start(): void {
    if (this.timer || this.everyMs <= 0) return;
    this.send();
    this.timer = setInterval(() => this.send(), this.everyMs);
  }

  /** Stops sending and waits for the requests still out (bounded by their timeout). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inflight]);
  }

  close(): void {
    clearInterval(this.timer);
    this.agent.destroy();
  }

  private send(): void {
    if (this.ctx.signal.aborted) return;
    const p = this.once().finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private once(): Promise<void> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = http.get(this.url, { agent: this.agent, timeout: this.timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status <= 299;
          if (ok && body !== this.expectBody) {
            this.window?.response(ms, true);
            this.window?.mismatch();
          } else this.window?.response(ms, ok, ok ? undefined : `status ${status}`);
          resolve();
        });
        res.on('error', () => { this.window?.error('connection'); resolve(); });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => { this.window?.error(/timed out/.test(err.message) ? 'timeout' : 'connection'); resolve(); });
    });
  }
}
