import { performance } from 'node:perf_hooks';
import { sampleServer, type ServerSample } from '../../observe/server-sampler.js';
import { openFileLimit, FD_HEADROOM } from '../load-common/fd-limit.js';
import { idleView } from './view.js';
import { openAll } from '../load-common/line-connection.js';
import { emptyErrors, NO_LATENCY, type Executor, type Measurement, type StepContext, type StepRun } from '../common/executor.js';
import { sleep } from '../../core/sleep.js';

// What an idle connection costs: open N line-protocol connections, send nothing, and compare
// the server's memory, OS threads and concurrency units before and after. A thread per
// connection pays a stack; an event loop pays a socket and a little bookkeeping.

/** Time for the server to accept and settle (spawn threads, fork, allocate) before "after" is read. */
const SETTLE_MS = 1000;
const SETTLE_POLL_MS = 250;

export const idleConnections: Executor = {
  name: 'idle-connections',
  configSchema: {},
  view: idleView,
  loadUnit: 'connections',
  protocol: 'line',
  idealRps: () => null,
  // No warmup; the measure is the quiet wait (the floor) and the connections' wait, each settle + duration.
  plannedPhaseSeconds: (s) => ({ warmup: 0, measure: 2 * (SETTLE_MS / 1000 + s.durationS) }),
  preflight(ctx) {
    const limit = openFileLimit();
    if (limit !== undefined && ctx.load + FD_HEADROOM > limit) {
      return [`${ctx.load} connections need more file descriptors than this process may open (ulimit -n = ${limit}); opening ${Math.max(0, limit - FD_HEADROOM)} instead. Raise it with 'ulimit -n 65536' before 'lab run'.`];
    }
    return [];
  },
  async start(ctx: StepContext): Promise<StepRun> {
    const line = ctx.target.line;
    if (!line) throw new Error(`${ctx.target.name} has no line port`);
    const limit = openFileLimit();
    const n = limit === undefined ? ctx.load : Math.min(ctx.load, Math.max(0, limit - FD_HEADROOM));
    let conns: Awaited<ReturnType<typeof openAll>> = [];
    let before: ServerSample | undefined;
    return {
      warmup: async () => {},
      measure: async (seconds): Promise<Measurement> => {
        const t0 = performance.now();
        // The floor first: the same wait with no connection open, so that RSS drift (GC, the
        // allocator, the sampler's own scrapes) is measured and a per-connection figure below
        // it is never read as a cost (findings: "below the measurement's noise floor").
        const quiet = await sampleServer(ctx.runtime, ctx.target, 'line');
        await sleep(SETTLE_MS + seconds * 1000, ctx.signal);
        before = await sampleServer(ctx.runtime, ctx.target, 'line');
        conns = await openAll(line.host, line.port, n, ctx.signal);
        const open = () => conns.filter((c) => c && !c.closed).length;
        ctx.onLive({ rps: 0, connections: open() });
        await sleep(SETTLE_MS + seconds * 1000, ctx.signal);
        const after = await sampleServer(ctx.runtime, ctx.target, 'line');
        const opened = open();
        ctx.onLive({ rps: 0, connections: opened });
        const warnings: string[] = [];
        if (opened < ctx.load) warnings.push(`only ${opened} of ${ctx.load} idle connections were open at the end`);
        const errors = emptyErrors();
        errors.connection = ctx.load - opened;
        if (errors.connection) errors.by_kind['not open'] = errors.connection;
        return {
          requests: 0,
          ok: 0,
          durationS: (performance.now() - t0) / 1000,
          latencyMs: NO_LATENCY,
          errors,
          loadgenThreads: 1,
          warnings,
          fields: { idle_connections: { ...idleFigures(ctx.load, opened, before, after), ...floorFigures(opened, quiet, before) } },
        };
      },
      close: async () => {
        for (const c of conns) c?.close();
        if (before) await settled(ctx, before, conns.length);
      },
    };
  },
};

/**
 * Closing is part of what an idle connection costs (python-threads ends a thread per
 * connection), and the step's server counters are read after close(): wait until the
 * server's open line connections are back to where they were, or a bound passes.
 */
async function settled(ctx: StepContext, before: ServerSample, opened: number): Promise<void> {
  const baseline = before.openConnections;
  if (baseline === undefined || opened === 0) return;
  const deadline = performance.now() + Math.min(60_000, 5_000 + opened * 2);
  while (!ctx.signal.aborted && performance.now() < deadline) {
    const now = await sampleServer(ctx.runtime, ctx.target, 'line', false);
    if (now.openConnections !== undefined && now.openConnections <= baseline) return;
    await sleep(SETTLE_POLL_MS, ctx.signal);
  }
}

/** RSS drift over the quiet wait, and that drift spread over the connections opened after it (absolute: either sign is noise). */
function floorFigures(opened: number, quiet: ServerSample, before: ServerSample) {
  const drift = quiet.rssBytes === undefined || before.rssBytes === undefined ? null : before.rssBytes - quiet.rssBytes;
  return { rss_drift_bytes: drift, floor_bytes_per_connection: drift === null || opened === 0 ? null : Math.abs(drift) / opened };
}

function idleFigures(requested: number, opened: number, before: ServerSample, after: ServerSample) {
  const per = (a?: number, b?: number) => (a === undefined || b === undefined || opened === 0 ? null : (b - a) / opened);
  return {
    connections_requested: requested,
    connections_open: opened,
    rss_bytes_before: before.rssBytes ?? null,
    rss_bytes_after: after.rssBytes ?? null,
    threads_before: before.osThreads ?? null,
    threads_after: after.osThreads ?? null,
    units_before: before.concurrencyUnits ?? null,
    units_after: after.concurrencyUnits ?? null,
    bytes_per_connection: per(before.rssBytes, after.rssBytes),
    threads_per_connection: per(before.osThreads, after.osThreads),
  };
}
