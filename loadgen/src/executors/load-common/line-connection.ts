import net from 'node:net';

// One line-protocol connection for load: send a line, wait for the answer line. Unlike the
// verify client it is built for many concurrent instances with as little work per line as
// possible (no per-line allocations beyond the answer string).

export class LineLoadConnection {
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | undefined;
  private closedWith: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      const nl = this.buffer.indexOf('\n');
      if (nl < 0 || !this.waiting) return;
      const line = this.buffer.slice(0, nl + 1);
      this.buffer = this.buffer.slice(nl + 1);
      const w = this.waiting;
      this.waiting = undefined;
      clearTimeout(w.timer);
      w.resolve(line);
    });
    const fail = (err: Error) => {
      this.closedWith ??= err;
      const w = this.waiting;
      this.waiting = undefined;
      if (w) {
        clearTimeout(w.timer);
        w.reject(this.closedWith);
      }
    };
    socket.on('error', (err) => fail(err));
    socket.on('close', () => fail(Object.assign(new Error('connection closed by the server'), { code: 'ECLOSED' })));
  }

  static connect(host: string, port: number, timeoutMs = 10_000): Promise<LineLoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new LineLoadConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Sends `text\n` and resolves with the answer line (with its `\n`). */
  ask(text: string, timeoutMs: number): Promise<string> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.socket.destroy();
        this.closedWith ??= Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' });
        reject(this.closedWith);
      }, timeoutMs);
      this.waiting = { resolve, reject, timer };
      this.socket.write(text + '\n');
    });
  }

  close(): void {
    this.closedWith ??= new Error('closed');
    this.socket.destroy();
  }
}

/** Connects in flight at once: thousands of simultaneous SYNs overflow a small accept backlog. */
const CONNECT_CONCURRENCY = 128;

/** N connections, CONNECT_CONCURRENCY at a time; a slot that fails stays undefined and is retried by its loop. */
export async function openAll(host: string, port: number, n: number, signal: AbortSignal): Promise<(LineLoadConnection | undefined)[]> {
  const out: (LineLoadConnection | undefined)[] = new Array(n).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < n && !signal.aborted) {
      const i = next++;
      try {
        out[i] = await LineLoadConnection.connect(host, port);
      } catch {
        out[i] = undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, n) }, worker));
  return out;
}
