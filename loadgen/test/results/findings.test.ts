import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readResults } from '../../src/results/files.js';
import { computeFindings, findingsToMarkdown, windowSeconds, type Findings, type RowFinding } from '../../src/results/findings.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runLab } from '../helpers/processes.js';
import { fixtureOverhead } from './fixture.js';

// Findings over real runs: the first README io-ramp and overhead runs (2026-11, kept in
// test/fixtures/runs because the overhead one predates modes) and a small real
// idle-connections run (test/fixtures/runs). The expected figures are read off those files.

const RUNS = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs');
const IDLE = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs', 'idle-connections');
const ioRamp = () => readResults(path.join(RUNS, 'io-ramp-2026-11'));
const overheadRun = () => readResults(path.join(RUNS, 'overhead-2026-11'));
const idleRun = () => readResults(IDLE);

function item<K extends RowFinding['kind']>(f: Findings, row: string, kind: K): Extract<RowFinding, { kind: K }> | undefined {
  return f.rows.find((r) => r.row === row)?.items.find((i): i is Extract<RowFinding, { kind: K }> => i.kind === kind);
}

describe('findings', () => {
  it('io-ramp alone: knee, peak and req/s per CPU-second per row, with the numbers of the file', () => {
    const r = ioRamp();
    const f = computeFindings([r]);
    const node = r.targets.find((t) => t.name === 'node-eventloop')!;
    // node-eventloop holds >= 0.9 of the ideal line up to 250 and falls to 3101/5000 at 500.
    const knee = item(f, 'node-eventloop', 'knee')!;
    assert.equal(knee.load, 500);
    assert.equal(knee.last_on_line, 250);
    const at500 = node.steps.find((s) => s.load === 500)!;
    assert.equal(knee.fidelity, at500.rps / at500.ideal_rps!);
    const peak = item(f, 'node-eventloop', 'peak')!;
    assert.deepEqual([peak.load, peak.rps], [500, Math.max(...node.steps.map((s) => s.rps))]);
    const eff = item(f, 'node-eventloop', 'efficiency')!;
    assert.equal(eff.rps_per_cpu_second, at500.rps / (at500.server.cpu_seconds! / at500.duration_s), 'good answers per second over server cores');
    assert.equal(eff.cores, at500.server.cpu_seconds! / at500.duration_s, 'no window in this old run: CPU over its duration');
    // python-threads' 899/1000 at 100 is under the line although it rounds to 0.90.
    const threads = item(f, 'python-threads', 'knee')!;
    assert.equal(threads.load, 100);
    assert.match(threads.text, /0\.899 of the ideal line/);
    const rank = f.rankings.find((k) => k.question.startsWith('Most req/s per server CPU-second'))!;
    assert.equal(rank.entries.length, 8);
    assert.equal(rank.entries[0]!.row, 'node-eventloop');
    for (let i = 1; i < rank.entries.length; i++) assert.ok(rank.entries[i - 1]!.value >= rank.entries[i]!.value, 'highest first');
    // What one io-ramp cannot answer is said, not left blank.
    assert.ok(f.notes.some((n) => n.includes('idle-connections')));
    assert.ok(f.notes.some((n) => n.includes('overhead')));
    assert.ok(f.notes.some((n) => n.includes('--cross-check')));
    assert.equal(f.rankings.some((k) => k.question.includes('overhead')), false);
  });

  it('the old overhead run: its steps read as spawn mode, crossovers and the ranking at 1000 workers', () => {
    const f = computeFindings([overheadRun()]);
    const rank = f.rankings.find((k) => k.question === 'Lowest overhead at 1000 workers, spawn mode')!;
    assert.deepEqual(rank.entries.slice(0, 2).map((e) => e.row), ['node-eventloop', 'python-asyncio']);
    assert.equal(rank.entries.at(-1)!.row, 'python-processes');
    assert.equal(rank.entries.length, 8);
    assert.equal(f.rankings.some((k) => k.question.includes('pool mode')), false, 'no pool data, no pool ranking');
    const x = item(f, 'python-threads', 'crossover')!;
    assert.equal(x.mode, 'spawn');
    assert.deepEqual(x.crossings.map((c) => [c.other, c.workers]), [['node-eventloop', 100], ['python-asyncio', 100]]);
    assert.equal(item(f, 'node-eventloop', 'knee'), undefined, 'no load run, no knee');
  });

  it('a row that failed its 1000-worker step is named apart; the others are still ranked at 1000 workers', () => {
    const r = overheadRun();
    const threads = r.targets.find((t) => t.name === 'python-threads')!;
    threads.steps = threads.steps.filter((s) => s.load !== 1000);
    const f = computeFindings([r]);
    const rank = f.rankings.find((k) => k.question === 'Lowest overhead at 1000 workers, spawn mode')!;
    assert.ok(rank, `ranked at 1000 workers: ${f.rankings.map((k) => k.question).join(' | ')}`);
    assert.equal(rank.entries.length, 7);
    assert.ok(!rank.entries.some((e) => e.row === 'python-threads'));
    assert.match(rank.basis, /no figure at 1000 workers here \(a failed or busy step\), so not ranked: python-threads/);
  });

  it('both modes: a ranking and crossovers per mode, never mixed', () => {
    const f = computeFindings([fixtureOverhead()]);
    // The fixture measures 1, 10, 100 workers: the ranking falls back to the largest shared count.
    const pool = f.rankings.find((k) => k.question === 'Lowest overhead at 100 workers, pool mode')!;
    const spawn = f.rankings.find((k) => k.question === 'Lowest overhead at 100 workers, spawn mode')!;
    assert.deepEqual(pool.entries.map((e) => [e.row, e.value]), [['gevent-explicit', 1.1], ['python-threads', 1.9]]);
    assert.deepEqual(spawn.entries.map((e) => [e.row, e.value]), [['python-threads', 2.5], ['gevent-explicit', 4]]);
    assert.match(pool.basis, /1000 workers measured by no row/);
    const xs = f.rows.flatMap((r) => r.items.filter((i) => i.kind === 'crossover').map((i) => [r.row, (i as { mode: string }).mode]));
    assert.deepEqual(xs, [['python-threads', 'pool'], ['gevent-explicit', 'spawn']]);
  });

  it('idle-connections: threads and bytes per connection at the largest step, ranked by memory', () => {
    const r = idleRun();
    const f = computeFindings([r]);
    for (const t of r.targets) {
      const top = t.steps.reduce((a, b) => (b.idle_connections!.connections_open > a.idle_connections!.connections_open ? b : a));
      const i = item(f, t.name, 'idle')!;
      assert.deepEqual([i.connections, i.bytes_per_connection, i.threads_per_connection], [top.idle_connections!.connections_open, top.idle_connections!.bytes_per_connection, top.idle_connections!.threads_per_connection]);
    }
    assert.ok(item(f, 'python-threads', 'idle')!.threads_per_connection! >= 0.9, 'a thread per connection');
    assert.equal(item(f, 'node-eventloop', 'idle')!.threads_per_connection, 0);
    const rank = f.rankings.find((k) => k.question === 'Least memory per idle connection')!;
    const values = rank.entries.map((e) => e.value);
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    assert.equal(rank.entries.length, r.targets.length);
  });

  it('several runs combine: every question answered once, each figure naming its run', () => {
    const f = computeFindings([ioRamp(), overheadRun(), idleRun()]);
    assert.deepEqual(f.runs.map((r) => r.run), ['io-ramp run', 'overhead run', 'idle-connections run']);
    assert.deepEqual(f.rankings.map((k) => k.question), ['Most req/s per server CPU-second', 'Least memory per idle connection', 'Lowest overhead at 1000 workers, spawn mode']);
    const threads = f.rows.find((r) => r.row === 'python-threads')!.items.map((i) => i.kind);
    assert.deepEqual(threads, ['knee', 'peak', 'efficiency', 'idle', 'overhead', 'crossover']);
    const md = findingsToMarkdown(f).join('\n');
    assert.match(md, /^## Findings/);
    assert.match(md, /knee at 500 connections: 0\.62 of the ideal line \(3101 of 5000 req\/s\); on the line up to 250 \(io-ramp run\)/);
    assert.match(md, /1\.000 threads and [\d.]+ KiB per idle connection \(at 1000 open; idle-connections run\)/);
    // The three runs answer their questions; what is left to say is what no run of them measures.
    assert.deepEqual(f.notes.filter((n) => !n.includes('cross-check')), ['no head-of-line run: what heavy requests do to light ones needs one (`lab run head-of-line`)']);
  });

  it('cross-check ratios and the real window, when a run has them', () => {
    const r = ioRamp();
    const t = r.targets.find((x) => x.name === 'gevent-explicit')!;
    // What newer runs write: StepResult.cross_check (lab run --cross-check) and StepResult.window.
    t.steps.forEach((s, i) => {
      const ratio = [0.99, 0.98, 0.97, 0.95, 0.92, 0.86, 0.84][i]!;
      s.cross_check = { tool: 'wrk', connections: s.load, duration_s: 10, rps: s.rps / ratio, latency_ms: { p50: 100, p99: 150 }, errors: 0, ratio, flagged: ratio < 0.9 };
    });
    const peak = t.steps.find((s) => s.load === 500)!;
    peak.window = { scheduled_s: 10, real_s: 12.5 };
    assert.equal(windowSeconds(peak), 12.5);
    const f = computeFindings([r]);
    const cc = item(f, 'gevent-explicit', 'cross-check')!;
    assert.deepEqual([cc.min_ratio, cc.min_at, cc.flagged, cc.per_step.length], [0.84, 1000, 2, 7]);
    assert.match(cc.text, /min 0\.84 at 1000 connections; per step 1: 0\.99, 10: 0\.98/);
    // Latency too (issue 18), computed from both sides' percentiles where the run did not store
    // the ratio: the lab's p99 of 373 ms and 3.59 s against wrk's 150 ms.
    assert.deepEqual(cc.latency_apart, [{ load: 500, p99_ratio: 2.487 }, { load: 1000, p99_ratio: 23.933 }]);
    assert.match(cc.text, /latency lab\/wrk more than 2x apart at 500 \(p99 2\.49\), 1000 \(p99 23\.93\)/);
    const eff = item(f, 'gevent-explicit', 'efficiency')!;
    assert.equal(eff.window_s, 12.5);
    assert.equal(eff.cores, peak.server.cpu_seconds! / 12.5, 'the CPU rate is over the real window');
    assert.equal(eff.rps_per_cpu_second, peak.rps / (peak.server.cpu_seconds! / 12.5), 'answers per second over cores, each over its own window');
    assert.equal(f.notes.some((n) => n.includes('--cross-check')), false);
  });

  it('req/s per server CPU-second divides two rates of one window each (the committed tour: python-processes 548, not 300)', () => {
    // Issue 18 item 6: the tour's summary said "python-processes: 300 (654 req/s on 1.19 cores)",
    // answers counted over duration_s divided by CPU counted over the longer window.real_s.
    const r = readResults(path.join(REPO_ROOT, 'docs', 'results', 'tour', '2026-12-01T22-31-57Z_tour-connections'));
    const eff = item(computeFindings([r]), 'python-processes', 'efficiency')!;
    const peak = r.targets.find((t) => t.name === 'python-processes')!.steps.find((s) => s.load === eff.load)!;
    assert.ok(peak.window!.real_s > peak.duration_s, 'the committed step has a counter window longer than its measure');
    assert.equal(Math.round(eff.rps), 654);
    assert.equal(eff.cores.toFixed(2), '1.19');
    assert.equal(Math.round(eff.rps_per_cpu_second), Math.round(eff.rps / eff.cores));
    // 548.4 exactly (the 549 is 654 / 1.19, from the rounded figures).
    assert.equal(Math.round(eff.rps_per_cpu_second), 548);
    assert.match(eff.text, /^548 req\/s per server CPU-second at its peak \(654 req\/s on 1\.19 cores/);
  });

  it('CPU above what the machine has is flagged and kept out of the ranking', () => {
    const r = ioRamp();
    const step = r.targets.find((x) => x.name === 'python-threads')!.steps.find((s) => s.load === 100)!;
    step.server.cpu_seconds = 89.8;
    const f = computeFindings([r]);
    assert.equal(item(f, 'python-threads', 'efficiency')!.suspect, true);
    assert.ok(!f.rankings[0]!.entries.some((e) => e.row === 'python-threads'));
    assert.ok(f.notes.some((n) => n.startsWith('python-threads:') && n.includes('89.80 server CPU-seconds')));
  });

  it('lab report with several folders writes the combined Findings into the first summary.md (real CLI)', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'lab-findings-'));
    for (const name of ['io-ramp', 'overhead']) cpSync(path.join(RUNS, `${name}-2026-11`), path.join(tmp, name), { recursive: true });
    cpSync(IDLE, path.join(tmp, 'idle'), { recursive: true });
    const res = await runLab(['report', path.join(tmp, 'io-ramp'), path.join(tmp, 'overhead'), path.join(tmp, 'idle')], process.env, 120_000);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Findings from 3 runs, written into .*io-ramp\/summary\.md/);
    assert.match(res.stdout, /Lowest overhead at 1000 workers, spawn mode/);
    const first = readFileSync(path.join(tmp, 'io-ramp', 'summary.md'), 'utf8');
    for (const q of ['Most req/s per server CPU-second', 'Least memory per idle connection', 'Lowest overhead at 1000 workers, spawn mode']) assert.ok(first.includes(q), q);
    // The old overhead run still reports, as spawn mode, with its own Findings only.
    const second = readFileSync(path.join(tmp, 'overhead', 'summary.md'), 'utf8');
    assert.match(second, /## Findings/);
    assert.ok(!second.includes('Most req/s per server CPU-second'));
    assert.match(second, /predate \/overhead modes: read as spawn/);
    assert.ok(readdirSync(path.join(tmp, 'overhead')).includes('overhead-vs-workers-spawn.png'));
    const help = await runLab(['report', '--help'], process.env, 30_000);
    assert.match(help.stdout + help.stderr, /FIRST folder's summary\.md/);
    const none = await runLab(['report', path.join(tmp, 'io-ramp'), path.join(tmp, 'nope')], process.env, 30_000);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /not a results folder/);
  });
  it('head-of-line with trials: rows whose light p99 intervals overlap the best of their group share its rank (the published run)', () => {
    const r = readResults(path.join(REPO_ROOT, 'docs', 'results', 'trials', 'head-of-line'));
    const k = computeFindings([r]).rankings.find((x) => x.question.startsWith('Light requests least delayed'))!;
    const p99 = (row: string) => r.targets.find((t) => t.name === row)!.steps[0]!.intervals!['head_of_line.light.p99_ms']!;
    // Read off the file: order by median, a row ties the best of its group when their intervals overlap.
    const rows = r.targets.map((t) => t.name).sort((a, b) => p99(a).median - p99(b).median);
    const want: { row: string; rank: number }[] = [];
    let best = rows[0]!;
    for (const [i, row] of rows.entries()) {
      if (p99(row).lo > p99(best).hi) best = row;
      want.push({ row, rank: row === best ? i + 1 : want.find((w) => w.row === best)!.rank });
    }
    assert.deepEqual(k.entries.map((e) => ({ row: e.row, rank: e.rank })), want);
    for (const e of k.entries) {
      assert.equal(e.tied, want.filter((w) => w.rank === e.rank).length > 1, `${e.row}: tied only when it shares its rank`);
      const i = p99(e.row);
      assert.deepEqual(e.interval, { median: i.median, lo: i.lo, hi: i.hi, n: i.n });
      assert.match(e.text, / ms with heavy \[[\d.]+, [\d.]+\] \(3\), /);
    }
    assert.match(k.basis, /over the trials, rows whose intervals overlap tied/);
  });
});
