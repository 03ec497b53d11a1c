// docker-stack.yml from the manifests (scripts/generate/stack.mjs): every row placed, labelled,
// health-checked and on the host network; the control and loadgen services where they belong;
// every swarm config a file of the repository; Prometheus scraping each row's port on its nodes.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readManifests } from '../manifests.mjs';
import { stackFiles, STACK_FILE, SWARM_PROMETHEUS_FILE } from '../stack.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function generated() {
  const manifests = await readManifests(REPO);
  const files = new Map(stackFiles({ repo: REPO, manifests }).map((f) => [f.file, f.text]));
  return { manifests, stack: parse(files.get(STACK_FILE)), prometheus: parse(files.get(SWARM_PROMETHEUS_FILE)) };
}

test('every row and the upstream: on targets nodes, host network, labels on the service and its tasks, ports from the manifest, health check', async () => {
  const { manifests, stack } = await generated();
  assert.deepEqual(stack.networks.hostnet, { external: true, name: 'host' });
  for (const m of manifests) {
    const s = stack.services[m.name];
    assert.ok(s, `${m.name} is a service of the stack`);
    assert.equal(s.image, `concurrency-lab/${m.name}:\${LAB_IMAGE_TAG:-latest}`);
    assert.deepEqual(s.networks, ['hostnet']);
    assert.deepEqual(s.deploy.placement.constraints, ['node.labels.lab.role == ${LAB_TARGETS_ROLE:-targets}']);
    assert.deepEqual(s.labels, s.deploy.labels, `${m.name}: task labels = service labels`);
    assert.equal(s.labels['lab.role'], m.role);
    assert.equal(s.labels['lab.impl'], m.role === 'implementation' ? m.name : undefined);
    assert.equal(s.environment.PORT, String(m.ports.http));
    assert.equal(s.environment.LINE_PORT, m.ports.line === undefined ? undefined : String(m.ports.line));
    assert.ok(s.healthcheck.interval && s.healthcheck.retries, `${m.name} health check timing`);
    assert.equal(s.deploy.replicas, 1);
    if (m.role === 'implementation') assert.equal(s.environment.UPSTREAM_URL, `http://\${LAB_UPSTREAM_HOST:-127.0.0.1}:${manifests.find((x) => x.role === 'upstream').ports.http}`);
  }
});

test('Prometheus, Grafana and the lab on control managers, load generators on loadgen nodes, every config a file of the repository', async () => {
  const { stack } = await generated();
  for (const name of ['prometheus', 'lab']) {
    assert.deepEqual(stack.services[name].deploy.placement.constraints, ['node.labels.lab.role == ${LAB_CONTROL_ROLE:-control}', 'node.role == manager'], name);
  }
  assert.deepEqual(stack.services.grafana.deploy.placement.constraints, ['node.labels.lab.role == ${LAB_CONTROL_ROLE:-control}']);
  assert.deepEqual(stack.services.lab.command, ['up', '--runtime', 'swarm']);
  const loadgen = stack.services.loadgen;
  assert.deepEqual(loadgen.deploy.placement.constraints, ['node.labels.lab.role == ${LAB_LOADGEN_ROLE:-loadgen}']);
  assert.equal(loadgen.deploy.replicas, 0, 'no load until a run asks for it');
  const configs = Object.entries(stack.configs);
  assert.ok(configs.length >= 5);
  for (const [name, c] of configs) assert.ok(existsSync(path.join(REPO, c.file)), `config ${name}: ${c.file} exists`);
  const used = Object.values(stack.services).flatMap((s) => (s.configs ?? []).map((c) => c.source));
  assert.deepEqual([...new Set(used)].sort(), configs.map(([n]) => n).sort(), 'every config is mounted, none is missing');
});

test('the swarm Prometheus config has a job per service scraping <node address>:<its port> on the nodes of its role', async () => {
  const { manifests, prometheus } = await generated();
  assert.equal(prometheus.global.scrape_interval, '1s');
  const jobs = new Map(prometheus.scrape_configs.map((j) => [j.job_name, j]));
  assert.deepEqual([...jobs.keys()].sort(), [...manifests.map((m) => m.name), 'lab'].sort());
  for (const m of manifests) {
    const j = jobs.get(m.name);
    assert.equal(j.dockerswarm_sd_configs[0].role, 'nodes');
    const [keep, address] = j.relabel_configs;
    assert.deepEqual([keep.action, keep.regex], ['keep', 'targets|all']);
    assert.equal(address.replacement, `$1:${m.ports.http}`);
  }
  assert.equal(jobs.get('lab').relabel_configs[0].regex, 'control|all');
});
