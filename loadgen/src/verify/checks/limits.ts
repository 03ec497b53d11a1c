import net from 'node:net';
import { CONTRACT, LIMITS } from '@concurrency-lab/contract-ts';
import { sumOf } from '../../core/prom-text.js';
import type { Endpoint } from '../../runtime/types.js';
import type { CheckContext, CheckGroup } from '../types.js';
import { show } from '../http-client.js';
import { LineConnection } from '../line-client.js';
import { scrape } from './metrics.js';

// The contract's limits on a request (contract/README.md, "Limits"), one probe on each side of
// each: header fields under the limit are answered, over it 431 (one big field, or many); a
// Content-Length over the body limit 413; neither counted in lab_requests_total. On the line
// protocol: an empty line gets the contract's `error: text is required`, and it and a
// too-long line each count one bad_request. Probes are 1 KiB from the limit: servers count a
// field's bytes slightly differently (CRLF, a duplicate merged), never by a kilobyte.

const MARGIN = 1024;
const FIELDS = LIMITS.header_fields_max_bytes;

interface RawAnswer { status: number; statusLine: string; body: string }

/** One request written as raw bytes (the client must not refuse what it sends). */
function rawRequest(target: Endpoint, head: string, body = '', timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(target.httpUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      const text = data.toString('latin1');
      const statusLine = text.split('\r\n', 1)[0] ?? '';
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (status === 0 && err) return reject(err);
      const [headers = '', rest = ''] = splitOnce(text, '\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? NaN);
      resolve({ status, statusLine, body: Number.isNaN(length) ? rest : rest.slice(0, length) });
    };
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (complete(data)) finish();
    });
    socket.on('error', (err) => finish(err)); // EPIPE/ECONNRESET after a refusal: the answer may be in
    socket.on('close', () => finish(new Error('closed without an answer')));
    socket.write(head);
    // A row that refuses on the Content-Length answers at once and closes: writing the body
    // then would make the kernel reset the connection and lose the answer. One that reads the
    // body first (Twisted) hears nothing until it has it.
    if (body) setTimeout(() => { if (data.length === 0 && !socket.destroyed) socket.write(body, () => {}); }, 1000);
  });
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

function complete(data: Buffer): boolean {
  const text = data.toString('latin1');
  const [headers, rest] = splitOnce(text, '\r\n\r\n');
  if (rest === '' && !text.includes('\r\n\r\n')) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(headers)?.[1];
  return length !== undefined && Buffer.byteLength(rest, 'latin1') >= Number(length);
}

function head(target: Endpoint, fields: string[]): string {
  return `GET /echo?text=limits HTTP/1.1\r\nHost: ${new URL(target.httpUrl).host}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
}

/** `count` fields of about `bytes` bytes in all, counted as `name: value\r\n`. */
function fieldsOf(bytes: number, count: number): string[] {
  const each = Math.floor(bytes / count);
  return Array.from({ length: count }, (_, i) => { const name = `X-Lab-Probe-${i}`; return `${name}: ${'a'.repeat(each - name.length - 4)}`; });
}

async function counts(target: Endpoint): Promise<{ http: number; lineBad: number }> {
  const { samples } = await scrape(target);
  return {
    // The 504 check runs beside the others (verify.ts): its answer is no refusal of ours.
    http: (sumOf(samples, 'lab_requests_total', { protocol: 'http' }) ?? 0) - (sumOf(samples, 'lab_requests_total', { protocol: 'http', outcome: 'timeout' }) ?? 0),
    lineBad: sumOf(samples, 'lab_requests_total', { protocol: 'line', outcome: 'bad_request' }) ?? 0,
  };
}

export const limitsChecks: CheckGroup = async (ctx) => {
  await httpLimits(ctx);
  if (ctx.target.line) await lineLimits(ctx);
};

async function httpLimits({ target, record }: CheckContext): Promise<void> {
  const url = `${target.httpUrl}/echo?text=limits`;
  const under = await rawRequest(target, head(target, fieldsOf(FIELDS - MARGIN, 1)));
  if (under.status === 200) record('limits.header-fields-under', 'pass', `${FIELDS - MARGIN} bytes of header fields: 200`, url);
  else record('limits.header-fields-under', 'fail', `${FIELDS - MARGIN} bytes of header fields (limit ${FIELDS}): expected 200, got ${under.statusLine} ${show(under.body)}`, url);

  const before = await counts(target);
  const cases: { check: string; what: string; head: string; body?: string; status: number }[] = [
    { check: 'limits.header-field-over', what: `one header field of ${FIELDS + MARGIN} bytes`, head: head(target, fieldsOf(FIELDS + MARGIN, 1)), status: 431 },
    { check: 'limits.header-fields-over', what: `${FIELDS + MARGIN} bytes in 10 header fields`, head: head(target, fieldsOf(FIELDS + MARGIN, 10)), status: 431 },
    { check: 'limits.body-over', what: `a body of ${LIMITS.body_max_bytes + 1} bytes`, head: head(target, [`Content-Length: ${LIMITS.body_max_bytes + 1}`]), body: 'a'.repeat(LIMITS.body_max_bytes + 1), status: 413 },
  ];
  for (const c of cases) {
    const res = await rawRequest(target, c.head, c.body).catch((err: Error) => ({ status: 0, statusLine: `(${err.message})`, body: '' }));
    if (res.status === c.status) record(c.check, 'pass', `${c.what}: ${res.status} ${show(res.body.trim(), 80)}`, url);
    else record(c.check, 'fail', `${c.what} (limit ${c.status === 431 ? `${FIELDS} bytes of header fields` : `${LIMITS.body_max_bytes} bytes`}): expected ${c.status}, got ${res.statusLine} ${show(res.body)}`, url);
  }
  const after = await counts(target);
  if (after.http === before.http) record('limits.refusals-not-counted', 'pass', 'the 431 and 413 answers left lab_requests_total{protocol="http"} as it was', target.metricsUrl);
  else record('limits.refusals-not-counted', 'fail', `the 431/413 refusals moved lab_requests_total{protocol="http"} by ${after.http - before.http}: a request refused by the limits is not counted`, target.metricsUrl);
}

async function lineLimits({ target, record }: CheckContext): Promise<void> {
  const { host, port } = target.line!;
  const before = await counts(target);
  const conn = await LineConnection.connect(host, port);
  let answer: string;
  try {
    conn.write('\n');
    answer = await conn.readLine().catch((err: Error) => `(${(err as Error).message})`);
  } finally {
    conn.close();
  }
  const expected = CONTRACT.line_protocol.empty_line;
  if (answer === expected) record('limits.line-empty', 'pass', show(answer.trim()), conn.address);
  else record('limits.line-empty', 'fail', `an empty line: expected ${show(expected)}, got ${show(answer)}`, conn.address);
  const afterEmpty = await counts(target);
  const big = await LineConnection.connect(host, port);
  try {
    big.write(Buffer.alloc(LIMITS.line_max_bytes + 1, 0x61));
    await big.readLine().catch(() => '');
    await big.waitClosed(3000);
  } finally {
    big.close();
  }
  const afterLong = await waitForCount(target, afterEmpty.lineBad + 1);
  const moved = [afterEmpty.lineBad - before.lineBad, afterLong - afterEmpty.lineBad];
  if (moved[0] === 1 && moved[1] === 1) record('limits.line-counted', 'pass', 'an empty line and a too-long line: one bad_request each', target.metricsUrl);
  else record('limits.line-counted', 'fail', `lab_requests_total{protocol="line",outcome="bad_request"} moved by ${moved[0]} for an empty line and ${moved[1]} for a too-long one: expected 1 and 1`, target.metricsUrl);
}

/** A too-long line is counted as its connection closes: give the row a moment. */
async function waitForCount(target: Endpoint, want: number): Promise<number> {
  let got = (await counts(target)).lineBad;
  for (let i = 0; i < 10 && got < want; i++) {
    await new Promise((r) => setTimeout(r, 100));
    got = (await counts(target)).lineBad;
  }
  return got;
}
