import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// Starts a service as a real child process and waits until its /healthz answers: the helper
// tests use to run the upstream and the Node rows (and usable by anything else in the lab).

export interface StartServiceOptions {
  /** Executable, default the Node running this process. */
  command?: string;
  args: string[];
  /** Added to process.env. */
  env?: Record<string, string>;
  /** Port of the HTTP server whose /healthz is polled. */
  port: number;
  host?: string;
  /** How long to wait for /healthz before giving up. */
  startTimeoutMs?: number;
  cwd?: string;
}

export interface RunningService {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Sends the signal and resolves with how the process ended; SIGKILL after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port that was free a moment ago (bind port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startService(opts: StartServiceOptions): Promise<RunningService> {
  const host = opts.host ?? '127.0.0.1';
  const baseUrl = `http://${host}:${opts.port}`;
  const child = spawn(opts.command ?? process.execPath, opts.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    // Bounded: a chatty service must not grow the test's memory without limit.
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (hasExited) throw new Error(`${opts.args.join(' ')} exited before becoming healthy: ${stderr.trim()}`);
    if (await healthy(`${baseUrl}/healthz`)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.args.join(' ')} not healthy at ${baseUrl}/healthz in time: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    child,
    pid: child.pid!,
    baseUrl,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (hasExited) return exited;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
