// `npm run bench -- overhead-fidelity`: does each row's GET /overhead measure its method, or
// the server around it? For every row, both modes (pool, spawn) and C = 1, 100, 500, 1000
// (10,000 tasks of 5 ms), the row's /overhead and its witness, the same method run outside any
// server (the command its manifest declares as overheadWitness, e.g.
// services/labtesting/labtesting/standalone_overhead.py --module thread_overhead; --warmup: three
// unmeasured runs first, since the server is warm) back to back in the same minute; prints the
// ratio server/standalone per cell and marks the cells outside 20%. Goal: every cell within 20%.
// The rows are the manifests' implementations; one without a witness is listed as such.
// Not a test: it prints figures and exits 0 either way.
// Each cell is measured FIDELITY_REPEAT times (default 3; 5 for C >= 500, whose runs are short
// and noisiest), the order of the pair alternating
// (server first, then witness first); the table gives the median of the pair ratios and their
// range, because one pair on a shared 2-core machine can be off by 2x either way.
// Env: FIDELITY_ROWS=a,b (default every row), FIDELITY_TASKS=N (default 10000), FIDELITY_REPEAT=R.
import os from 'node:os';
import { LabError } from '../src/core/errors.js';
import { discoverServices, selectTargets } from '../src/core/manifest/index.js';
import type { OverheadWitness, ServiceManifest } from '../src/core/manifest/types.js';
import { openRuntime } from '../src/runtime/index.js';
import { prepareWitness, runWitness, witnessesOf } from '../src/runtime/local/witness.js';
import { findFreePortOffset } from '../src/runtime/ports.js';

const MODES = ['pool', 'spawn'] as const;
const WORKERS = [1, 100, 500, 1000];
const SLEEP_MS = 5;
const TOLERANCE = 0.2;

type Mode = (typeof MODES)[number];
interface Pair { server: number; standalone: number }
type Witnessed = ServiceManifest & { overheadWitness: OverheadWitness };
interface Cell { row: Witnessed; mode: Mode; workers: number; tasks: number; repeat: number; pairs: Pair[]; error?: string }

/** Tasks per cell: N, except C=1 (N tasks would take N x 5 ms: max(200, C)) and spawn mode of a
 *  row whose witness sets spawnTasksCap (python-processes: a fork per task, tens of ms each on a
 *  busy machine): max(cap, C). */
function tasksFor(w: OverheadWitness, mode: Mode, workers: number, n: number): number {
  if (workers === 1) return Math.min(n, Math.max(200, workers));
  if (mode === 'spawn' && w.spawnTasksCap !== undefined) return Math.min(n, Math.max(w.spawnTasksCap, workers));
  return n;
}

async function runStandalone(c: Cell): Promise<number> {
  const answer = await runWitness(c.row, c.row.overheadWitness, { mode: c.mode, workers: c.workers, tasks: c.tasks, sleepMs: SLEEP_MS, warmup: true }, 180_000);
  if (answer.mode !== c.mode || typeof answer.overhead !== 'number') throw new Error(`${c.row.name}'s witness answered ${JSON.stringify(answer).slice(0, 200)} for mode ${c.mode}`);
  return answer.overhead;
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmt(v: number | undefined, digits = 2): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

async function main(): Promise<void> {
  // The manifests are the registry: every implementation, or the ones FIDELITY_ROWS names
  // (an unknown name fails naming the valid ones).
  const chosen = selectTargets(discoverServices(), process.env.FIDELITY_ROWS ? process.env.FIDELITY_ROWS.split(',') : undefined);
  const { withWitness, without } = witnessesOf(chosen);
  const notReady: string[] = [];
  const rows: Witnessed[] = [];
  for (const m of withWitness) {
    const problem = await prepareWitness(m, m.overheadWitness);
    if (problem) notReady.push(problem);
    else rows.push(m);
  }
  const n = Number(process.env.FIDELITY_TASKS || 10_000);
  const repeat = Math.max(1, Number(process.env.FIDELITY_REPEAT || 3));
  const cells: Cell[] = rows.flatMap((row) => MODES.flatMap((mode) => WORKERS.map((workers): Cell => ({ row, mode, workers, tasks: tasksFor(row.overheadWitness, mode, workers, n), repeat: workers >= 500 ? repeat + 2 : repeat, pairs: [] }))));
  // Per pair: ~0.9 s of process starts plus ~2.5x the ideal time (server, witness, warm-ups),
  // calibrated on the idle-ish 2-core machine (470 s for the 256 pairs of the default run).
  const estimate = cells.reduce((s, c) => s + c.repeat * (0.9 + ((c.tasks * SLEEP_MS) / c.workers / 1000) * 2.5), 0);
  console.log(`machine: ${os.availableParallelism()} CPUs, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${cells.length} cells (${rows.length} rows x ${MODES.length} modes x C=${WORKERS.join(',')}), ${n} tasks of ${SLEEP_MS} ms, ${repeat} pairs per cell (${repeat + 2} for C >= 500);`);
  const capped = rows.filter((r) => r.overheadWitness.spawnTasksCap !== undefined).map((r) => `${r.name}'s spawn mode max(${r.overheadWitness.spawnTasksCap}, C)`);
  console.log(`C=1 uses max(200, C) tasks instead${capped.length ? `, ${capped.join(', ')}` : ''}, to stay bounded. Estimate: ~${Math.round(estimate / 60)} min.`);
  for (const name of without) console.log(`no witness: ${name} (its manifest declares no overheadWitness; not measured)`);
  for (const problem of notReady) console.log(`witness not runnable: ${problem}`);
  if (rows.length === 0) {
    console.log('no row with a runnable witness: nothing to measure');
    return;
  }
  const runtime = await openRuntime({ kind: 'local', targets: rows.map((r) => r.name), portOffset: await findFreePortOffset() });
  const started = Date.now();
  try {
    for (let r = 0; r < repeat + 2; r++) {
      for (const c of cells.filter((x) => r < x.repeat)) {
        const target = runtime.targets.find((t) => t.name === c.row.name);
        if (!target) {
          c.error = 'not running';
          continue;
        }
        try {
          // Same minute, back to back; who goes first alternates between repeats.
          let server: number;
          let standalone: number;
          if (r % 2 === 0) {
            server = await runServer(target.httpUrl, c);
            standalone = await runStandalone(c);
          } else {
            standalone = await runStandalone(c);
            server = await runServer(target.httpUrl, c);
          }
          c.pairs.push({ server, standalone });
          process.stderr.write(`  #${r + 1} ${c.row.name} ${c.mode} C=${c.workers} N=${c.tasks}: server ${fmt(server)} standalone ${fmt(standalone)} ratio ${fmt(server / standalone)}\n`);
        } catch (e) {
          c.error = (e as Error).message;
          process.stderr.write(`  #${r + 1} ${c.row.name} ${c.mode} C=${c.workers}: ${c.error}\n`);
        }
      }
    }
  } finally {
    await runtime.stop();
  }
  for (const u of runtime.unavailable) console.log(`unavailable: ${JSON.stringify(u)}`);
  console.log(`\nratio server/standalone of the overhead (elapsed / ideal): median of the pairs, * = outside ${TOLERANCE * 100}%;`);
  console.log('in brackets: median server overhead / median standalone overhead, then the range of the pair ratios');
  const header = ['row', 'mode', ...WORKERS.map((w) => `C=${w}`)];
  const lines = [header];
  let outside = 0;
  let measured = 0;
  for (const row of rows) {
    for (const mode of MODES) {
      lines.push([row.name, mode, ...WORKERS.map((w) => {
        const c = cells.find((x) => x.row === row && x.mode === mode && x.workers === w)!;
        if (c.pairs.length === 0) return 'error';
        measured++;
        const ratios = c.pairs.map((p) => p.server / p.standalone);
        const ratio = median(ratios);
        const off = Math.abs(ratio - 1) > TOLERANCE;
        if (off) outside++;
        const range = ratios.length > 1 ? ` ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}` : '';
        return `${ratio.toFixed(2)}${off ? '*' : ' '} (${fmt(median(c.pairs.map((p) => p.server)))}/${fmt(median(c.pairs.map((p) => p.standalone)))}${range})`;
      })]);
    }
  }
  for (const name of without) lines.push([name, 'no witness', ...WORKERS.map(() => '-')]);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const l of lines) console.log(`| ${l.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`);
  const errors = cells.filter((c) => c.error);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const c of errors) console.log(`error: ${c.row.name} ${c.mode} C=${c.workers}: ${c.error}`);
  console.log(`\n${outside} of ${measured} cells outside ${TOLERANCE * 100}% (goal: 0); ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

try {
  await main();
} catch (e) {
  // Bad input (an unknown FIDELITY_ROWS name, an invalid manifest): its message, not a stack.
  if (!(e instanceof LabError)) throw e;
  console.error(`overhead-fidelity: ${e.message}`);
  process.exitCode = e.exitCode;
}
