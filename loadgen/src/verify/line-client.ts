import net from 'node:net';

/** A line-protocol client: write lines, read answers one line at a time, see the close. */
export class LineConnection {
  private buffer = Buffer.alloc(0);
  private closed = false;
  private error: Error | undefined;
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: net.Socket, readonly address: string) {
    socket.on('data', (d: Buffer) => { this.buffer = Buffer.concat([this.buffer, d]); this.wake(); });
    socket.on('end', () => { this.closed = true; this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', (err) => { this.error = err; this.closed = true; this.wake(); });
  }

  static connect(host: string, port: number, timeoutMs = 3000): Promise<LineConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connect to ${host}:${port} timed out`)); }, timeoutMs);
      socket.once('connect', () => { clearTimeout(timer); resolve(new LineConnection(socket, `tcp://${host}:${port}`)); });
      socket.once('error', (err) => { clearTimeout(timer); reject(err); });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return true;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next line including its '\n'; rejects when the connection closes or nothing comes. */
  async readLine(timeoutMs = 5000): Promise<string> {
    await this.until(() => this.buffer.includes(10) || this.closed, timeoutMs);
    const nl = this.buffer.indexOf(10);
    if (nl < 0) {
      const partial = this.buffer.length > 0 ? ` (got ${this.buffer.length} bytes without a newline)` : '';
      if (this.closed) throw new Error(`connection closed before a full line${this.error ? `: ${this.error.message}` : ''}${partial}`);
      throw new Error(`no line within ${timeoutMs} ms${partial}`);
    }
    const line = this.buffer.subarray(0, nl + 1).toString('utf8');
    this.buffer = this.buffer.subarray(nl + 1);
    return line;
  }

  /** Whether the server closed the connection within timeoutMs. */
  waitClosed(timeoutMs = 3000): Promise<boolean> {
    return this.until(() => this.closed, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
