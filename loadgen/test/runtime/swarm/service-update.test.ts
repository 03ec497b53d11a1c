// Limits and restarts are service spec changes; these are the spec edits the swarm gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forced, withLimits } from '../../../src/runtime/swarm/index.js';

const spec = {
  Name: 'lab_node-eventloop',
  Labels: { 'lab.impl': 'node-eventloop' },
  TaskTemplate: {
    ContainerSpec: { Image: 'concurrency-lab/node-eventloop:latest' },
    Resources: { Reservations: { NanoCPUs: 1e8 } },
    Placement: { Constraints: ['node.labels.lab.role == targets'] },
  },
};

test('withLimits sets the limits and keeps everything else of the spec, and clears them again', () => {
  const limited = withLimits(spec, { NanoCPUs: 5e8, MemoryBytes: 256 * 2 ** 20 });
  assert.deepEqual(limited.TaskTemplate?.Resources, { Reservations: { NanoCPUs: 1e8 }, Limits: { NanoCPUs: 5e8, MemoryBytes: 256 * 2 ** 20 } });
  assert.deepEqual(limited.TaskTemplate?.Placement, spec.TaskTemplate.Placement);
  assert.deepEqual(limited.Labels, spec.Labels);
  const restored = withLimits(limited, undefined);
  assert.deepEqual(restored.TaskTemplate?.Resources, { Reservations: { NanoCPUs: 1e8 } });
  assert.deepEqual(restored, spec, 'restoring a service that had no limits gives its spec back exactly');
  assert.equal(spec.TaskTemplate.Resources.Reservations.NanoCPUs, 1e8, 'the input is not changed');
});

test('forced bumps ForceUpdate, so that Swarm replaces the task even though nothing else changed', () => {
  const once = forced(spec);
  assert.equal(once.TaskTemplate?.ForceUpdate, 1);
  assert.equal(forced(once).TaskTemplate?.ForceUpdate, 2);
  assert.equal((spec.TaskTemplate as { ForceUpdate?: number }).ForceUpdate, undefined);
});
