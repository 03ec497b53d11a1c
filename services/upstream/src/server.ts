import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import client from 'prom-client';
import { arrpiHandler, isArrpi } from './arrpi.js';
import { applyPatch, type UpstreamConfig } from './upstream-config.js';

// The upstream must never be the bottleneck of a measurement: no per-request logging, long
// keep-alive (load generators hold connections for whole steps), no request timeouts, and
// only pre-resolved counters on the hot path.

export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export interface UpstreamServer {
  app: FastifyInstance;
  /** The live config (tests and main read it; only /admin/config changes it). */
  config(): UpstreamConfig;
}

export function buildUpstream(initial: UpstreamConfig): UpstreamServer {
  let config = initial;
  const metrics = upstreamMetrics();
  const handleArrpi = arrpiHandler(() => config, { requests: metrics.byStatus, inflight: metrics.inflight });
  const app = Fastify({
    logger: false,
    // SIGTERM closes idle keep-alive sockets at once and lets busy ones finish their answer.
    forceCloseConnections: 'idle',
    serverFactory: (fastifyHandler) => {
      const server = http.createServer(
        {
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
          // Node's default (60 s) would cut keep-alive connections the keepAliveTimeout allows.
          headersTimeout: KEEP_ALIVE_TIMEOUT_MS + 5_000,
          requestTimeout: 0,
          noDelay: true,
        },
        (req, res) => {
          if (isArrpi(req.url!)) handleArrpi(req, res);
          else fastifyHandler(req, res);
        },
      );
      server.maxRequestsPerSocket = 0;
      return server;
    },
  });

  // Every error fastify raises itself (bad JSON, wrong content type, body too large) is
  // answered as one plain-text line like our own 400s.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    metrics.byStatus(status).inc();
    void reply.code(status).type('text/plain; charset=utf-8').send(`${oneLine(err.message)}\n`);
  });
  app.setNotFoundHandler((req, reply) => {
    metrics.byStatus(404).inc();
    void reply.code(404).type('text/plain; charset=utf-8').send(`no route ${req.method} ${req.url.split('?')[0]}\n`);
  });

  app.get('/admin/config', async () => config);
  app.post('/admin/config', async (req, reply) => {
    const result = applyPatch(config, req.body);
    if (!result.ok) return reply.code(400).type('text/plain; charset=utf-8').send(`${result.reason}\n`);
    config = result.config;
    metrics.setConfig(config);
    return config;
  });

  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  metrics.setConfig(config);
  return { app, config: () => config };
}

function upstreamMetrics() {
  const registry = new client.Registry();
  registry.setDefaultLabels({ impl: 'upstream' });
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new client.Counter({
    name: 'upstream_requests_total',
    help: 'Answered upstream requests by HTTP status.',
    labelNames: ['status'] as const,
    registers,
  });
  const children = new Map<number, client.Counter.Internal>();
  for (const s of [200, 400, 404, 500]) children.set(s, requests.labels(String(s)));
  // A plain number on the hot path; prom-client reads it only when /metrics is scraped.
  const inflight = { count: 0 };
  new client.Gauge({
    name: 'upstream_inflight_requests',
    help: 'Requests waiting out their delay.',
    registers,
    collect() {
      this.set(inflight.count);
    },
  });
  const configGauge = new client.Gauge({
    name: 'upstream_config',
    help: 'Current run-time defaults (POST /admin/config).',
    labelNames: ['key'] as const,
    registers,
  });
  return {
    registry,
    inflight,
    byStatus(status: number) {
      let c = children.get(status);
      if (!c) children.set(status, (c = requests.labels(String(status))));
      return c;
    },
    setConfig(c: UpstreamConfig) {
      for (const [k, v] of Object.entries(c)) configGauge.set({ key: k }, v);
    },
  };
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
