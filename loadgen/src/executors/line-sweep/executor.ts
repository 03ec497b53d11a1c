import { performance } from 'node:perf_hooks';
import { sleep } from '../../core/sleep.js';
import { WindowTally } from '../load-common/window-tally.js';
import { LineLoadConnection, openAll } from '../load-common/line-connection.js';
import { loadView } from '../load-common/view.js';
import type { Executor, Measurement, StepContext, StepRun } from '../common/executor.js';

// The original protocol, as threadecho2.py's clients spoke it: N TCP connections, each looping
// send-line / await-answer (a closed model, like connections-sweep, without HTTP's overhead).
// Connections stay open and busy from warmup into measure, as long-lived line clients do.

const ANSWER_TIMEOUT_MS = 10_000;

export const lineSweep: Executor = {
  name: 'line-sweep',
  configSchema: {},
  view: loadView,
  loadUnit: 'connections',
  protocol: 'line',
  idealRps: (connections, delayMs) => (delayMs > 0 ? connections / (delayMs / 1000) : null),
  async start(ctx: StepContext): Promise<StepRun> {
    const line = ctx.target.line;
    if (!line) throw new Error(`${ctx.target.name} has no line port`);
    const text = ctx.scenario.request.text;
    const probe = await LineLoadConnection.connect(line.host, line.port);
    const expected = await probe.ask(text, ANSWER_TIMEOUT_MS).finally(() => probe.close());
    if (!expected.startsWith('echo: ')) throw new Error(`${ctx.target.name} answered the line '${text}' with '${expected.trim()}' instead of 'echo: ...'`);

    const conns: (LineLoadConnection | undefined)[] = await openAll(line.host, line.port, ctx.load, ctx.signal);
    // The loops run once, from warmup through measure: the measure window opens on busy
    // connections and counts what completes inside it (load-common/window-tally.ts).
    let window: WindowTally | undefined;
    // After the measure window the loops finish their last asks: those answers count nowhere.
    let timeline = ctx.timeline;
    let running: Promise<void>[] | undefined;
    let stopAt = 0;

    const loop = async (i: number) => {
      while (!ctx.signal.aborted && performance.now() < stopAt) {
        let c = conns[i];
        if (!c || c.closed) {
          try {
            c = conns[i] = await LineLoadConnection.connect(line.host, line.port);
          } catch (err) {
            window?.error((err as { code?: string }).code ?? 'connect');
            timeline?.error('connection');
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
        }
        const t = performance.now();
        try {
          const answer = await c.ask(text, ANSWER_TIMEOUT_MS);
          const ms = performance.now() - t;
          const kind = answer === expected ? undefined : answer.startsWith('error:') ? 'error answer' : 'mismatch';
          timeline?.response(ms, kind === undefined, kind);
          window?.response(ms, kind === undefined, kind);
        } catch (err) {
          const code = (err as { code?: string }).code;
          window?.error(code === 'TIMEOUT' ? 'timeout' : code ?? 'connection');
          timeline?.error(code === 'TIMEOUT' ? 'timeout' : 'connection');
        }
      }
    };
    /** Keeps the loops running until `until` (performance.now() ms). */
    const runUntil = (until: number) => {
      stopAt = until;
      running ??= conns.map((_, i) => loop(i));
    };

    const measure = async (seconds: number): Promise<Measurement> => {
      const tally = (window = new WindowTally(ANSWER_TIMEOUT_MS));
      runUntil(performance.now() + seconds * 1000);
      const ticker = setInterval(() => ctx.onLive(tally.live(conns.filter((c) => c && !c.closed).length)), 1000);
      await sleep(seconds * 1000, ctx.signal);
      clearInterval(ticker);
      tally.close();
      timeline = undefined;
      const m = tally.measurement();
      return { ...m, warnings: conns.some((c) => !c) ? [`only ${conns.filter(Boolean).length} of ${ctx.load} connections opened`] : [] };
    };

    return {
      warmup: async (seconds) => {
        if (seconds <= 0) return;
        // Bounded even if measure never comes: warmup, the scenario's measure and a margin.
        runUntil(performance.now() + (seconds + ctx.scenario.durationS + 30) * 1000);
        await sleep(seconds * 1000, ctx.signal);
      },
      measure,
      close: async () => {
        stopAt = 0;
        for (const c of conns) c?.close();
        await Promise.all(running ?? []);
      },
    };
  },
};
