import net from 'node:net';
import { sumOf } from '../../core/prom-text.js';
import type { CheckGroup } from '../types.js';
import { scrape } from './metrics.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gauges(target: Parameters<CheckGroup>[0]['target']): Promise<{ inflight: number; open: number }> {
  const { samples } = await scrape(target);
  return {
    inflight: sumOf(samples, 'lab_inflight_requests', { protocol: 'http' }) ?? NaN,
    open: sumOf(samples, 'lab_open_connections', { protocol: 'http' }) ?? NaN,
  };
}

/** A client that hangs up mid-request must leave the in-flight and connection gauges as they were. */
export const disconnectChecks: CheckGroup = async ({ target, record }) => {
  const url = `${target.httpUrl}/echo?text=disconnect&delay_ms=500`;
  const before = await gauges(target);
  if (Number.isNaN(before.inflight) || Number.isNaN(before.open)) {
    record('disconnect.no-leak', 'fail', 'lab_inflight_requests / lab_open_connections {protocol="http"} missing: cannot tell', target.metricsUrl);
    return;
  }
  const { hostname, port } = new URL(target.httpUrl);
  await new Promise<void>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET /echo?text=disconnect&delay_ms=500 HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      setTimeout(() => { socket.destroy(); resolve(); }, 100);
    });
    socket.on('error', () => resolve());
  });
  await sleep(500 + 200);
  const deadline = Date.now() + 3000;
  let after = await gauges(target);
  while ((after.inflight > before.inflight || after.open > before.open) && Date.now() < deadline) {
    await sleep(200);
    after = await gauges(target);
  }
  if (after.inflight <= before.inflight && after.open <= before.open) {
    record('disconnect.no-leak', 'pass', `in-flight ${after.inflight}, open connections ${after.open} (as before)`, url);
  } else {
    record('disconnect.no-leak', 'fail', `3 s after the request should have ended: in-flight ${before.inflight} -> ${after.inflight}, open connections ${before.open} -> ${after.open}`, url);
  }
};
