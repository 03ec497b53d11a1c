import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { LabError } from '../src/core/errors.js';
import { discoverServices, implementationsOf, upstreamOf } from '../src/core/manifest/index.js';
import { openDockerRuntime } from '../src/runtime/docker/index.js';
import type { LabRuntime } from '../src/runtime/types.js';

// Needs a Docker daemon with the lab's hostnet stack up (scripts/docker-e2e.sh starts it and
// runs these). Never skipped there: a missing daemon or container is a failure.

const ROW = 'python-threads';
let runtime: LabRuntime;
const docker = new Docker();

before(async () => {
  runtime = await openDockerRuntime({});
});
after(async () => {
  await runtime?.stop();
});

async function inspectOf(name: string): Promise<Docker.ContainerInspectInfo> {
  const [c] = await docker.listContainers({ filters: { label: [`lab.impl=${name}`] } });
  assert.ok(c, `a running container labelled lab.impl=${name}`);
  return docker.getContainer(c.Id).inspect();
}

async function echo(url: string, cpuIters = 0): Promise<string> {
  const res = await fetch(`${url}/echo?text=hello&delay_ms=1&cpu_iters=${cpuIters}`);
  assert.equal(res.status, 200);
  return res.text();
}

test('attaches to every row and the upstream by label, on loopback with host networking', () => {
  assert.equal(runtime.kind, 'docker');
  assert.deepEqual(runtime.unavailable, []);
  const manifests = discoverServices();
  assert.equal(runtime.upstream.httpUrl, `http://127.0.0.1:${upstreamOf(manifests).ports.http}`);
  const names = runtime.targets.map((t) => t.name).sort();
  assert.deepEqual(names, implementationsOf(manifests).map((m) => m.name).sort());
  for (const t of runtime.targets) {
    assert.equal(t.httpUrl, `http://127.0.0.1:${t.manifest.ports.http}`);
    assert.deepEqual(t.line, { host: '127.0.0.1', port: t.manifest.ports.line });
  }
});

test('stats: the cgroup figures of the container, and /proc figures since its processes are visible here', async () => {
  const target = runtime.targets.find((t) => t.name === ROW)!;
  const first = await runtime.stats(ROW);
  assert.ok(first?.container, 'container usage present');
  const info = await inspectOf(ROW);
  assert.equal(first.container.id, info.Id.slice(0, 12));
  assert.equal(first.container.name, info.Name.slice(1));
  assert.equal(first.container.procVisible, true);
  assert.ok(first.container.memoryBytes > 1_000_000, `memory ${first.container.memoryBytes}`);
  assert.ok((first.container.pids ?? 0) >= 1);
  assert.ok(first.osThreads >= 1 && first.processes >= 1);
  assert.ok(first.rssBytes > 1_000_000);
  // Work with CPU in it must show up in the cgroup's CPU time and in context switches.
  for (let i = 0; i < 20; i++) await echo(target.httpUrl, 200_000);
  const second = await runtime.stats(ROW);
  assert.ok(second!.container!.cpuSeconds > first.container.cpuSeconds, `${second!.container!.cpuSeconds} > ${first.container.cpuSeconds}`);
  assert.equal(second!.cpuSeconds, second!.container!.cpuSeconds);
  const switches = (s: typeof first) => s.contextSwitches.voluntary + s.contextSwitches.involuntary;
  assert.ok(switches(second!) > switches(first));
});

test('stats cross-check: CPU seconds match the cgroup file the kernel keeps', async (t) => {
  const info = await inspectOf(ROW);
  const candidates = [
    `/sys/fs/cgroup/cpuacct/docker/${info.Id}/cpuacct.usage`, // cgroup v1, cgroupfs driver
    `/sys/fs/cgroup/cpu,cpuacct/docker/${info.Id}/cpuacct.usage`,
  ];
  const { readFile } = await import('node:fs/promises');
  let kernelNs: number | undefined;
  for (const f of candidates) {
    try { kernelNs = Number((await readFile(f, 'utf8')).trim()); break; } catch { /* next */ }
  }
  if (kernelNs === undefined) {
    t.diagnostic('no cgroup v1 cpuacct file for the container on this host; cross-check not possible');
    return;
  }
  const s = await runtime.stats(ROW);
  // Idle container: the kernel's counter read just before must not exceed Docker's read after.
  assert.ok(s!.container!.cpuSeconds * 1e9 >= kernelNs, `${s!.container!.cpuSeconds * 1e9} >= ${kernelNs}`);
  assert.ok(s!.container!.cpuSeconds * 1e9 - kernelNs < 1e9, 'same counter, read within a second');
});

test('limits: applied to the container, visible in stats, restored', async () => {
  await runtime.applyLimits!(ROW, { cpus: 0.5, memory: 256 * 2 ** 20 });
  let info = await inspectOf(ROW);
  assert.equal(info.HostConfig.NanoCpus, 500_000_000);
  assert.equal(info.HostConfig.Memory, 256 * 2 ** 20);
  assert.equal(info.HostConfig.MemorySwap, 256 * 2 ** 20);
  const limited = await runtime.stats(ROW);
  assert.equal(limited!.container!.cpuLimit, 0.5);
  assert.equal(limited!.container!.memoryLimitBytes, 256 * 2 ** 20);
  // Still serving under the limit.
  assert.match(await echo(runtime.targets.find((t) => t.name === ROW)!.httpUrl), /^echo: /);

  await runtime.restoreLimits!(ROW);
  info = await inspectOf(ROW);
  const restored = await runtime.stats(ROW);
  assert.equal(restored!.container!.cpuLimit, undefined, `NanoCpus ${info.HostConfig.NanoCpus} limits nothing`);
  assert.equal(restored!.container!.memoryLimitBytes, undefined, `Memory ${info.HostConfig.Memory} limits nothing`);
});

test('bad limits are refused as bad input and change nothing', async () => {
  const before = await inspectOf(ROW);
  await assert.rejects(runtime.applyLimits!(ROW, { cpus: 0 }), (err: unknown) => err instanceof LabError && err.exitCode === 2);
  const afterInfo = await inspectOf(ROW);
  assert.equal(afterInfo.HostConfig.NanoCpus, before.HostConfig.NanoCpus);
});

test('restart: a new process, healthy again, answering', async () => {
  const before = await inspectOf('gevent-explicit');
  await runtime.restart('gevent-explicit');
  const afterInfo = await inspectOf('gevent-explicit');
  assert.notEqual(afterInfo.State.Pid, before.State.Pid);
  assert.notEqual(afterInfo.State.StartedAt, before.State.StartedAt);
  assert.match(await echo(runtime.targets.find((t) => t.name === 'gevent-explicit')!.httpUrl), /^echo: /);
});

test('an unknown service name is a clear error', async () => {
  await assert.rejects(runtime.stats('no-such-row'), /no-such-row is not a service of this Docker lab/);
});

test('a compose project that does not exist: no upstream, exit 2 with how to start it', async () => {
  await assert.rejects(openDockerRuntime({ env: { ...process.env, LAB_DOCKER_PROJECT: 'no-such-project' } }), (err: unknown) => {
    assert.ok(err instanceof LabError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /no upstream container .* in compose project 'no-such-project'/);
    assert.match(err.message, /docker compose up -d/);
    return true;
  });
});
