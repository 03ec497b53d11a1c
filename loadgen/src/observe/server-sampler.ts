import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parsePrometheusText, sumOf, type Sample as PromSample } from '../core/prom-text.js';
import type { ServerUsage } from '../model/results.js';
import type { ContainerUsage, Endpoint, LabRuntime } from '../runtime/types.js';
import { summariseContainer } from '../runtime/docker/summary.js';
import { durationHistogram, serverLatency, type DurationHistogram } from './server-latency.js';
import type { LabCpuLedger } from './lab-cpu.js';
import { publishScrape } from './measure-focus.js';

// What a service spent during a measure phase, from two sources sampled every <= 500 ms: the
// runtime's OS view (runtime.stats: /proc tree or cgroup) is preferred because it counts every
// process; the service's own /metrics fills what the OS cannot know (concurrency units,
// request counters for the live rate) and stands in when the runtime has no stats.
// The sampler must stay cheap, since its CPU counts as the load generator's: /metrics is read
// every 500 ms over a kept-alive plain http connection (fetch costs ~10x more CPU per call);
// the runtime's /proc walk (~50 ms of CPU per call) runs at the start, the end and every 2 s.

export const SAMPLE_INTERVAL_MS = 500;
const STATS_EVERY_N_SAMPLES = 4;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export interface ServerSample {
  t: number;
  /** performance.now() when the sample was asked for: the instant its CPU figures describe (they are read first). */
  at?: number;
  /** This process's (the load generator's) user+system CPU seconds at `at`. */
  loadgenCpuSeconds?: number;
  cpuSeconds?: number;
  rssBytes?: number;
  osThreads?: number;
  contextSwitches?: number;
  concurrencyUnits?: number;
  /** lab_requests_total summed over outcomes, for the given protocol. */
  requests?: number;
  openConnections?: number;
  /** lab_inflight_requests for the protocol (the step timeline's in-flight column). */
  inflight?: number;
  /** Docker runtime only: the container's cgroup view (results: server.container). */
  container?: ContainerUsage;
  /** The row's request-duration histogram for the protocol (server.latency_ms). */
  latency?: DurationHistogram;
}

export async function sampleServer(runtime: LabRuntime, target: Endpoint, protocol: 'http' | 'line' = 'http', withStats = true, timeoutMs = 1000, ledger?: LabCpuLedger): Promise<ServerSample> {
  // Taken before the reads: a pass over /proc or a scrape under load can take seconds, and a
  // window timed from their ends would not be the one the CPU figures cover.
  const at = performance.now();
  const cpu = process.cpuUsage();
  const [stats, metrics] = await Promise.all([
    withStats ? runtime.stats(target.name).catch(() => undefined) : undefined,
    scrapeMetrics(target.metricsUrl, timeoutMs, ledger),
  ]);
  if (metrics) publishScrape(target.name, metrics);
  const m = (name: string, match = {}) => (metrics ? sumOf(metrics, name, match) : undefined);
  const ctxFromMetrics = m('lab_context_switches_total');
  return {
    t: Date.now(),
    at,
    loadgenCpuSeconds: (cpu.user + cpu.system) / 1e6,
    cpuSeconds: stats?.cpuSeconds ?? m('process_cpu_seconds_total'),
    rssBytes: stats?.rssBytes ?? m('process_resident_memory_bytes'),
    osThreads: stats?.osThreads ?? m('lab_os_threads'),
    // The row's own counter first: getrusage in the Python rows counts every thread, exited
    // ones too, where the /proc reader sees only live tasks (and reads them less often when
    // there are thousands).
    contextSwitches: ctxFromMetrics ?? (stats ? stats.contextSwitches.voluntary + stats.contextSwitches.involuntary : undefined),
    concurrencyUnits: m('lab_concurrency_units'),
    requests: m('lab_requests_total', { protocol }),
    openConnections: m('lab_open_connections', { protocol }),
    inflight: m('lab_inflight_requests', { protocol }),
    container: stats?.container,
    latency: metrics ? durationHistogram(metrics, protocol) : undefined,
  };
}

export function scrapeMetrics(url: string, timeoutMs: number, ledger?: LabCpuLedger): Promise<PromSample[] | undefined> {
  // The response's handlers and the parse are the scrape's CPU in this process: charged to sampling.
  const charge = <A extends unknown[]>(fn: (...a: A) => void) => (ledger ? ledger.wrap('sampling', fn) : fn);
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', charge((c: string) => (body += c)));
      res.on('end', charge(() => resolve(res.statusCode === 200 ? parsePrometheusText(body).samples : undefined)));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** Samples one target in the background until stop(); summarises peaks and deltas. */
export class ServerSampler {
  private readonly samples: ServerSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private ticks = 0;

  constructor(
    private readonly runtime: LabRuntime,
    private readonly target: Endpoint,
    private readonly protocol: 'http' | 'line' = 'http',
    private readonly onSample?: (s: ServerSample, prev: ServerSample | undefined) => void,
    /** intervalMs: the cadence (scrape-budget.ts cadenceFor; default SAMPLE_INTERVAL_MS); ledger: charges the scrapes to 'sampling'. */
    private readonly opts: { intervalMs?: number; ledger?: LabCpuLedger } = {},
  ) {}

  /** Scrapes of /metrics taken so far (the first and last included). */
  get scrapes(): number {
    return this.samples.length;
  }

  async start(): Promise<void> {
    await this.take();
    const tick = () => {
      // Never stack scrapes: a slow /metrics under load must not pile up requests.
      if (!this.inFlight) this.inFlight = this.take(++this.ticks % STATS_EVERY_N_SAMPLES === 0).finally(() => (this.inFlight = undefined));
    };
    const interval = this.opts.intervalMs ?? SAMPLE_INTERVAL_MS;
    // The second sample within SAMPLE_INTERVAL_MS whatever the cadence: a live rate from the
    // server's counter needs two, and live figures are due within the first second.
    this.first = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, interval);
    }, Math.min(interval, SAMPLE_INTERVAL_MS));
  }

  /**
   * What the first and last samples bracket: the wall seconds between them (the window the
   * server's counters cover) and the load generator's CPU seconds over that same window.
   * Undefined before two samples were taken.
   */
  bracket(): { realS: number; loadgenCpuS: number } | undefined {
    // The same two samples as the CPU delta in summarise(), when the server's CPU is known.
    const withCpu = this.samples.filter((s) => s.cpuSeconds !== undefined);
    const used = withCpu.length >= 2 ? withCpu : this.samples;
    const first = used[0];
    const last = used[used.length - 1];
    if (!first || !last || first === last || first.at === undefined || last.at === undefined) return undefined;
    return { realS: (last.at - first.at) / 1000, loadgenCpuS: (last.loadgenCpuSeconds ?? 0) - (first.loadgenCpuSeconds ?? 0) };
  }

  async stop(): Promise<ServerUsage> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.inFlight;
    // Not reported as live: this interval is cut short by the end of the load and would read as a drop to 0.
    await this.take(true, false);
    return summarise(this.samples);
  }

  private async take(withStats = true, notify = true): Promise<void> {
    const s = await sampleServer(this.runtime, this.target, this.protocol, withStats, 1000, this.opts.ledger);
    const prev = this.samples[this.samples.length - 1];
    this.samples.push(s);
    if (notify) this.onSample?.(s, prev);
  }
}

export function summarise(samples: ServerSample[]): ServerUsage {
  const peak = (f: (s: ServerSample) => number | undefined) => {
    const v = samples.map(f).filter((x): x is number => x !== undefined);
    return v.length ? Math.max(...v) : null;
  };
  const delta = (f: (s: ServerSample) => number | undefined) => {
    const v = samples.map(f).filter((x): x is number => x !== undefined);
    return v.length >= 2 ? Math.max(0, v[v.length - 1]! - v[0]!) : null;
  };
  return {
    cpu_seconds: delta((s) => s.cpuSeconds),
    rss_bytes_peak: peak((s) => s.rssBytes),
    os_threads_peak: peak((s) => s.osThreads),
    context_switches: delta((s) => s.contextSwitches),
    concurrency_units_peak: peak((s) => s.concurrencyUnits),
    ...withLatency(samples),
    ...withContainer(summariseContainer(samples.map((s) => s.container))),
  };
}

function withLatency(samples: ServerSample[]): Pick<ServerUsage, 'latency_ms'> {
  const h = samples.map((s) => s.latency).filter((x): x is DurationHistogram => x !== undefined);
  return h.length >= 2 ? { latency_ms: serverLatency(h[0]!, h[h.length - 1]!) } : {};
}

function withContainer(container: ReturnType<typeof summariseContainer>): Pick<ServerUsage, 'container'> {
  return container ? { container: { ...container } } : {};
}
