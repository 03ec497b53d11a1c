import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatBytes } from '../../src/core/units.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runLab } from '../helpers/processes.js';

// `lab compare` on committed runs: each kind of run is compared by the figures its executor
// publishes. Expected cells are computed from the results.json files, not from the code under test.

const RESULTS = path.join(REPO_ROOT, 'docs', 'results');
const TOUR_OVERHEAD = path.join(RESULTS, 'tour', '2026-12-01T22-33-56Z_tour-overhead');
const REPEAT_OVERHEAD = path.join(RESULTS, 'tour-repeat', '2026-12-01T22-38-07Z_tour-overhead');
const TOUR_IDLE = path.join(RESULTS, 'tour', '2026-12-01T22-31-29Z_tour-idle');

const json = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
const pct = (a: number, b: number) => `${b - a >= 0 ? '+' : ''}${((100 * (b - a)) / Math.abs(a)).toFixed(1)}%`;

async function compare(a: string, b: string): Promise<string> {
  const res = await runLab(['compare', a, b], process.env, 60_000);
  assert.equal(res.code, 0, res.stderr);
  return res.stdout;
}

/** The lines of the table headed by `title`, up to the next blank line. */
function table(out: string, title: string): string[] {
  const blocks = out.split('\n\n');
  const block = blocks.find((b) => b.startsWith(title));
  assert.ok(block, `no table "${title}" in:\n${out}`);
  return block.split('\n');
}

describe('lab compare', () => {
  it('two overhead runs: overhead per mode and worker count, no req/s', async () => {
    const out = await compare(TOUR_OVERHEAD, REPEAT_OVERHEAD);
    assert.doesNotMatch(out, /req\/s|p99|RSS/);
    const lines = table(out, 'overhead (pool) [x, lower is better]');
    assert.match(lines[1]!, /^target +workers +A +B +change$/);
    const [ra, rb] = [json(TOUR_OVERHEAD), json(REPEAT_OVERHEAD)];
    for (const t of ra.targets) {
      for (const s of t.steps) {
        const x = s.overhead.modes.find((m: any) => m.mode === 'pool').overhead;
        const y = rb.targets.find((u: any) => u.name === t.name).steps.find((u: any) => u.load === s.load).overhead.modes.find((m: any) => m.mode === 'pool').overhead;
        const line = lines.find((l) => l.startsWith(`${t.name} `) && l.split(/ +/)[1] === String(s.load));
        assert.ok(line, `${t.name} @ ${s.load}`);
        assert.deepEqual(line.trim().split(/ +/).slice(2), [`${x.toFixed(2)}x`, `${y.toFixed(2)}x`, pct(x, y)]);
      }
    }
    // Runs measured once: said once under the table, not per cell.
    assert.equal(lines.filter((l) => l.includes('n=1: cannot tell from noise')).length, 1);
  });

  it('overhead runs written before modes: read as spawn', async () => {
    const out = await compare(path.join(RESULTS, 'overhead'), path.join(RESULTS, 'overhead-new-rows'));
    assert.match(out, /^overhead \(spawn\) \[x, lower is better\]$/m);
    assert.doesNotMatch(out, /req\/s/);
  });

  it('two idle runs: bytes and threads per connection, nothing of request load', async () => {
    const a = path.join(RESULTS, 'idle-connections');
    const out = await compare(a, TOUR_IDLE);
    assert.doesNotMatch(out, /req\/s|p99|errors/);
    const bytes = table(out, 'bytes per idle connection [bytes, lower is better]');
    const threads = table(out, 'threads per idle connection [threads, lower is better]');
    assert.match(bytes[1]!, /^target +connections +A +B +change$/);
    const sa = json(a).targets.find((t: any) => t.name === 'python-threads').steps.find((s: any) => s.load === 1000);
    const sb = json(TOUR_IDLE).targets.find((t: any) => t.name === 'python-threads').steps.find((s: any) => s.load === 1000);
    // Results written before the executor was renamed keep its figures under `idle`.
    const [ia, ib] = [sa.idle_connections ?? sa.idle, sb.idle_connections ?? sb.idle];
    const row = (ls: string[]) => ls.find((l) => /^python-threads +1000 /.test(l))!;
    assert.match(row(bytes), new RegExp(`${formatBytes(ia.bytes_per_connection)} +${formatBytes(ib.bytes_per_connection)} +\\${pct(ia.bytes_per_connection, ib.bytes_per_connection)}`));
    assert.match(row(threads), new RegExp(`${ia.threads_per_connection.toFixed(3)} +${ib.threads_per_connection.toFixed(3)} `));
    // Steps of one run only are listed as such.
    assert.match(bytes.join('\n'), /^python-threads +5000 \(only A\) .* -$/m);
  });

  it('two upstream-slowdown runs: recovery per event, and with trials the Mann-Whitney p and ~', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-compare-'));
    const [a, b] = [path.join(tmp, 'a'), path.join(tmp, 'b')];
    cpSync(path.join(RESULTS, 'upstream-slowdown', 'results.json'), path.join(a, 'results.json'));
    const r = json(a);
    // B: python-threads took 5 s longer to recover.
    const slow = r.targets.find((t: any) => t.name === 'python-threads').steps[0].recovery[0];
    const before = slow.recovery_s;
    slow.recovery_s += 5;
    writeFileSync(path.join(tmp, 'b.json'), JSON.stringify(r));
    cpSync(path.join(tmp, 'b.json'), path.join(b, 'results.json'));
    let out = await compare(a, b);
    const rec = table(out, 'recovery after event 0');
    assert.match(rec[0]!, /\[s, lower is better\]$/);
    assert.match(rec.find((l) => l.startsWith('python-threads'))!, new RegExp(`${before.toFixed(2)} s +${(before + 5).toFixed(2)} s +\\${pct(before, before + 5)}$`));
    assert.match(rec.find((l) => l.startsWith('node-eventloop'))!, /\+0\.0%$/);
    assert.ok(rec.includes('  n=1: cannot tell from noise'));
    // The load figures of the same steps come too: req/s, latency, errors.
    for (const t of ['req/s [req/s, higher is better]', 'p99 [ms, lower is better]', 'errors [%, lower is better]']) table(out, t);

    // Five trials a side: python-threads' recovery clearly longer in B, node-eventloop's the same within noise.
    const withTrials = (file: string, trials: Record<string, number[]>) => {
      const x = json(path.dirname(file));
      // results.json schema 3: one record of figures per trial.
      for (const t of x.targets) t.steps[0].trials = (trials[t.name] ?? [0, 0, 0, 0, 0].map(() => t.steps[0].recovery[0].recovery_s)).map((v) => ({ started_at: x.started_at, figures: { 'recovery.0.s': v } }));
      writeFileSync(file, JSON.stringify(x));
    };
    withTrials(path.join(a, 'results.json'), { 'python-threads': [10.9, 11.0, 11.1, 10.8, 11.2], 'node-eventloop': [10.9, 11.0, 11.1, 10.8, 11.2] });
    withTrials(path.join(b, 'results.json'), { 'python-threads': [15.9, 16.0, 16.1, 15.8, 16.2], 'node-eventloop': [11.0, 10.9, 11.2, 10.8, 11.1] });
    out = await compare(a, b);
    const rec5 = table(out, 'recovery after event 0');
    // Each side as the step tables print a figure over trials: median [lo, hi] (n), min..max below 6 trials.
    // p adjusted over the 3 figures tested (Benjamini-Hochberg): 0.008 x 3 / 1 = 0.024, still under 0.05.
    assert.match(rec5.find((l) => l.startsWith('python-threads'))!, /11\.00 s \[10\.80 s, 11\.20 s\] \(5\) +16\.00 s \[15\.80 s, 16\.20 s\] \(5\) +\+45\.5% \(p=0\.008 q=0\.024 n=5\+5\)$/);
    assert.match(rec5.find((l) => l.startsWith('node-eventloop'))!, /11\.00 s \[10\.80 s, 11\.20 s\] \(5\) +11\.00 s \[10\.80 s, 11\.20 s\] \(5\) +~ \(p=1\.000 q=1\.000 n=5\+5\)$/);
    assert.ok(!rec5.includes('  n=1: cannot tell from noise'), rec5.join('\n'));
    // The last line weighs the significant changes against what chance alone gives at 0.05.
    const last = out.trimEnd().split('\n').at(-1)!;
    assert.match(last, /^1 of 3 changes significant over the whole comparison \(p adjusted for testing 3 figures at once, Benjamini-Hochberg, false discovery rate 5%\); before that adjustment 1 had p < 0\.05, and chance alone makes about 0\.2 of 3 so$/, last);
  });

  it('two overhead runs back to back (docs/results/back-to-back): the p < 0.05 that chance gives are not flagged once p is adjusted for the 80 figures', async () => {
    const res = await runLab(['compare', path.join(RESULTS, 'back-to-back', 'a'), path.join(RESULTS, 'back-to-back', 'b'), '--json'], process.env, 60_000);
    assert.equal(res.code, 0, res.stderr);
    const c = JSON.parse(res.stdout);
    const rows = c.tables.flatMap((t: any) => t.rows).filter((r: any) => r.p !== null);
    // Every figure's intervals overlap: the two runs are the same scenario minutes apart.
    const overlap = rows.filter((r: any) => r.a.hi >= r.b.lo && r.b.hi >= r.a.lo);
    assert.equal(overlap.length, rows.length);
    const plain = rows.filter((r: any) => r.p < 0.05);
    assert.ok(plain.length >= 1, 'some p fall under 0.05 by chance (3 of 80 in this pair): the case the adjustment is for');
    assert.deepEqual(c.chance, { tested: rows.length, significant: plain.length, expected: rows.length * 0.05, flagged: 0, text: c.chance.text });
    for (const r of rows) {
      assert.ok(r.q >= r.p && r.q <= 1, `${r.target}@${r.load}: q ${r.q} against p ${r.p}`);
      assert.match(r.change, /^~ \(p=\d\.\d{3} q=\d\.\d{3} n=\d+\+\d+\)$/);
    }
  });

  it('--json: the same tables for scripts', async () => {
    const res = await runLab(['compare', TOUR_OVERHEAD, REPEAT_OVERHEAD, '--json'], process.env, 60_000);
    assert.equal(res.code, 0, res.stderr);
    const c = JSON.parse(res.stdout);
    assert.deepEqual(c.tables.map((t: any) => t.key), ['overhead.pool']);
    const row = c.tables[0].rows.find((x: any) => x.target === 'node-eventloop' && x.load === 1000);
    assert.equal(row.a.n, 1);
    assert.equal(row.p, null);
    assert.deepEqual(c.tables[0].notes, ['n=1: cannot tell from noise']);
    assert.equal(c.chance, undefined, 'one trial a side: no p-value, nothing to weigh');
  });
});
