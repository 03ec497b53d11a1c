import http from 'node:http';
import { loadgenRegistry } from './loadgen-metrics.js';

/**
 * /metrics of the load generator on its own port, for `lab run` without `lab up`. Resolves
 * with a closer, or with a note saying why not (port taken): never fails the run.
 */
export function serveLoadgenMetrics(port: number, host = '127.0.0.1'): Promise<{ close: () => Promise<void>; note: string }> {
  return new Promise((resolve) => {
    const server = http.createServer(async (req, res) => {
      if (req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only /metrics here\n');
        return;
      }
      try {
        const body = await loadgenRegistry.metrics();
        res.writeHead(200, { 'content-type': loadgenRegistry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`);
      }
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ close: async () => {}, note: `load generator metrics not served: port ${port} ${err.code === 'EADDRINUSE' ? 'is in use (a lab web server probably serves them)' : `failed: ${err.message}`}` });
    });
    server.listen(port, host, () => {
      server.unref();
      resolve({
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
        note: `load generator metrics on http://${host}:${port}/metrics`,
      });
    });
  });
}
