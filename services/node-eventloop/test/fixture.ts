import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort, getOnce as get, sample, startService, waitUntil, type RunningService } from '@concurrency-lab/ts-common';

export { sample };

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

/** Status and body of a GET on a fresh connection (the tests compare the pair whole). */
export async function getOnce(url: string): Promise<{ status: number; body: string }> {
  const { status, body } = await get(url);
  return { status, body };
}

/** Polls the row's /metrics until `ok` holds (bounded; throws with the last values otherwise). */
export function waitForMetrics(baseUrl: string, ok: (m: string) => boolean, what: string, ms = 10_000): Promise<string> {
  const gauges = (m: string | undefined) => (m ?? '').split('\n').filter((l) => /^lab_(inflight|open)/.test(l)).join(' | ');
  return waitUntil(what, async () => (await getOnce(`${baseUrl}/metrics`)).body, ok, { ms, intervalMs: 25, show: gauges });
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
