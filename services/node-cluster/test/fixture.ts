import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getOnce as get, sample, startService, waitUntil, type RunningService } from '@concurrency-lab/ts-common';

export { sample };

// Real processes for node-cluster's tests: the upstream and the row, on ports of this row's
// own test range (offsets 4000-4900 above the manifests' ports; see the tests).

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const UPSTREAM_MAIN = fileURLToPath(new URL('../../../upstream/dist/src/main.js', import.meta.url));
export const ROW_MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const MANIFEST = JSON.parse(readFileSync(fileURLToPath(new URL('../../service.json', import.meta.url)), 'utf8')) as {
  ports: { http: number; line: number };
};
const UPSTREAM_PORT = 9000;

export interface Row {
  svc: RunningService;
  port: number;
  linePort: number;
}

export function startUpstream(offset: number, env: Record<string, string> = {}): Promise<RunningService> {
  const port = UPSTREAM_PORT + offset;
  return startService({ args: [UPSTREAM_MAIN], port, env: { PORT: String(port), ...env } });
}

export function rowEnv(offset: number, env: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(MANIFEST.ports.http + offset),
    LINE_PORT: String(MANIFEST.ports.line + offset),
    UPSTREAM_URL: `http://127.0.0.1:${UPSTREAM_PORT + offset}`,
    ...env,
  };
}

/** Resolves once `workers` different workers answer (/healthz answers as soon as the first one listens). */
export async function startRow(offset: number, env: Record<string, string> = {}, workers?: number): Promise<Row> {
  const e = rowEnv(offset, env);
  const svc = await startService({ args: [ROW_MAIN], port: Number(e.PORT), env: e, startTimeoutMs: 20_000 });
  const row = { svc, port: Number(e.PORT), linePort: Number(e.LINE_PORT) };
  if (workers !== undefined) await waitFor(`${workers} workers answering`, () => answeringPids(row, 2 * workers), (p) => p.size === workers);
  return row;
}

export interface Reply {
  status: number;
  body: string;
  /** x-lab-worker-pid: which worker answered. */
  workerPid: number;
}

/**
 * GET on a fresh connection (closed afterwards): node:cluster hands each new connection to the
 * next worker. Rejects after timeoutMs without an answer.
 */
export async function getOnce(url: string, timeoutMs = 30_000): Promise<Reply> {
  const r = await get(url, timeoutMs);
  return { status: r.status, body: r.body, workerPid: Number(r.headers['x-lab-worker-pid']) };
}

export async function metrics(row: Row): Promise<string> {
  const r = await getOnce(`${row.svc.baseUrl}/metrics`);
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.body}`);
  return r.body;
}

/** Polls until `ok` holds (bounded; throws saying what it waited for). */
export function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  return waitUntil(what, probe, ok, { ms });
}

/**
 * The pids of the workers that answer n fresh connections. A connection the primary handed
 * to a worker at the moment it died is never answered (node:cluster does not hand it to
 * another): after 2 s it counts as no answer.
 */
export async function answeringPids(row: Row, n: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < n; i++) {
    try {
      pids.add((await getOnce(`${row.svc.baseUrl}/healthz`, 2_000)).workerPid);
    } catch {
      // no answer: see above
    }
  }
  return pids;
}
