import http from 'node:http';

// What the Node rows' tests ask of a running service (node-eventloop's and node-cluster's
// fixtures): a GET on its own connection, one sample of a /metrics exposition, a bounded poll.

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * GET on a fresh connection that closes afterwards, so it leaves no keep-alive socket behind
 * (and node:cluster hands it to the next worker). Rejects after timeoutMs without an answer.
 */
export function getOnce(url: string, timeoutMs = 30_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`));
      })
      .on('error', reject);
  });
}

/** The value of one sample of the exposition, e.g. sample(m, 'lab_requests_total', 'protocol="http",outcome="ok"'). */
export function sample(exposition: string, name: string, labelPart = ''): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(labelPart)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Polls until `ok` holds (bounded; throws saying what it waited for and, via `show`, the last value). */
export async function waitUntil<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, opts: { ms?: number; intervalMs?: number; show?: (v: T | undefined) => string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.ms ?? 15_000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${(opts.show ?? JSON.stringify)(last)}`);
}
