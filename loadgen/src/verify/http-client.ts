import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether the request went out on a connection the agent had kept alive from an earlier one. */
  reused: boolean;
}

/** One request on its own connection (agent: false) with a hard timeout. */
export function httpRequest(url: string, opts: { method?: string; body?: string; timeoutMs?: number; agent?: http.Agent } = {}): Promise<HttpAnswer> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: opts.method ?? 'GET',
      agent: opts.agent ?? false,
      headers: opts.body === undefined ? undefined : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reused: req.reusedSocket }); });
      res.on('error', (err) => { clearTimeout(timer); reject(err); });
    });
    // A whole-request deadline (socket timeouts only catch idle gaps).
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => { clearTimeout(timer); reject(err); });
    req.end(opts.body);
  });
}

export const httpGet = (url: string, timeoutMs?: number) => httpRequest(url, { timeoutMs });

/** Shows a body in a message: quoted, escaped, cut to a readable length. */
export function show(body: string, max = 120): string {
  const quoted = JSON.stringify(body);
  return quoted.length > max ? `${quoted.slice(0, max)}…" (${body.length} chars)` : quoted;
}
