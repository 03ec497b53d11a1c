import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, startService, type RunningService } from '@concurrency-lab/ts-common';

// Real processes for the tests: the upstream and node-eventloop on free ports.

const UPSTREAM_MAIN = fileURLToPath(new URL('../../../upstream/dist/src/main.js', import.meta.url));
const ROW_MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

export async function startUpstream(env: Record<string, string> = {}): Promise<RunningService> {
  const port = await freePort();
  return startService({ args: [UPSTREAM_MAIN], port, env: { PORT: String(port), ...env } });
}

export interface Row {
  svc: RunningService;
  linePort: number;
}

export async function startRow(upstreamUrl: string, env: Record<string, string> = {}): Promise<Row> {
  const port = await freePort();
  const linePort = await freePort();
  const svc = await startService({
    args: [ROW_MAIN],
    port,
    env: { PORT: String(port), LINE_PORT: String(linePort), UPSTREAM_URL: upstreamUrl, ...env },
  });
  return { svc, linePort };
}

/** GET on a fresh connection that closes afterwards, so it leaves no keep-alive socket behind. */
export function getOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** The value of one sample of the exposition, e.g. metric('lab_inflight_requests', 'protocol="http"'). */
export function sample(exposition: string, name: string, labelPart = ''): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(labelPart)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Polls the row's /metrics until `ok` holds (bounded; throws with the last values otherwise). */
export async function waitForMetrics(baseUrl: string, ok: (m: string) => boolean, what: string, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    last = (await getOnce(`${baseUrl}/metrics`)).body;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  const gauges = last.split('\n').filter((l) => /^lab_(inflight|open)/.test(l));
  throw new Error(`timed out waiting for ${what}; last: ${gauges.join(' | ')}`);
}

/** Sends bytes on a new line-protocol connection, half-closes, and returns all it got until close. */
export function lineExchange(port: number, payload: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.end(payload));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** A line connection kept open: send lines, await a given number of answer lines. */
export class LineClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      this.buffer += c;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new LineClient(s)));
      s.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next n answer lines (each without its newline). */
  async lines(n: number): Promise<string[]> {
    for (;;) {
      const parts = this.buffer.split('\n');
      if (parts.length - 1 >= n) {
        const out = parts.slice(0, n);
        this.buffer = parts.slice(n).join('\n');
        return out;
      }
      if (this.closed) throw new Error(`connection closed after ${parts.length - 1} of ${n} lines: ${this.buffer}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves when the server has closed the connection. */
  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): void {
    this.socket.destroy();
  }
}
