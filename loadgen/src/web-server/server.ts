// The built-in web dashboard: a fastify server with a JSON API under /api/ and the static page
// from loadgen/web/. It needs no Prometheus and no Grafana: live figures come from the lab's own
// scrape of each target, result charts from the results folder.
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { rowColours } from '../draw/colours.js';
import { repoRoot } from '../core/manifest/repo-root.js';
import { describeExecutors } from '../executors/registry.js';
import { liveEvents } from '../observe/lab-events.js';
import { loadgenRegistry } from '../observe/loadgen-metrics.js';
import { LiveScraper, type ScrapeTarget } from '../observe/scraper.js';
import { LAB_WEB_PORT, portOffset } from '../runtime/ports.js';
import type { LabRuntime } from '../runtime/types.js';
import { listRunnables } from '../scenario/tour.js';
import type { LabStartup } from './lab-startup.js';
import { renderRegistries, webRegistry } from './lab-metrics.js';
import { BadRequest, ResultsStore } from './results-store.js';
import { allowedHostsFromEnv, originGuard } from './origin-guard.js';
import { RunController, type StartRun } from './run-controller.js';
import { scenarioRunnerFor } from './scenario-runner.js';

export interface WebServerOptions {
  /** The running lab; without one (and without `startup`) the page shows results only. */
  runtime?: LabRuntime;
  /**
   * The lab `lab up` is bringing up: the page shows its rows' start-up states (/api/lab) and
   * uses its runtime once it is there. Runs are refused until its verify is done.
   */
  startup?: LabStartup;
  /** Default: 8080 + LAB_PORT_OFFSET. 0 picks a free port. */
  port?: number;
  /** Default: $BIND or 127.0.0.1. */
  bind?: string;
  /** Where run folders live (results/). */
  resultsDir: string;
  /** Default: loadgen/scenarios. */
  scenariosDir?: string;
  /** How a scenario is run when the page asks; default: runScenario on `runtime`. Without either, POST /api/runs answers 503. */
  startRun?: StartRun;
  /** Registries served on /metrics besides the web server's own; default: the load generator's (lab_loadgen_*). */
  registries?: Registry[];
  /** Live scrape period (default 1000 ms). */
  scrapeIntervalMs?: number;
  /** Host names served besides loopback, IP literals and the bind address; default LAB_ALLOWED_HOSTS (origin-guard.ts). */
  allowedHosts?: string[];
}

export interface WebServer {
  url: string;
  port: number;
  app: FastifyInstance;
  live: LiveScraper;
  runs: RunController;
  close(): Promise<void>;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  // Read at each use: under `lab up` the server answers before the runtime exists.
  const current = (): LabRuntime | undefined => opts.runtime ?? opts.startup?.runtime;
  const scenariosDir = opts.scenariosDir ?? path.join(repoRoot(), 'loadgen', 'scenarios');
  const liveTargets = (): ScrapeTarget[] => (current()?.targets ?? []).map((t) => ({ name: t.name, metricsUrl: t.metricsUrl }));
  const live = new LiveScraper({ targets: liveTargets, intervalMs: opts.scrapeIntervalMs });
  const store = new ResultsStore(path.resolve(opts.resultsDir));
  const runs = new RunController({
    startRun: opts.startRun ?? (opts.runtime ? scenarioRunnerFor(opts.runtime) : undefined),
    scenariosDir,
    resultsDir: store.dir,
    runningTargets: () => (current()?.targets ?? []).map((t) => t.name),
    notReady: () => opts.startup?.notReadyReason(),
  });
  const ownRegistry = webRegistry(live);
  const registries = [ownRegistry, ...(opts.registries ?? [loadgenRegistry])];

  // Read before listening: a malformed colour table stops the lab with its error, not every page load.
  const colours = rowColours();
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof BadRequest ? err.statusCode : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    void reply.code(status).send({ error: err.message });
  });
  const bind = opts.bind ?? process.env.BIND ?? '127.0.0.1';
  // Before any route, static files included: another origin (DNS rebinding, a cross-site POST) gets 403.
  app.addHook('onRequest', originGuard({ bind, allowedHosts: opts.allowedHosts ?? allowedHostsFromEnv() }));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no such page or API: ${req.method} ${req.url}` });
  });

  await app.register(fastifyStatic, { root: path.join(repoRoot(), 'loadgen', 'web'), prefix: '/', index: ['index.html'] });
  const uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot'));
  await app.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false });

  app.get('/healthz', async () => 'ok');

  app.get('/metrics', async (_req, reply: FastifyReply) => {
    void reply.type(ownRegistry.contentType);
    return renderRegistries(registries);
  });

  app.get('/api/targets', async () => ({
    runtime: current()?.kind ?? null,
    targets: (current()?.targets ?? []).map((t) => ({
      name: t.name,
      model: t.manifest.model,
      language: t.manifest.language,
      reproduces: t.manifest.reproduces,
      concurrency_unit: t.manifest.concurrencyUnit ?? null,
      http_url: t.httpUrl,
    })),
    unavailable: current()?.unavailable ?? [],
    scrape_interval_ms: opts.scrapeIntervalMs ?? 1000,
    // The page colours rows (running or only in saved results) from the shared table.
    row_colours: colours,
  }));

  app.get('/api/live', async (req) => {
    const raw = (req.query as Record<string, unknown>).since;
    let since = 0;
    if (raw !== undefined) {
      since = Number(raw);
      if (typeof raw !== 'string' || raw === '' || !Number.isFinite(since) || since < 0) {
        throw new BadRequest(`since must be a time in ms since the epoch (a number >= 0), got ${JSON.stringify(raw)}`);
      }
    }
    // Scenario events in effect or recent, and the runtime's crashes and restarts (supervision): the live charts mark both.
    const life = (current()?.lifeEvents(since) ?? []).map((e) => ({ t: e.at_ms, kind: e.kind, service: e.service, label: `${e.service} ${e.kind}`, message: e.message }));
    return { now: Date.now(), series: live.series(since), events: [...liveEvents.since(since), ...life] };
  });

  // The start-up panel: rows' states while `lab up` starts and verifies them, and the default run.
  app.get('/api/lab', async () => {
    const snapshot = opts.startup?.snapshot();
    if (!snapshot) return { phase: current() ? 'ready' : 'none', rows: [], autorun: null, run: null };
    const run = runs.state();
    const autorunId = snapshot.autorun?.run_id;
    return { ...snapshot, now: Date.now(), run: autorunId !== null && autorunId !== undefined && 'id' in run && run.id === autorunId ? run : null };
  });

  // Which executors and step plugins exist and which view draws their results (the page draws /api/results' `view`).
  app.get('/api/executors', async () => describeExecutors());

  app.get('/api/scenarios', async () => ({
    scenarios: listRunnables(scenariosDir).map((s) => ({ name: s.name, description: s.description, executor: s.executor })),
  }));

  app.post('/api/runs', async (req, reply) => {
    const state = runs.start(req.body);
    void reply.code(202);
    return state;
  });
  app.get('/api/runs/current', async () => runs.state());

  app.get('/api/results', async () => ({ results: store.list() }));
  app.get('/api/results/:id', async (req) => store.get((req.params as { id: string }).id));
  app.get('/api/results/:id/files/:file', async (req, reply) => {
    const { id, file } = req.params as { id: string; file: string };
    const full = store.chartFile(id, file);
    // Served through @fastify/static's sendFile from the run folder (validated above).
    return reply.sendFile(path.basename(full), path.dirname(full));
  });
  app.get('/api/results/:id/report.html', async (req, reply) => {
    const full = store.reportFile((req.params as { id: string }).id);
    return reply.sendFile(path.basename(full), path.dirname(full));
  });
  app.get('/api/results/:id/parts/:part/files/:file', async (req, reply) => {
    const { id, part, file } = req.params as { id: string; part: string; file: string };
    const full = store.partChartFile(id, part, file);
    return reply.sendFile(path.basename(full), path.dirname(full));
  });
  app.get('/api/compare', async (req) => {
    const q = req.query as Record<string, unknown>;
    return store.compare(q.a, q.b);
  });

  const port = opts.port ?? LAB_WEB_PORT + portOffset();
  await app.listen({ host: bind, port });
  live.start();
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const host = bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
  return {
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    app,
    live,
    runs,
    async close() {
      await runs.stop();
      await live.stop();
      await app.close();
    },
  };
}
