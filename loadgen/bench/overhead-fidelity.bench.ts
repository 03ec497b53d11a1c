// `npm run bench -- overhead-fidelity`: does each row's GET /overhead measure its method, or
// the server around it? For every row, both modes (pool, spawn) and C = 1, 100, 500, 1000
// (10,000 tasks of 5 ms), the row's /overhead and the same method run by a standalone script
// outside any server (services/python-common/labtesting/standalone_overhead.py, node-eventloop's
// dist/bench/standalone-overhead.js; --warmup: one unmeasured run first, since the server is warm) back to back in the same minute; prints the ratio
// server/standalone per cell and marks the cells outside 20%. Goal: every cell within 20%.
// Not a test: it prints figures and exits 0 either way.
// Env: FIDELITY_ROWS=a,b (default every row), FIDELITY_TASKS=N (default 10000).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRuntime } from '../src/runtime/index.js';
import { findFreePortOffset } from '../src/runtime/ports.js';

const ROWS = ['python-threads', 'python-processes', 'twisted-callbacks', 'twisted-inline', 'gevent-explicit', 'gevent-monkey', 'python-asyncio', 'node-eventloop'];
const MODES = ['pool', 'spawn'] as const;
const WORKERS = [1, 100, 500, 1000];
const SLEEP_MS = 5;
const TOLERANCE = 0.2;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const python = process.env.LAB_PYTHON || '/usr/bin/python3';

type Mode = (typeof MODES)[number];
interface Cell { row: string; mode: Mode; workers: number; tasks: number; server?: number; standalone?: number; error?: string }

/** Tasks per cell: N, except C=1 (N tasks would take N x 5 ms) and python-processes' spawn
 *  mode (a fork per task, tens of ms each on a busy machine): both get max(200, C). */
function tasksFor(row: string, mode: Mode, workers: number, n: number): number {
  if (workers === 1 || (row === 'python-processes' && mode === 'spawn')) return Math.min(n, Math.max(200, workers));
  return n;
}

function standaloneCommand(row: string, c: Cell): [string, string[]] {
  const args = ['--mode', c.mode, '--workers', String(c.workers), '--tasks', String(c.tasks), '--sleep-ms', String(SLEEP_MS), '--warmup'];
  if (row === 'node-eventloop') return [process.execPath, [path.join(repoRoot, 'services/node-eventloop/dist/bench/standalone-overhead.js'), ...args]];
  return [python, [path.join(repoRoot, 'services/python-common/labtesting/standalone_overhead.py'), '--unit', row, ...args]];
}

function runStandalone(row: string, c: Cell): Promise<number> {
  const [cmd, args] = standaloneCommand(row, c);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve((JSON.parse(out) as { overhead: number }).overhead);
      } catch (e) {
        reject(new Error(`standalone ${row} failed (${(e as Error).message}): ${out.slice(0, 200)} ${err.slice(-300)}`));
      }
    });
  });
}

async function runServer(url: string, c: Cell): Promise<number> {
  const q = `workers=${c.workers}&tasks=${c.tasks}&sleep_ms=${SLEEP_MS}&mode=${c.mode}`;
  const res = await fetch(`${url}/overhead?${q}`, { signal: AbortSignal.timeout(180_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`/overhead?${q}: ${res.status} ${body.slice(0, 200)}`);
  const j = JSON.parse(body) as { overhead: number; mode?: string };
  if (j.mode !== c.mode) throw new Error(`/overhead answered mode ${String(j.mode)} for ${c.mode}`);
  return j.overhead;
}

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

async function main(): Promise<void> {
  const rows = process.env.FIDELITY_ROWS ? process.env.FIDELITY_ROWS.split(',') : ROWS;
  const n = Number(process.env.FIDELITY_TASKS || 10_000);
  const cells: Cell[] = rows.flatMap((row) => MODES.flatMap((mode) => WORKERS.map((workers) => ({ row, mode, workers, tasks: tasksFor(row, mode, workers, n) }))));
  // A guess from the ideal times (x3 overhead, x3 for the witness and its warm-up, 1 s per process start).
  const estimate = cells.reduce((s, c) => s + ((c.tasks * SLEEP_MS) / c.workers / 1000) * 3 * 3 + 1, 0);
  console.log(`machine: ${os.availableParallelism()} CPUs, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${cells.length} cells (${rows.length} rows x ${MODES.length} modes x C=${WORKERS.join(',')}), ${n} tasks of ${SLEEP_MS} ms;`);
  console.log(`C=1 and python-processes' spawn mode use max(200, C) tasks instead, to stay bounded. Estimate: ~${Math.round(estimate / 60)} min.`);
  const runtime = await openRuntime({ kind: 'local', targets: rows, portOffset: await findFreePortOffset() });
  const started = Date.now();
  try {
    for (const c of cells) {
      const target = runtime.targets.find((t) => t.name === c.row);
      if (!target) {
        c.error = 'not running';
        continue;
      }
      try {
        // Same minute, back to back: the server's method, then the witness.
        c.server = await runServer(target.httpUrl, c);
        c.standalone = await runStandalone(c.row, c);
      } catch (e) {
        c.error = (e as Error).message;
      }
      const ratio = c.server !== undefined && c.standalone !== undefined ? c.server / c.standalone : undefined;
      process.stderr.write(`  ${c.row} ${c.mode} C=${c.workers} N=${c.tasks}: server ${fmt(c.server)} standalone ${fmt(c.standalone)} ratio ${fmt(ratio)}${c.error ? ` (${c.error})` : ''}\n`);
    }
  } finally {
    await runtime.stop();
  }
  for (const u of runtime.unavailable) console.log(`unavailable: ${JSON.stringify(u)}`);
  console.log(`\nratio server/standalone of the overhead (elapsed / ideal), * = outside ${TOLERANCE * 100}%; in brackets: server overhead / standalone overhead`);
  const header = ['row', 'mode', ...WORKERS.map((w) => `C=${w}`)];
  const lines = [header];
  let outside = 0;
  for (const row of rows) {
    for (const mode of MODES) {
      lines.push([row, mode, ...WORKERS.map((w) => {
        const c = cells.find((x) => x.row === row && x.mode === mode && x.workers === w)!;
        if (c.server === undefined || c.standalone === undefined) return 'error';
        const ratio = c.server / c.standalone;
        const off = Math.abs(ratio - 1) > TOLERANCE;
        if (off) outside++;
        return `${ratio.toFixed(2)}${off ? '*' : ' '} (${fmt(c.server)}/${fmt(c.standalone)})`;
      })]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const l of lines) console.log(`| ${l.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`);
  const errors = cells.filter((c) => c.error);
  for (const c of errors) console.log(`error: ${c.row} ${c.mode} C=${c.workers}: ${c.error}`);
  console.log(`\n${outside} of ${cells.length - errors.length} cells outside ${TOLERANCE * 100}% (goal: 0); ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
