import type net from 'node:net';
import { CONTRACT, MAX_LINE_BYTES, parseEchoParams, type EchoParams, type LabMetrics, type Outcome } from '@concurrency-lab/ts-common';

// The plumbing of the line protocol, under the row's own handler (main.ts createLineServer:
// fetch, then reply): raw TCP cut into newline-terminated lines, each connection answered
// strictly in order, one line at a time (nodeserver.js wrote whatever each 'data' chunk
// fetched, in any order). Lines that arrive while one is being fetched wait in that
// connection's queue. Here too: the 64 KiB limit, text validation, the gauges, the outcome of
// each line, and the drain.

// MAX_LINE_BYTES and the answer to a longer line come from contract/contract.json (ts-common).
// A client pipelining faster than the upstream answers must not grow our memory unbounded:
// stop reading from it while this many lines wait, resume once the queue is short again.
const PAUSE_AT_QUEUED_LINES = 256;
const RESUME_AT_QUEUED_LINES = 16;
const NEWLINE = 0x0a;

export interface LineServer {
  server: net.Server;
  /** Stop accepting, let each connection finish the lines it has read, close them all. */
  drain(): Promise<void>;
}

type Item = Buffer | 'too-long';

/** Answers the current line once: counted, then written. */
export type Reply = (answer: string, outcome: Outcome) => void;
/** The row's job for one valid line: fetch, then reply(...). */
export type LineHandler = (params: EchoParams, reply: Reply) => Promise<void>;

/** Every open line connection of one server, for the drain. */
export class LineConnections {
  private readonly connections = new Set<LineConnection>();
  private draining = false;

  constructor(private readonly metrics: LabMetrics) {}

  /** Serves one accepted socket: each line, in order, through onLine. */
  serve(socket: net.Socket, onLine: LineHandler): void {
    const conn = new LineConnection(socket, onLine, this.metrics);
    this.connections.add(conn);
    socket.once('close', () => this.connections.delete(conn));
    if (this.draining) conn.finish();
  }

  serving(server: net.Server): LineServer {
    return {
      server,
      drain: async () => {
        this.draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const conn of this.connections) conn.finish();
        await closed;
      },
    };
  }
}

class LineConnection {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private readonly queue: Item[] = [];
  private processing = false;
  /** No more input will be read: the client ended, sent a too-long line, or we are draining. */
  private inputDone = false;
  private closed = false;
  private readonly open;
  private readonly inflight;

  constructor(
    private readonly socket: net.Socket,
    private readonly onLine: LineHandler,
    private readonly metrics: LabMetrics,
  ) {
    this.open = metrics.openConnections.labels('line');
    this.inflight = metrics.inflight.labels('line');
    this.open.inc();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    // A reset by the client is the client's business; it must not crash the service.
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.closed = true;
      this.queue.length = 0;
      this.open.dec();
    });
  }

  /** Used when the service shuts down: answer what was read, then close. */
  finish(): void {
    this.stopReading();
    this.endIfIdle();
  }

  private onData(chunk: Buffer): void {
    if (this.inputDone) return;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.partialBytes + piece.length > MAX_LINE_BYTES) return this.tooLong();
      this.enqueue(this.partialBytes === 0 ? piece : Buffer.concat([...this.partial, piece]));
      this.partial = [];
      this.partialBytes = 0;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (this.partialBytes + rest.length > MAX_LINE_BYTES) return this.tooLong();
      this.partial.push(rest);
      this.partialBytes += rest.length;
    }
  }

  private onEnd(): void {
    // A last line without its newline is still a line (readline() in the originals returns it).
    if (!this.inputDone && this.partialBytes > 0) this.enqueue(Buffer.concat(this.partial));
    this.partial = [];
    this.inputDone = true;
    this.endIfIdle();
  }

  private tooLong(): void {
    this.queue.push('too-long');
    this.stopReading();
    void this.run();
  }

  private stopReading(): void {
    this.inputDone = true;
    this.partial = [];
    this.socket.pause();
  }

  private enqueue(line: Buffer): void {
    this.queue.push(line);
    if (this.queue.length >= PAUSE_AT_QUEUED_LINES) this.socket.pause();
    void this.run();
  }

  private endIfIdle(): void {
    if (this.inputDone && !this.processing && this.queue.length === 0 && !this.closed) this.socket.end();
  }

  /** The per-connection loop: one line at a time, answers in arrival order. */
  private async run(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue.shift()!;
        if (!this.inputDone && this.queue.length <= RESUME_AT_QUEUED_LINES) this.socket.resume();
        if (item === 'too-long') {
          this.metrics.recordRequest('line', 'bad_request', 0);
          this.socket.end(CONTRACT.line_protocol.line_too_long);
          this.queue.length = 0;
          return;
        }
        await this.answer(item);
      }
    } finally {
      this.processing = false;
      this.endIfIdle();
    }
  }

  /** One line: validated here, then the row's handler, whose reply leaves in a single write. */
  private async answer(raw: Buffer): Promise<void> {
    const t0 = performance.now();
    this.inflight.inc();
    let replied = false;
    const reply: Reply = (answer, outcome) => {
      if (replied) return;
      replied = true;
      this.inflight.dec();
      this.metrics.recordRequest('line', outcome, (performance.now() - t0) / 1000);
      if (!this.closed && this.socket.writable) this.socket.write(answer);
    };
    try {
      // Invalid UTF-8 becomes U+FFFD: answered, never fatal.
      let text = raw.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text === '') return reply(CONTRACT.line_protocol.empty_line, 'bad_request'); // as over HTTP
      const parsed = parseEchoParams({ text });
      if (!parsed.ok) return reply(`error: ${parsed.reason}\n`, 'bad_request');
      await this.onLine(parsed.value, reply);
    } catch (err) {
      process.stderr.write(`line handler failed: ${(err as Error).stack ?? String(err)}\n`);
    } finally {
      reply('error: internal error\n', 'upstream_error'); // only if the handler did not
    }
  }
}
