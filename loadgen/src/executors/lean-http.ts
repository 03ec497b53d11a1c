import net from 'node:net';
import { latencyHistogram, recordMs, type LatencyHistogram } from './histogram.js';

// The connections-sweep's default client (`LAB_LOADGEN=lean`): closed model, HTTP/1.1
// keep-alive, one prebuilt request, and the least work per answer (find the head's end, read
// the status and the body's length, compare the body's bytes, write the next request).
// autocannon parses every answer in JavaScript (http-parser-js) and emits several events per
// answer: `npm run bench -- loadgen` on the 2-core VM measured 34-72 us of CPU per request for
// the bare autocannon CLI, 20-25 us here and 10-16 us for wrk.
// Timeouts are checked by one timer for every connection, not one timer per request.

export interface LeanOptions {
  url: string;
  connections: number;
  durationS: number;
  timeoutS: number;
  /** The body every 2xx answer must equal. */
  expectBody: string;
  signal: AbortSignal;
  /** Each 2xx answer with the right body, for the live per-second view. */
  onOk?(latencyMs: number): void;
}

export interface LeanResult {
  /** Answers received (any status). */
  requests: number;
  /** 2xx answers with the expected body. */
  ok: number;
  non2xx: number;
  mismatches: number;
  timeouts: number;
  connectionErrors: number;
  byStatus: Record<string, number>;
  /** Latency of the ok answers (us). */
  histogram: LatencyHistogram;
  durationS: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const RECONNECT_MS = 50;

export function runLean(o: LeanOptions): Promise<LeanResult> {
  const u = new URL(o.url);
  const request = Buffer.from(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: lab\r\nAccept: */*\r\n\r\n`, 'latin1');
  const expected = Buffer.from(o.expectBody);
  const port = Number(u.port || 80);
  const host = u.hostname;
  const r: LeanResult = { requests: 0, ok: 0, non2xx: 0, mismatches: 0, timeouts: 0, connectionErrors: 0, byStatus: {}, histogram: latencyHistogram(), durationS: 0 };
  const timeoutMs = o.timeoutS * 1000;
  let stopped = false;
  const conns: Conn[] = [];

  interface Conn { socket?: net.Socket; buf?: Buffer; sentAt: number; inFlight: boolean; connected: boolean }

  function open(c: Conn): void {
    if (stopped) return;
    const s = net.connect(port, host);
    c.socket = s;
    c.buf = undefined;
    c.connected = false;
    s.setNoDelay(true);
    s.on('connect', () => {
      c.connected = true;
      send(c);
    });
    s.on('data', (d: Buffer) => onData(c, s, d));
    s.on('error', () => {});
    s.on('close', () => {
      if (c.socket !== s) return;
      c.socket = undefined;
      if (stopped) return;
      // A connection refused, or lost with a request on it, is an error (retried after a
      // pause); a server that closes between answers (Connection: close) only costs a reconnect.
      const lost = c.inFlight || !c.connected;
      if (lost) r.connectionErrors++;
      c.inFlight = false;
      setTimeout(() => open(c), lost ? RECONNECT_MS : 0);
    });
  }

  function send(c: Conn): void {
    if (stopped || !c.socket) return;
    c.sentAt = performance.now();
    c.inFlight = true;
    c.socket.write(request);
  }

  function onData(c: Conn, s: net.Socket, d: Buffer): void {
    let buf = c.buf ? Buffer.concat([c.buf, d]) : d;
    for (;;) {
      const answer = parseAnswer(buf);
      if (answer === undefined) break;
      if (answer === null) {
        // Not HTTP as we know it: count it and start over on a new connection.
        r.connectionErrors++;
        c.inFlight = false;
        s.destroy();
        return;
      }
      const ms = performance.now() - c.sentAt;
      c.inFlight = false;
      r.requests++;
      const status = answer.status;
      if (status >= 200 && status < 300) {
        if (bodyEquals(buf, answer, expected)) {
          r.ok++;
          recordMs(r.histogram, ms);
          o.onOk?.(ms);
        } else r.mismatches++;
      } else {
        r.non2xx++;
        r.byStatus[status] = (r.byStatus[status] ?? 0) + 1;
      }
      buf = buf.subarray(answer.end);
      if (answer.close) {
        s.destroy();
        return;
      }
      send(c);
      if (buf.length === 0) break;
    }
    c.buf = buf.length ? Buffer.from(buf) : undefined;
  }

  return new Promise((resolve) => {
    const t0 = performance.now();
    for (let i = 0; i < o.connections; i++) {
      const c: Conn = { sentAt: 0, inFlight: false, connected: false };
      conns.push(c);
      open(c);
    }
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of conns) {
        if (c.inFlight && c.socket && now - c.sentAt > timeoutMs) {
          r.timeouts++;
          c.inFlight = false;
          c.socket.destroy();
        }
      }
    }, Math.min(1000, timeoutMs / 2));
    const done = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      o.signal.removeEventListener('abort', done);
      r.durationS = (performance.now() - t0) / 1000;
      for (const c of conns) c.socket?.destroy();
      resolve(r);
    };
    const timer = setTimeout(done, o.durationS * 1000);
    o.signal.addEventListener('abort', done, { once: true });
  });
}

interface Answer { status: number; bodyStart: number; bodyEnd: number; end: number; chunked: boolean; close: boolean }

/** One complete answer at the start of buf; undefined while incomplete, null when unparseable. */
function parseAnswer(buf: Buffer): Answer | null | undefined {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return buf.length > 65536 ? null : undefined;
  const head = buf.toString('latin1', 0, headEnd).toLowerCase();
  if (!head.startsWith('http/1.')) return null;
  const status = Number(head.slice(9, 12));
  if (!Number.isInteger(status)) return null;
  const close = head.startsWith('http/1.0') ? !/\r\nconnection:\s*keep-alive/.test(head) : /\r\nconnection:\s*close/.test(head);
  const bodyStart = headEnd + 4;
  const len = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (len) {
    const end = bodyStart + Number(len[1]);
    return buf.length < end ? undefined : { status, bodyStart, bodyEnd: end, end, chunked: false, close };
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
    const end = chunkedEnd(buf, bodyStart);
    return end === undefined ? undefined : { status, bodyStart, bodyEnd: end, end, chunked: true, close };
  }
  // No length: 1xx/204/304 have no body; anything else would be close-delimited, which a
  // keep-alive load generator does not measure.
  return status === 204 || status === 304 || status < 200 ? { status, bodyStart, bodyEnd: bodyStart, end: bodyStart, chunked: false, close } : null;
}

/** The offset just past a complete chunked body, or undefined while incomplete. */
function chunkedEnd(buf: Buffer, from: number): number | undefined {
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', lineEnd, 'latin1');
      return end < 0 ? undefined : end + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (at > buf.length) return undefined;
  }
}

function bodyEquals(buf: Buffer, a: Answer, expected: Buffer): boolean {
  if (!a.chunked) return a.bodyEnd - a.bodyStart === expected.length && buf.subarray(a.bodyStart, a.bodyEnd).equals(expected);
  // Chunked: join the chunks' data.
  const parts: Buffer[] = [];
  let at = a.bodyStart;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at, 'latin1');
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (size === 0) break;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts).equals(expected);
}
