import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { containerUsageOf, workingSetBytes } from '../../../src/runtime/docker/stats.js';

// Shapes of real `GET /containers/{id}/stats?stream=false` answers (trimmed): Docker 20.10
// on cgroup v1, and the cgroup v2 shape.
const cgroupV1 = {
  cpu_stats: { cpu_usage: { total_usage: 35_709_826 } },
  memory_stats: { usage: 434_176, stats: { cache: 45_056, inactive_file: 32_768, total_inactive_file: 32_768, rss: 98_304 } },
  pids_stats: { current: 3 },
};
const cgroupV2 = {
  cpu_stats: { cpu_usage: { total_usage: 2_500_000_000 } },
  memory_stats: { usage: 10_000_000, stats: { inactive_file: 4_000_000, anon: 5_000_000 } },
  pids_stats: { current: 12 },
};

function inspectWith(hostConfig: Partial<Docker.HostConfig>): Pick<Docker.ContainerInspectInfo, 'Id' | 'Name' | 'Config' | 'HostConfig'> {
  return {
    Id: '0123456789abcdef0123456789abcdef',
    Name: '/lab_python-threads_1',
    Config: { Image: 'concurrency-lab/python-threads:latest' } as Docker.ContainerInspectInfo['Config'],
    HostConfig: hostConfig as Docker.HostConfig,
  };
}

test('working set subtracts inactive file cache like the docker CLI, on cgroup v1 and v2', () => {
  assert.equal(workingSetBytes(cgroupV1.memory_stats), 434_176 - 32_768);
  assert.equal(workingSetBytes(cgroupV2.memory_stats), 6_000_000);
  // Cache larger than usage (seen during reclaim) must not go negative.
  assert.equal(workingSetBytes({ usage: 100, stats: { total_inactive_file: 500 } }), 100);
  assert.equal(workingSetBytes(undefined), 0);
});

test('container usage: CPU seconds from nanoseconds, pids, no limits when none are set', () => {
  const u = containerUsageOf(cgroupV2, inspectWith({ NanoCpus: 0, Memory: 0 }), false);
  assert.equal(u.id, '0123456789ab');
  assert.equal(u.name, 'lab_python-threads_1');
  assert.equal(u.image, 'concurrency-lab/python-threads:latest');
  assert.equal(u.cpuSeconds, 2.5);
  assert.equal(u.memoryBytes, 6_000_000);
  assert.equal(u.pids, 12);
  assert.equal(u.cpuLimit, undefined);
  assert.equal(u.memoryLimitBytes, undefined);
  assert.equal(u.procVisible, false);
});

test('container usage reports real limits, and the widest ones (what restore sets) as none', () => {
  const limited = containerUsageOf(cgroupV1, inspectWith({ NanoCpus: 500_000_000, Memory: 256 * 2 ** 20 }), true);
  assert.equal(limited.cpuLimit, 0.5);
  assert.equal(limited.memoryLimitBytes, 256 * 2 ** 20);
  const widest = containerUsageOf(cgroupV1, inspectWith({ NanoCpus: os.availableParallelism() * 1e9, Memory: os.totalmem() }), true);
  assert.equal(widest.cpuLimit, undefined);
  assert.equal(widest.memoryLimitBytes, undefined);
});
