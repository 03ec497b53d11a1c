import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { LabError } from '../../../src/core/errors.js';
import { addressModeFromEnv, endpointOf } from '../../../src/runtime/docker/address.js';
import type { ServiceManifest } from '../../../src/runtime/types.js';

const manifest: ServiceManifest = {
  name: 'python-threads', role: 'implementation', model: 'm', language: 'python', reproduces: 'threadecho2.py',
  concurrencyUnit: 'threads', ports: { http: 8101, line: 8201 }, local: { interpreter: 'python', args: ['service.py'] }, dir: '/x',
};

function info(networkMode: string, env: string[], ports: Record<string, { HostIp: string; HostPort: string }[]> = {}): Docker.ContainerInspectInfo {
  return {
    Name: '/lab_python-threads_1',
    Config: { Env: env, Labels: { 'com.docker.compose.service': 'python-threads' } },
    HostConfig: { NetworkMode: networkMode },
    NetworkSettings: { Ports: ports },
  } as unknown as Docker.ContainerInspectInfo;
}

test('host networking: loopback on the port the container was given (PORT/LINE_PORT)', () => {
  const e = endpointOf(info('host', ['PORT=18101', 'LINE_PORT=18201', 'UPSTREAM_TIMEOUT_MS=3000']), manifest, 'auto', true);
  assert.equal(e.httpUrl, 'http://127.0.0.1:18101');
  assert.deepEqual(e.line, { host: '127.0.0.1', port: 18201 });
  assert.equal(e.metricsUrl, 'http://127.0.0.1:18101/metrics');
  assert.equal(e.upstreamTimeoutMs, 3000);
});

test('lab inside a container, nothing published: the compose service name', () => {
  const e = endpointOf(info('lab_default', []), manifest, 'auto', true);
  assert.equal(e.httpUrl, 'http://python-threads:8101');
  assert.deepEqual(e.line, { host: 'python-threads', port: 8201 });
  assert.equal(e.upstreamTimeoutMs, undefined);
});

test('bridge container with published ports: loopback, wherever the lab runs (auto)', () => {
  const published = info('lab_default', [], {
    '8101/tcp': [{ HostIp: '127.0.0.1', HostPort: '28101' }],
    '8201/tcp': [{ HostIp: '127.0.0.1', HostPort: '28201' }],
  });
  for (const labInContainer of [false, true]) {
    const e = endpointOf(published, manifest, 'auto', labInContainer);
    assert.equal(e.httpUrl, 'http://127.0.0.1:28101');
    assert.deepEqual(e.line, { host: '127.0.0.1', port: 28201 });
  }
  // The compose lab service asks for service names explicitly.
  assert.equal(endpointOf(published, manifest, 'service', true).httpUrl, 'http://python-threads:8101');
});

test('lab on the host, nothing published: a clear error, not a dead URL', () => {
  assert.throws(() => endpointOf(info('lab_default', []), manifest, 'auto', false), (err: unknown) => {
    assert.ok(err instanceof LabError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /python-threads.*neither uses host networking nor publishes port 8101/);
    return true;
  });
});

test('LAB_DOCKER_ADDRESS is checked', () => {
  assert.equal(addressModeFromEnv({}), 'auto');
  assert.equal(addressModeFromEnv({ LAB_DOCKER_ADDRESS: 'service' }), 'service');
  assert.throws(() => addressModeFromEnv({ LAB_DOCKER_ADDRESS: 'bridge' }), /auto, loopback or service/);
});
