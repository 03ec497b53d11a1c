import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { parseEchoParams, type Query } from '@concurrency-lab/ts-common';
import { translate } from './translate.js';
import type { UpstreamConfig } from './upstream-config.js';

// GET /arrpi on plain node:http rather than through fastify's router: it is the one hot path
// of the whole lab (every request of every row lands here), and skipping the framework
// saves about a third of the CPU per request, measured. The rest of the routes use fastify.
// Within it, everything that depends only on the URL (query parsing, validation, the
// translation, the response headers) is computed once per distinct URL and reused: load
// generators send the same few URLs over and over, and that work was a sixth of the
// upstream's CPU per request (profiled with --cpu-prof under `npm run bench -- upstream`).

export interface ArrpiMetrics {
  /** The upstream_requests_total child for a status, resolved once (not per request). */
  requests(status: number): { inc(): void };
  /** Requests waiting out their delay; a plain number the gauge reads at scrape time. */
  inflight: { count: number };
}

/** What a valid /arrpi URL asks for, with its 200 answer ready to send. */
interface PreparedRequest {
  delayMs: number | undefined;
  body: string;
  /** writeHead's flat header list; node reads it without copying or mutating it. */
  headers: string[];
}

const CONTENT_TYPE = 'text/plain; charset=utf-8';
// Bounds the memo's memory (URLs are at most ~12 KiB, a translation about as much): when
// full it is emptied and refilled, which a workload of a few repeated URLs never notices.
const PREPARED_MAX = 512;

/** True when the request is for /arrpi (any method: a non-GET gets its 405 here). */
export function isArrpi(url: string): boolean {
  return url === '/arrpi' || url.startsWith('/arrpi?');
}

/** The /arrpi handler, with its own memo of prepared URLs and pre-resolved counters. */
export function arrpiHandler(
  config: () => UpstreamConfig,
  metrics: ArrpiMetrics,
): (req: IncomingMessage, res: ServerResponse) => void {
  const prepared = new Map<string, PreparedRequest>();
  const ok = metrics.requests(200);
  const failed = metrics.requests(500);
  const inflight = metrics.inflight;
  const injectedBody = 'arr, the upstream failed (injected error)\n';
  const injectedHeaders = textHeaders(injectedBody);

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, metrics.requests(405), 405, `method ${req.method} not allowed on /arrpi, use GET\n`);
    }
    const url = req.url!;
    let p = prepared.get(url);
    if (p === undefined) {
      const q = url.indexOf('?');
      const parsed = parseEchoParams((q < 0 ? {} : parseQuery(url.slice(q + 1))) as Query);
      if (!parsed.ok) return send(res, metrics.requests(400), 400, `${parsed.reason}\n`);
      if (prepared.size >= PREPARED_MAX) prepared.clear();
      const body = translate(parsed.value.text);
      p = { delayMs: parsed.value.delayMs, body, headers: textHeaders(body) };
      prepared.set(url, p);
    }

    const { delay_ms, jitter_ms, error_rate } = config();
    const delay = (p.delayMs ?? delay_ms) + (jitter_ms > 0 ? Math.floor(Math.random() * (jitter_ms + 1)) : 0);
    const answer = p;
    inflight.count++;
    setTimeout(() => {
      inflight.count--;
      if (error_rate > 0 && Math.random() < error_rate) {
        failed.inc();
        // A client that went away during the delay: nothing to answer, nothing to clean up.
        if (!res.destroyed) res.writeHead(500, injectedHeaders).end(injectedBody);
      } else {
        ok.inc();
        if (!res.destroyed) res.writeHead(200, answer.headers).end(answer.body);
      }
    }, delay);
  };
}

function textHeaders(body: string): string[] {
  return ['Content-Type', CONTENT_TYPE, 'Content-Length', String(Buffer.byteLength(body))];
}

function send(res: ServerResponse, counter: { inc(): void }, status: number, body: string): void {
  counter.inc();
  if (res.destroyed) return;
  res.writeHead(status, textHeaders(body)).end(body);
}
