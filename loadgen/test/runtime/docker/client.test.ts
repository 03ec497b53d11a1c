import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../../src/core/errors.js';
import { openDockerRuntime } from '../../../src/runtime/docker/index.js';

// No daemon needed: these prove the failure path every machine without Docker takes.

test('an unreachable daemon is a LabError (exit 2) that names the socket, not a stack trace', async () => {
  await assert.rejects(openDockerRuntime({ env: { DOCKER_HOST: 'unix:///nonexistent/lab-test-docker.sock' } }), (err: unknown) => {
    assert.ok(err instanceof LabError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /cannot reach the Docker daemon at unix:\/\/\/nonexistent\/lab-test-docker\.sock/);
    assert.match(err.message, /--runtime local/);
    return true;
  });
});

test('an unsupported DOCKER_HOST is bad input', async () => {
  await assert.rejects(openDockerRuntime({ env: { DOCKER_HOST: 'ssh://me@box' } }), /DOCKER_HOST='ssh:\/\/me@box' is not supported/);
});

test('an unknown target is rejected before the daemon is asked', async () => {
  await assert.rejects(
    openDockerRuntime({ targets: ['no-such-row'], env: { DOCKER_HOST: 'unix:///nonexistent/lab-test-docker.sock' } }),
    (err: unknown) => err instanceof LabError && err.exitCode === 2 && /unknown target 'no-such-row'/.test(err.message),
  );
});
