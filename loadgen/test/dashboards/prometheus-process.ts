// A real Prometheus (Debian's /usr/bin/prometheus) on a free 127.0.0.1 port with a temporary
// storage folder, for tests. Missing binary = a clear failure, not a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.LAB_PROMETHEUS ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.LAB_PROMTOOL ?? '/usr/bin/promtool';

export function requireBinary(bin: string, pkg: string): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: install it with \`apt-get install ${pkg}\` (the dashboards tests need a real Prometheus)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrometheusProcess {
  url: string;
  query(expr: string, time?: number): Promise<PromResponse>;
  get(pathAndQuery: string): Promise<PromResponse>;
  stop(): Promise<void>;
  log(): string;
}

export interface PromResponse {
  status: 'success' | 'error';
  data?: { resultType?: string; result?: unknown[] } & Record<string, unknown>;
  error?: string;
  errorType?: string;
}

export async function startPrometheus(configYaml: string): Promise<PrometheusProcess> {
  requireBinary(PROMETHEUS_BIN, 'prometheus');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-prom-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (b: Buffer) => { log = (log + b.toString()).slice(-8000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const get = async (p: string): Promise<PromResponse> => {
    const res = await fetch(url + p, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as PromResponse;
  };
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready = answering /-/ready; bounded so a broken binary fails the test instead of hanging it.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    get,
    query: (expr, time) => get(`/api/v1/query?query=${encodeURIComponent(expr)}${time === undefined ? '' : `&time=${time}`}`),
    stop,
    log: () => log,
  };
}
