import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { parseStat, processTree, readProcessTreeStats } from '../src/proc-stats.js';

test('stat lines with spaces and parentheses in the name parse', () => {
  const line = '1234 (a (weird) name) S 77 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1 2 3';
  assert.deepEqual(parseStat(line), { ppid: 77, cpuTicks: 300 });
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
