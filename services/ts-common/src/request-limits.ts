import { LIMITS } from '@concurrency-lab/contract-ts';

// The HTTP limits every row enforces the same way (contract/README.md, "Limits"): header fields
// over limits.header_fields_max_bytes -> 431, a Content-Length over limits.body_max_bytes -> 413,
// both with a one-line reason and the connection closed, and neither counted in
// lab_requests_total (no echo request was parsed).

/** Bytes of the header field lines as sent: `name: value\r\n` each, the request line excluded. */
export function headerFieldsBytes(rawHeaders: readonly string[]): number {
  let total = 0;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) total += Buffer.byteLength(rawHeaders[i]!, 'latin1') + Buffer.byteLength(rawHeaders[i + 1]!, 'latin1') + 4;
  return total;
}

export interface LimitRefusal { status: 413 | 431; body: string }

/** Why a request is refused before any route runs, or undefined. */
export function requestLimitRefusal(rawHeaders: readonly string[]): LimitRefusal | undefined {
  const max = LIMITS.header_fields_max_bytes;
  const size = headerFieldsBytes(rawHeaders);
  if (size > max) return { status: 431, body: `error: request header fields are ${size} bytes, at most ${max} allowed\n` };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'content-length') continue;
    const length = Number(rawHeaders[i + 1]);
    if (length > LIMITS.body_max_bytes) return { status: 413, body: `error: request body is ${length} bytes, at most ${LIMITS.body_max_bytes} allowed\n` };
  }
  return undefined;
}
