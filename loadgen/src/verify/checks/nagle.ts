import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CheckGroup } from '../types.js';
import { httpRequest } from '../http-client.js';
import { echoUrl } from './expected.js';

const DELAY_MS = 20;
const REQUESTS = 30;
const ALLOWED_EXTRA_MS = 5;
const NAGLE_SIGNATURE_MS = 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(url: string, agent: http.Agent): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await httpRequest(url, { agent });
  return { ms: performance.now() - t0, status: res.status };
}

/**
 * Small writes on a keep-alive connection without TCP_NODELAY meet delayed ACKs and add
 * ~40 ms per request: invisible in a quick test, ruinous in a benchmark. The upstream is timed
 * the same way, interleaved, so that a busy machine (timer lag) is not mistaken for Nagle.
 */
export const nagleChecks: CheckGroup = async ({ target, upstream, record }) => {
  const targetAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = echoUrl(target, { text: 'nagle', delay_ms: String(DELAY_MS) });
  const floorUrl = `${upstream.httpUrl}/arrpi?text=nagle&delay_ms=${DELAY_MS}`;
  try {
    for (let i = 0; i < 2; i++) { await timed(url, targetAgent); await timed(floorUrl, upstreamAgent); } // connect, warm up
    const latencies: number[] = [];
    const floors: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const res = await timed(url, targetAgent);
      if (res.status !== 200) {
        record('nagle', 'fail', `request ${i + 1} answered ${res.status}`, url);
        return;
      }
      latencies.push(res.ms);
      floors.push((await timed(floorUrl, upstreamAgent)).ms);
    }
    const p50 = median(latencies);
    const floor = median(floors);
    const extra = p50 - DELAY_MS;
    const figure = `p50 ${p50.toFixed(1)} ms for delay_ms=${DELAY_MS} (+${extra.toFixed(1)} ms; the upstream alone: ${floor.toFixed(1)} ms) over ${REQUESTS} keep-alive requests`;
    if (extra <= ALLOWED_EXTRA_MS) record('nagle', 'pass', figure, url);
    else if (p50 - floor <= ALLOWED_EXTRA_MS) record('nagle', 'warn', `${figure}: the machine is slow right now (the upstream alone is late too), not Nagle`, url);
    // Delayed ACK holds a segment >= 40 ms on Linux: a smaller excess is slowness, not the trap.
    else if (p50 - floor <= NAGLE_SIGNATURE_MS) record('nagle', 'warn', `${figure}: slower than +${ALLOWED_EXTRA_MS} ms over the upstream, but short of the ~40 ms delayed-ACK signature (busy machine?)`, url);
    else record('nagle', 'fail', `${figure}: more than +${ALLOWED_EXTRA_MS} ms over both, look for Nagle/delayed ACK (set TCP_NODELAY)`, url);
  } finally {
    targetAgent.destroy();
    upstreamAgent.destroy();
  }
};
