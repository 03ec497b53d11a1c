import { EventEmitter } from 'node:events';
import { Pool } from 'undici';

// The fetch every request makes: GET $UPSTREAM_URL/arrpi through one keep-alive pool. No cap
// on connections: a cap would become a hidden queue in front of the upstream, and the row
// must show what the event loop itself does with a thousand waiting requests.

export type FetchOutcome =
  | { ok: true; body: string }
  | { ok: false; kind: 'timeout' | 'upstream_error'; reason: string };

export interface UpstreamClient {
  translate(text: string, delayMs: number | undefined): Promise<FetchOutcome>;
  close(): Promise<void>;
}

export function createUpstreamClient(upstreamUrl: string, timeoutMs: number): UpstreamClient {
  const url = new URL(upstreamUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections: null,
    pipelining: 1,
    // The upstream keeps idle sockets 72 s; reuse ours long enough that a pause between
    // scenario steps does not mean reconnecting a thousand sockets.
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    // Our own timer below is exact; undici's coarse timers (about 1 s resolution above 1 s)
    // are only a backstop.
    headersTimeout: timeoutMs + 5_000,
    bodyTimeout: timeoutMs + 5_000,
    connect: { timeout: timeoutMs },
  });

  async function translate(text: string, delayMs: number | undefined): Promise<FetchOutcome> {
    let path = `${basePath}/arrpi?text=${encodeURIComponent(text)}`;
    if (delayMs !== undefined) path += `&delay_ms=${delayMs}`;
    // undici accepts an EventEmitter as its signal; an AbortController (an EventTarget plus
    // an AbortSignal) cost measurably more CPU per request, and only the 'abort' event is used.
    const abort = new TimeoutSignal();
    const timer = setTimeout(() => abort.fire(), timeoutMs);
    try {
      const res = await pool.request({ method: 'GET', path, signal: abort });
      const body = await res.body.text();
      if (res.statusCode < 200 || res.statusCode > 299) {
        return { ok: false, kind: 'upstream_error', reason: `upstream answered HTTP ${res.statusCode}` }; // contract.json upstream_failure
      }
      return { ok: true, body };
    } catch (err) {
      if (abort.fired) {
        return { ok: false, kind: 'timeout', reason: `upstream did not answer within ${timeoutMs} ms` };
      }
      return { ok: false, kind: 'upstream_error', reason: `upstream unreachable: ${describe(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  return { translate, close: () => pool.close() };
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(' ') || String(err);
}

/** The per-request timeout signal handed to undici: emits 'abort' once. */
class TimeoutSignal extends EventEmitter {
  fired = false;

  fire(): void {
    this.fired = true;
    this.emit('abort');
  }
}
