import { performance } from 'node:perf_hooks';
import { latencyHistogram, latencyOf, recordMs, type LatencyHistogram } from '../load-common/histogram.js';
import { LineLoadConnection, openAll } from '../load-common/line-connection.js';
import { loadView } from '../load-common/view.js';
import { countKind, emptyErrors, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';
import type { StepErrors } from '../../model/results.js';

// The original protocol, as threadecho2.py's clients spoke it: N TCP connections, each looping
// send-line / await-answer (a closed model, like connections-sweep, without HTTP's overhead).
// Connections stay open from warmup into measure, as long-lived line clients do.

const ANSWER_TIMEOUT_MS = 10_000;

interface Tally {
  hist: LatencyHistogram;
  second: LatencyHistogram;
  requests: number;
  ok: number;
  okSecond: number;
  errors: StepErrors;
}

function newTally(): Tally {
  return { hist: latencyHistogram(), second: latencyHistogram(), requests: 0, ok: 0, okSecond: 0, errors: emptyErrors() };
}

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
    let tally = newTally();
    let running: Promise<void>[] = [];
    let stopAt = 0;

    const loop = async (i: number) => {
      while (!ctx.signal.aborted && performance.now() < stopAt) {
        let c = conns[i];
        if (!c || c.closed) {
          try {
            c = conns[i] = await LineLoadConnection.connect(line.host, line.port);
          } catch (err) {
            tally.errors.connection++;
            countKind(tally.errors, (err as { code?: string }).code ?? 'connect');
            ctx.timeline?.error('connection');
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
        }
        const t = performance.now();
        try {
          const answer = await c.ask(text, ANSWER_TIMEOUT_MS);
          const ms = performance.now() - t;
          tally.requests++;
          ctx.timeline?.response(ms, answer === expected, answer.startsWith('error:') ? 'error answer' : 'mismatch');
          if (answer === expected) {
            tally.ok++;
            tally.okSecond++;
            recordMs(tally.hist, ms);
            recordMs(tally.second, ms);
          } else if (answer.startsWith('error:')) {
            tally.errors.non2xx++;
            countKind(tally.errors, 'error answer');
          } else countKind(tally.errors, 'mismatch');
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'TIMEOUT') tally.errors.timeouts++;
          else tally.errors.connection++;
          countKind(tally.errors, code === 'TIMEOUT' ? 'timeout' : code ?? 'connection');
          ctx.timeline?.error(code === 'TIMEOUT' ? 'timeout' : 'connection');
        }
      }
    };

    const phase = async (seconds: number, live: boolean): Promise<Measurement> => {
      tally = newTally();
      const t0 = performance.now();
      stopAt = t0 + seconds * 1000;
      const ticker = live
        ? setInterval(() => {
            const l = latencyOf(tally.second);
            ctx.onLive({ rps: tally.okSecond, connections: conns.filter((c) => c && !c.closed).length, latencyMs: { p50: l.p50 ?? undefined, p90: l.p90 ?? undefined, p99: l.p99 ?? undefined } });
            tally.okSecond = 0;
            tally.second.reset();
          }, 1000)
        : undefined;
      running = conns.map((_, i) => loop(i));
      await Promise.all(running);
      clearInterval(ticker);
      return {
        requests: tally.requests,
        ok: tally.ok,
        durationS: (performance.now() - t0) / 1000,
        latencyMs: latencyOf(tally.hist),
        histogram: tally.hist,
        errors: tally.errors,
        loadgenThreads: 1,
        warnings: conns.some((c) => !c) ? [`only ${conns.filter(Boolean).length} of ${ctx.load} connections opened`] : [],
      };
    };

    return {
      warmup: async (seconds) => {
        if (seconds > 0) await phase(seconds, false);
      },
      measure: (seconds) => phase(seconds, true),
      close: async () => {
        for (const c of conns) c?.close();
      },
    };
  },
};
