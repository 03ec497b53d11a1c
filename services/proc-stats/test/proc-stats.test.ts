import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import {
  ProcessTreeReader,
  parseStat,
  parseTaskStatus,
  processTree,
  readProcessTreeStats,
  readProcessTreeStatsAsync,
} from '../src/proc-stats.js';

test('stat lines with spaces and parentheses in the name parse', () => {
  const line = '1234 (a (weird) name) S 77 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1 2 3';
  assert.deepEqual(parseStat(line), { ppid: 77, cpuTicks: 300, reapedChildrenCpuTicks: 0, threads: 3 });
  assert.equal(parseStat('no name here'), undefined);
});

test('task status lines give both context-switch counts and VmRSS when present', () => {
  const status = 'Name:\tx\nVmRSS:\t  2048 kB\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n';
  assert.deepEqual(parseTaskStatus(status), { voluntary: 12, involuntary: 3, rssKb: 2048 });
  assert.deepEqual(parseTaskStatus('Name:\tkthread\n'), { voluntary: 0, involuntary: 0, rssKb: undefined });
});

test('the tree of this process includes a child and its grandchild, and sums them', async () => {
  // bash -> sleep: a child with a child of its own, both real processes.
  const child = spawn('bash', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
  try {
    let tree: number[] = [];
    for (let i = 0; i < 100 && tree.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      tree = processTree(process.pid);
    }
    assert.ok(tree.includes(child.pid!), 'child in tree');
    assert.ok(tree.length >= 3, `expected self, bash and sleep, got ${tree.join(',')}`);
    const stats = readProcessTreeStats(process.pid)!;
    const self = readProcessTreeStats(child.pid!)!;
    assert.ok(stats.processes >= 3);
    assert.equal(self.processes, 2);
    assert.ok(stats.osThreads > self.osThreads, 'node has more threads than bash+sleep');
    assert.ok(stats.rssBytes > self.rssBytes);
    assert.ok(stats.contextSwitches.voluntary > 0);
    assert.ok(stats.cpuSeconds > 0);
  } finally {
    // Kill the group's members explicitly: sleep would outlive bash otherwise.
    for (const pid of processTree(child.pid!).reverse()) process.kill(pid, 'SIGKILL');
  }
});

test('a pid that is not running gives undefined', () => {
  assert.equal(readProcessTreeStats(2 ** 22 + 1), undefined);
});

const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';

// WORKERS threads each sleep 1 ms SLEEPS times (one voluntary switch each), then print
// "ready" and wait; a line on stdin lets them finish, and "joined" follows once they have.
const THREADED_SCRIPT = `
import sys, threading, time
WORKERS, SLEEPS = 4, 100
done = threading.Barrier(WORKERS + 1)
release = threading.Event()
def work():
    for _ in range(SLEEPS):
        time.sleep(0.001)
    done.wait()
    release.wait()
threads = [threading.Thread(target=work) for _ in range(WORKERS)]
for t in threads: t.start()
done.wait()
print("ready", flush=True)
sys.stdin.readline()
release.set()
for t in threads: t.join()
print("joined", flush=True)
sys.stdin.readline()
`;

/** What the old reader saw: /proc/<pid>/status, the thread-group leader's task alone. */
function leaderSwitches(pid: number): number {
  const status = parseTaskStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return status.voluntary + status.involuntary;
}

function startThreaded(): { child: ChildProcess; next: () => Promise<string> } {
  const child = spawn(PYTHON, ['-c', THREADED_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('python exited early');
    return line.value;
  };
  return { child, next };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

test('context switches are summed over every thread, and every thread is counted', async () => {
  const { child, next } = startThreaded();
  try {
    assert.equal(await next(), 'ready');
    const pid = child.pid!;
    // The leader's own figure first: the sum read after it can only be larger if it counts
    // more than the leader, since every count only grows.
    const leaderOnly = leaderSwitches(pid);
    const sync = readProcessTreeStats(pid)!;
    const viaAsync = (await readProcessTreeStatsAsync(pid))!;
    for (const stats of [sync, viaAsync]) {
      assert.equal(stats.processes, 1);
      assert.equal(stats.osThreads, 5, 'leader + 4 workers');
      const summed = stats.contextSwitches.voluntary + stats.contextSwitches.involuntary;
      // Each worker slept 100 times: at least 400 switches beyond the leader's.
      assert.ok(summed >= leaderOnly + 400, `summed ${summed} vs leader-only ${leaderOnly}`);
      assert.ok(stats.rssBytes > 1_000_000, `rss ${stats.rssBytes}`);
    }
    assert.ok(viaAsync.contextSwitches.voluntary >= sync.contextSwitches.voluntary, 'monotonic between sync and async reads');
  } finally {
    await stop(child);
  }
});

test('context switches of threads that exited stay counted (the counter never goes down)', async () => {
  const { child, next } = startThreaded();
  try {
    assert.equal(await next(), 'ready');
    const pid = child.pid!;
    const reader = new ProcessTreeReader(pid);
    const before = reader.read()!;
    assert.equal(before.osThreads, 5);
    child.stdin!.write('go\n');
    assert.equal(await next(), 'joined');
    const after = (await reader.readAsync())!;
    assert.equal(after.osThreads, 1, 'only the leader is left');
    // Without the retired total the figure would fall back to what the live tasks (now only
    // the leader) show.
    const liveOnly = leaderSwitches(pid);
    assert.ok(liveOnly < before.contextSwitches.voluntary + before.contextSwitches.involuntary, 'the workers mattered');
    assert.ok(after.contextSwitches.voluntary >= before.contextSwitches.voluntary, `${after.contextSwitches.voluntary} < ${before.contextSwitches.voluntary}`);
    assert.ok(after.contextSwitches.involuntary >= before.contextSwitches.involuntary);
    assert.ok(after.cpuSeconds >= before.cpuSeconds);
  } finally {
    await stop(child);
  }
});

// Issue 14: CPU must be the kernel's figure for the whole process, whatever its thread count
// (utime + stime of /proc/<pid>/stat already sums every thread: nothing is added per task),
// and a service with hundreds of threads is read without a file per thread in every pass.
const MANY_THREADS_SCRIPT = `
import sys, threading
N = int(sys.argv[1])
go = threading.Event()
def work():
    x = 0
    for i in range(20000):
        x += i
    go.wait()
threads = [threading.Thread(target=work) for _ in range(N)]
for t in threads: t.start()
print("ready", flush=True)
sys.stdin.readline()
`;

function kernelStat(pid: number): { cpuSeconds: number; threads: number } {
  const s = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!;
  return { cpuSeconds: s.cpuTicks / 100, threads: s.threads };
}

test('a process with 600 threads: CPU and threads are those of /proc/<pid>/stat', async () => {
  const child = spawn(PYTHON, ['-c', MANY_THREADS_SCRIPT, '600'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, 'ready');
    const pid = child.pid!;
    const reader = new ProcessTreeReader(pid);
    for (const stats of [reader.read()!, (await reader.readAsync())!, reader.read()!]) {
      // Read after the reader: the kernel's figure can only be the same or later.
      const kernel = kernelStat(pid);
      assert.equal(stats.processes, 1);
      assert.equal(stats.osThreads, kernel.threads);
      assert.ok(stats.cpuSeconds <= kernel.cpuSeconds && stats.cpuSeconds >= kernel.cpuSeconds - 0.05,
        `reader ${stats.cpuSeconds} CPU-s, /proc/${pid}/stat ${kernel.cpuSeconds}`);
      assert.ok(stats.contextSwitches.voluntary >= 600, 'every thread switched at least once');
    }
  } finally {
    await stop(child);
  }
});
