import { CONTRACT, LIMITS } from '@concurrency-lab/contract-ts';
import type { CheckGroup } from '../types.js';
import { show } from '../http-client.js';
import { LineConnection } from '../line-client.js';
import { expectedEcho } from './expected.js';

const MAX_LINE_BYTES = LIMITS.line_max_bytes;

/** The contract's line limit (contract/contract.json): the probe sends one byte more. */
export const TOO_LONG_LINE_BYTES = MAX_LINE_BYTES + 1;
const LINE_TOO_LONG = CONTRACT.line_protocol.line_too_long;

export const lineChecks: CheckGroup = async ({ target, upstream, record }) => {
  if (!target.line) {
    record('line.in-order', 'fail', 'the manifest has no line port');
    return;
  }
  const { host, port } = target.line;

  // Several lines in ONE write on ONE connection: answers must come back in order.
  const texts = ['hello one', 'my two', 'hello my three'];
  const expected = await Promise.all(texts.map((t) => expectedEcho(upstream, t)));
  const conn = await LineConnection.connect(host, port);
  try {
    conn.write(texts.map((t) => `${t}\n`).join(''));
    const got: string[] = [];
    try {
      for (let i = 0; i < texts.length; i++) got.push(await conn.readLine());
    } catch (err) {
      record('line.in-order', 'fail', `after ${got.length} of ${texts.length} answers: ${(err as Error).message}`, conn.address);
      return;
    }
    const wrong = got.findIndex((g, i) => g !== expected[i]);
    if (wrong < 0) record('line.in-order', 'pass', `${texts.length} lines, one connection, answered in order`, conn.address);
    else record('line.in-order', 'fail', `answer ${wrong + 1}: expected ${show(expected[wrong]!)}, got ${show(got[wrong]!)}`, conn.address);

    // Invalid UTF-8 must be answered and must not kill the connection.
    conn.write(Buffer.from([0x68, 0x69, 0x20, 0xff, 0xfe, 0xc3, 0x0a]));
    try {
      const answer = await conn.readLine();
      const after = await expectedEcho(upstream, 'hello after');
      conn.write('hello after\n');
      const next = await conn.readLine();
      if (!/^(echo|error): /.test(answer)) record('line.invalid-utf8', 'fail', `answer is neither echo: nor error:, got ${show(answer)}`, conn.address);
      else if (next !== after) record('line.invalid-utf8', 'fail', `answered ${show(answer)}, but the next line got ${show(next)} instead of ${show(after)}`, conn.address);
      else record('line.invalid-utf8', 'pass', `answered ${show(answer)}, connection still usable`, conn.address);
    } catch (err) {
      record('line.invalid-utf8', 'fail', `invalid UTF-8 line: ${(err as Error).message}`, conn.address);
    }
  } finally {
    conn.close();
  }

  // One byte over the limit, no newline: the server must say so and close.
  const big = await LineConnection.connect(host, port);
  try {
    big.write(Buffer.alloc(TOO_LONG_LINE_BYTES, 0x61));
    let answer: string;
    try {
      answer = await big.readLine();
    } catch (err) {
      record('line.too-long', 'fail', `a ${TOO_LONG_LINE_BYTES}-byte line: ${(err as Error).message}`, big.address);
      return;
    }
    const closed = await big.waitClosed(3000);
    if (answer === LINE_TOO_LONG && closed) record('line.too-long', 'pass', 'error: line too long, then closed', big.address);
    else if (answer !== LINE_TOO_LONG) record('line.too-long', 'fail', `expected ${show(LINE_TOO_LONG)}, got ${show(answer)}`, big.address);
    else record('line.too-long', 'fail', 'answered the error but kept the connection open', big.address);
  } finally {
    big.close();
  }
};
