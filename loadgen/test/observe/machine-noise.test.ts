import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { parseStat } from '@concurrency-lab/proc-stats';
import { assignParts, machineNoise, MachineNoiseRecorder, parseCpuTimes, snapshotMachine } from '../../src/observe/machine-noise.js';

const SPIN = 'const end = Date.now() + 4000; while (Date.now() < end) {}';

test('parses the aggregate cpu line of /proc/stat', () => {
  const text = 'cpu  100 5 40 900 20 3 7 11 0 0\ncpu0 50 2 20 450 10 1 3 5 0 0\nintr 1 2\n';
  assert.deepEqual(parseCpuTimes(text), { process: 145, irq: 10, steal: 11, total: 1086 });
  assert.throws(() => parseCpuTimes('intr 1 2\n'), /no aggregate cpu line/);
});

test('each process goes to the first part holding it or an ancestor, by root pid or process group', () => {
  const procs = [
    { pid: 10, ppid: 1, pgrp: 10 }, // the lab
    { pid: 11, ppid: 10, pgrp: 11 }, // a row the lab spawned in its own group
    { pid: 12, ppid: 11, pgrp: 11 }, // the row's worker
    { pid: 13, ppid: 10, pgrp: 10 }, // the lab's other child
    { pid: 20, ppid: 1, pgrp: 11 }, // reparented member of the row's group
    { pid: 30, ppid: 1, pgrp: 30 }, // someone else
  ];
  const owners = assignParts(procs, [{ name: 'row', pgids: [11] }, { name: 'lab', pids: [10] }]);
  assert.deepEqual(Object.fromEntries(owners), { 10: 'lab', 11: 'row', 12: 'row', 13: 'lab', 20: 'row' });
});

function cpuTicksOf(pid: number): number {
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!.cpuTicks;
}

test('a busy process outside the lab is foreign; a busy process in a lab group is the lab\'s', { timeout: 20_000 }, async () => {
  // Foreign: started through a shell that exits at once, so that it is not our descendant.
  const out = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} -e ${JSON.stringify(SPIN)} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
  const foreignPid = Number(out.stdout.trim());
  assert.ok(foreignPid > 0, `started the foreign spinner: ${out.stdout} ${out.stderr}`);
  // Lab-owned: our child in its own process group, as the local runtime starts rows.
  const row = spawn(process.execPath, ['-e', SPIN], { detached: true, stdio: 'ignore' });
  try {
    await sleep(300);
    const parts = [{ name: 'row', pgids: [row.pid!] }, { name: 'lab', pids: [process.pid] }];
    const before = snapshotMachine(parts);
    const t0 = [cpuTicksOf(foreignPid), cpuTicksOf(row.pid!)];
    await sleep(1500);
    const after = snapshotMachine(parts);
    const t1 = [cpuTicksOf(foreignPid), cpuTicksOf(row.pid!)];
    const noise = machineNoise(before, after);
    const seconds = noise.window_s;
    const [foreignCores, rowCores] = [0, 1].map((i) => (t1[i]! - t0[i]!) / 100 / seconds);
    const slack = 0.05 + noise.resolution_cores;
    assert.ok(foreignCores! > 0.2 && rowCores! > 0.2, `both spinners ran: ${foreignCores}, ${rowCores}`);
    assert.ok(Math.abs(noise.lab_cpu_cores.row! - rowCores!) < slack, `row ${noise.lab_cpu_cores.row} vs its own ${rowCores}`);
    // The foreign spinner is in foreign CPU (with whatever else this machine runs), not in the lab's.
    assert.ok(noise.foreign_cpu_cores > foreignCores! - slack, `foreign ${noise.foreign_cpu_cores} >= spinner ${foreignCores}`);
    assert.ok(noise.lab_cpu_cores.lab! < 0.2, `the test process itself sleeps: ${noise.lab_cpu_cores.lab}`);
    assert.ok(Math.abs(noise.lab_cpu_cores.total - noise.lab_cpu_cores.row! - noise.lab_cpu_cores.lab!) < 1e-9);
    assert.equal(noise.busy_machine, true);
    // Who it was: the foreign spinner by name and pid, the lab's own spinner never.
    const spinner = noise.foreign_top!.find((p) => p.pid === foreignPid);
    assert.ok(spinner && spinner.name === 'node' && Math.abs(spinner.cores - foreignCores!) < slack, JSON.stringify(noise.foreign_top));
    assert.ok(!noise.foreign_top!.some((p) => p.pid === row.pid), 'the lab\'s row is not foreign');
    assert.ok(noise.steal_pct >= 0 && noise.steal_pct <= 100);
    assert.equal(noise.loadavg.length, 3);
  } finally {
    for (const pid of [foreignPid, row.pid!]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
});

test('the recorder gives one window per interval and one for the whole', async () => {
  const recorder = new MachineNoiseRecorder(() => [{ name: 'lab', pids: [process.pid] }], 200);
  assert.deepEqual(recorder.stop(), { windows: [], whole: undefined });
  recorder.start();
  await sleep(750);
  const { windows, whole } = recorder.stop();
  assert.ok(windows.length >= 3, `${windows.length} windows`);
  assert.ok(Math.abs(windows.reduce((s, w) => s + w.window_s, 0) - whole!.window_s) < 1e-9);
  assert.ok(windows.every((w) => w.foreign_cpu_cores >= 0 && w.lab_cpu_cores.total >= 0));
});

test('a short window is busy only above its own rounding; a kernel worker that renames itself is not counted for its whole life', () => {
  const snap = (atMs: number, processTicks: number, labTicks: number, foreign: [number, string, number][]) => ({
    atMs, cpu: { process: processTicks, irq: 0, steal: 0, total: processTicks * 2 }, parts: { lab: labTicks }, labProcesses: 6,
    foreign: new Map(foreign.map(([pid, comm, ticks]) => [pid, { comm, ticks }])), loadavg: [0, 0, 0] as [number, number, number],
  });
  // 0.14 s (an overhead step at 1,000 workers): 1 foreign tick reads as 0.07 cores, the rounding is 0.5.
  const short = machineNoise(snap(0, 1000, 900, [[77, 'kworker/1:1-events', 5000]]), snap(140, 1013, 912, [[77, 'kworker/1:1-virtio_vsock', 5001]]));
  assert.ok(short.foreign_cpu_cores > 0.05 && short.resolution_cores > short.foreign_cpu_cores, JSON.stringify(short));
  assert.equal(short.busy_machine, false, 'a reading inside its rounding is not a busy machine');
  assert.deepEqual(short.foreign_top, [], 'one tick of the renamed kworker, not its 5,001');
  // 4 s with 0.5 core of foreign CPU: busy, and named.
  const long = machineNoise(snap(0, 1000, 900, [[88, 'stress', 100]]), snap(4000, 1500, 1200, [[88, 'stress', 300]]));
  assert.equal(long.busy_machine, true);
  assert.deepEqual(long.foreign_top, [{ name: 'stress', pid: 88, cores: 0.5 }]);
});
