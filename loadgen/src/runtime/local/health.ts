import http from 'node:http';

/** One GET with a hard timeout; resolves the status (0 when nothing answered). */
export function probeStatus(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

export async function isHealthy(httpUrl: string): Promise<boolean> {
  return (await probeStatus(`${httpUrl}/healthz`)) === 200;
}

/**
 * Polls /healthz every 100 ms until it answers 200. Resolves 'healthy', 'timeout', or
 * 'exited' as soon as `exited()` says the process is gone (no point waiting 20 s for a corpse).
 */
export async function waitHealthy(httpUrl: string, opts: { timeoutMs: number; exited: () => boolean }): Promise<'healthy' | 'timeout' | 'exited'> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.exited()) return 'exited';
    if (await isHealthy(httpUrl)) return 'healthy';
    if (opts.exited()) return 'exited';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((r) => setTimeout(r, 100));
  }
}
