import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseContainer } from '../../../src/runtime/docker/summary.js';
import { summarise } from '../../../src/observe/server-sampler.js';
import type { ContainerUsage } from '../../../src/runtime/types.js';

const usage = (cpuSeconds: number, memoryBytes: number, pids: number, id = 'aaaaaaaaaaaa'): ContainerUsage => ({
  id, name: 'lab_python-threads_1', image: 'concurrency-lab/python-threads:latest',
  cpuSeconds, memoryBytes, pids, cpuLimit: 0.5, procVisible: true,
});

test('a step keeps which container, its limits, the cgroup CPU delta and the peaks', () => {
  assert.deepEqual(summariseContainer([usage(10, 5e6, 3), undefined, usage(11.5, 9e6, 40), usage(12, 7e6, 20)]), {
    id: 'aaaaaaaaaaaa', name: 'lab_python-threads_1', image: 'concurrency-lab/python-threads:latest',
    cpu_limit: 0.5, memory_limit_bytes: null, cpu_seconds: 2, memory_bytes_peak: 9e6, pids_peak: 40, proc_visible: true,
  });
});

test('no delta across a restart (another container), none from one sample, nothing without Docker', () => {
  assert.equal(summariseContainer([usage(10, 1, 1), usage(0.2, 1, 1, 'bbbbbbbbbbbb')])!.cpu_seconds, null);
  assert.equal(summariseContainer([usage(10, 1, 1)])!.cpu_seconds, null);
  assert.equal(summariseContainer([undefined, undefined]), undefined);
});

test('server usage of a step carries server.container only when the runtime gave container stats', () => {
  const local = summarise([{ t: 0, cpuSeconds: 1 }, { t: 1, cpuSeconds: 2 }]);
  assert.equal('container' in local, false);
  const docker = summarise([{ t: 0, cpuSeconds: 1, container: usage(1, 1e6, 2) }, { t: 1, cpuSeconds: 2, container: usage(2, 2e6, 3) }]);
  assert.equal((docker.container as { cpu_seconds: number }).cpu_seconds, 1);
});
