import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabMetrics } from '../src/metrics.js';
import { ProcessTreeReader } from '@concurrency-lab/proc-stats';
import { readSelfStats } from '../src/self-stats.js';

function burn(seconds: number): void {
  const start = process.cpuUsage();
  while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1e6 < seconds) { /* spin */ }
}

test('a childless process\'s own counters agree with the /proc walk of its tree', () => {
  const tree = new ProcessTreeReader(process.pid).read()!;
  const self = readSelfStats();
  // Ticks (10 ms) against microseconds, read a moment apart.
  assert.ok(Math.abs(self.cpuSeconds - tree.cpuSeconds) < 0.05, `self ${self.cpuSeconds} vs tree ${tree.cpuSeconds}`);
  assert.equal(self.osThreads, tree.osThreads);
  assert.equal(self.processes, 1);
  assert.ok(Math.abs(self.rssBytes - tree.rssBytes) < 0.2 * tree.rssBytes, `rss ${self.rssBytes} vs ${tree.rssBytes}`);
  // getrusage counts exited threads too, so it is never below the live tasks' sum by much.
  assert.ok(self.contextSwitches.voluntary + self.contextSwitches.involuntary > 0);
  const before = readSelfStats().cpuSeconds;
  burn(0.2);
  const spent = readSelfStats().cpuSeconds - before;
  assert.ok(spent >= 0.2 && spent < 0.3, `burnt 0.2 s, counted ${spent}`);
});

test("processTree: 'self' serves the contract's process series from the process's own counters", async () => {
  const m = createLabMetrics({ impl: 'self-test', model: 'm', language: 'typescript', runtime: 'r', concurrencyUnit: 'promises', processTree: 'self' });
  try {
    burn(0.05);
    const text = await m.exposition();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('process_cpu_seconds_total') >= 0.05, text.slice(0, 200));
    assert.equal(value('lab_os_threads'), readSelfStats().osThreads);
    assert.ok(value('process_resident_memory_bytes') > 10 * 1024 * 1024);
    assert.match(text, /lab_context_switches_total\{kind="voluntary",impl="self-test"\} [1-9]/);
  } finally {
    m.close();
  }
});
