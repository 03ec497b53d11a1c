import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { parseEchoParams, type Query } from '@concurrency-lab/ts-common';
import { translate } from './translate.js';
import type { UpstreamConfig } from './upstream-config.js';

// GET /arrpi on plain node:http rather than through fastify's router: it is the one hot path
// of the whole lab (every request of every row lands here), and skipping the framework
// saves about a third of the CPU per request, measured. The rest of the routes use fastify.

export interface ArrpiCounters {
  answered(status: number): void;
  waiting(delta: 1 | -1): void;
}

const TEXT_HEADERS = { 'content-type': 'text/plain; charset=utf-8' };

/** True when the request is for /arrpi (any method: a non-GET gets its 405 here). */
export function isArrpi(url: string): boolean {
  return url === '/arrpi' || url.startsWith('/arrpi?');
}

export function handleArrpi(
  req: IncomingMessage,
  res: ServerResponse,
  config: () => UpstreamConfig,
  counters: ArrpiCounters,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, counters, 405, `method ${req.method} not allowed on /arrpi, use GET\n`);
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const parsed = parseEchoParams((q < 0 ? {} : parseQuery(url.slice(q + 1))) as Query);
  if (!parsed.ok) return send(res, counters, 400, `${parsed.reason}\n`);

  const { delay_ms, jitter_ms, error_rate } = config();
  const delay = (parsed.value.delayMs ?? delay_ms) + (jitter_ms > 0 ? Math.floor(Math.random() * (jitter_ms + 1)) : 0);
  const text = parsed.value.text;
  counters.waiting(1);
  setTimeout(() => {
    counters.waiting(-1);
    if (error_rate > 0 && Math.random() < error_rate) {
      send(res, counters, 500, 'arr, the upstream failed (injected error)\n');
    } else {
      send(res, counters, 200, translate(text));
    }
  }, delay);
}

function send(res: ServerResponse, counters: ArrpiCounters, status: number, body: string): void {
  counters.answered(status);
  // A client that went away during the delay: nothing to answer, nothing to clean up.
  if (res.destroyed) return;
  res.writeHead(status, { ...TEXT_HEADERS, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
