// Every implementation's manifest either declares an overheadWitness whose command runs and
// answers the /overhead JSON for a tiny run in both modes, or is listed as having none. The rows
// are found in services/ (no list here), so a new row is covered the day its folder lands.
// No server, no port: a witness runs outside any server by definition.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { discoverServices } from '../../src/core/manifest/index.js';
import type { OverheadWitness, ServiceManifest } from '../../src/core/manifest/types.js';
import { checkJava } from '../../src/runtime/local/java-build.js';
import { prepareWitness, runWitness, witnessCommand, witnessesOf } from '../../src/runtime/local/witness.js';
import { REPO_ROOT } from '../helpers/paths.js';

const manifests = discoverServices(path.join(REPO_ROOT, 'services'));
const { withWitness, without } = witnessesOf(manifests);
const TINY = { workers: 2, tasks: 4, sleepMs: 1 };
const TIMEOUT_MS = 120_000;

test('every implementation is either witnessed or listed as having none', (t) => {
  const impls = manifests.filter((m) => m.role === 'implementation').map((m) => m.name).sort();
  assert.ok(impls.length > 0, 'no implementation manifests found');
  assert.deepEqual([...withWitness.map((m) => m.name), ...without].sort(), impls);
  t.diagnostic(`witnessed: ${withWitness.map((m) => m.name).join(', ')}`);
  t.diagnostic(`no witness: ${without.join(', ') || '(none)'}`);
});

/** Why a Java witness cannot run here ('' when it can): Debian 12 has no JDK 21, a state, not a fault. */
async function noJdk(row: ServiceManifest & { overheadWitness: OverheadWitness }): Promise<string> {
  if (row.overheadWitness.interpreter !== 'java') return '';
  const java = await checkJava();
  return java.ok ? '' : `no JDK 21 on this host (${java.reason}); install: ${java.hint}`;
}

for (const row of withWitness) {
  test(`${row.name}'s witness answers the /overhead JSON in both modes`, async (t) => {
    const skip = await noJdk(row);
    if (skip) return t.skip(skip);
    // Not a skip: a witness that cannot run (Go missing, TypeScript not built) is a failure with its fix.
    assert.equal(await prepareWitness(row, row.overheadWitness), '');
    for (const mode of ['pool', 'spawn']) {
      const answer = await runWitness(row, row.overheadWitness, { ...TINY, mode }, TIMEOUT_MS);
      assert.deepEqual(
        { workers: answer.workers, tasks: answer.tasks, sleep_ms: answer.sleep_ms, mode: answer.mode, ideal_s: answer.ideal_s, where: answer.where },
        { workers: 2, tasks: 4, sleep_ms: 1, mode, ideal_s: 0.002, where: 'standalone' },
        `${row.name} ${mode}: ${JSON.stringify(answer)}`,
      );
      assert.equal(typeof answer.elapsed_s, 'number');
      // Each task sleeps 1 ms, so elapsed is about the ideal 4 x 1 ms / 2 or more; "about": Node's
      // timers run on libuv's loop time, cached in whole milliseconds, so a 1 ms sleep can end a
      // few microseconds short of 1 ms on performance.now() (CI read node-cluster 0.997).
      assert.ok(typeof answer.overhead === 'number' && answer.overhead >= 0.95, `${row.name} ${mode}: overhead ${answer.overhead}`);
    }
  });

  test(`${row.name}'s witness refuses a bad mode with the contract's reason`, async (t) => {
    const skip = await noJdk(row);
    if (skip) return t.skip(skip);
    await assert.rejects(runWitness(row, row.overheadWitness, { ...TINY, mode: 'bogus' }, TIMEOUT_MS), /exit 2\).*mode must be one of pool, spawn/s);
  });
}

function fixtureRow(dir: string, extra: Partial<ServiceManifest>): ServiceManifest {
  return {
    name: 'fixture-row', role: 'implementation', model: 'm', language: 'python', reproduces: 'r', concurrencyUnit: 'threads',
    ports: { http: 1, line: 2 }, local: { interpreter: 'python', args: ['service.py'], pythonPath: ['../common'] }, dir, ...extra,
  };
}

test('a row without overheadWitness is listed by name, an upstream is not a row', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-witness-'));
  const plain = fixtureRow(dir, {});
  const upstream = fixtureRow(dir, { name: 'up', role: 'upstream' });
  const witnessed = fixtureRow(dir, { name: 'w', overheadWitness: { interpreter: 'python', args: ['x.py'] } });
  const found = witnessesOf([plain, upstream, witnessed]);
  assert.deepEqual(found.without, ['fixture-row']);
  assert.deepEqual(found.withWitness.map((m) => m.name), ['w']);
});

test('a python witness runs in the row folder with the row folder and local.pythonPath on PYTHONPATH', () => {
  const dir = path.join(REPO_ROOT, 'services', 'fixture-row');
  const cmd = witnessCommand(fixtureRow(dir, {}), { interpreter: 'python', args: ['../common/w.py', '--unit', 'u'] }, { ...TINY, mode: 'spawn', warmup: true }, { PATH: '/bin' });
  assert.equal(cmd.cwd, dir);
  assert.deepEqual(cmd.args, [path.join(REPO_ROOT, 'services', 'common', 'w.py'), '--unit', 'u', '--mode', 'spawn', '--workers', '2', '--tasks', '4', '--sleep-ms', '1', '--warmup']);
  assert.equal(cmd.env.PYTHONPATH, [dir, path.join(REPO_ROOT, 'services', 'common')].join(path.delimiter));
});

test('a witness whose script is missing is not runnable, and says which file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-witness-'));
  writeFileSync(path.join(dir, 'service.json'), '{}');
  const problem = await prepareWitness(fixtureRow(dir, {}), { interpreter: 'node', args: ['dist/bench/missing.js'] });
  assert.match(problem, /missing\.js is missing \(the TypeScript is not compiled: npm run build\)/);
});

test('a witness that prints no JSON is an error carrying its output', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-witness-'));
  writeFileSync(path.join(dir, 'w.mjs'), "process.stdout.write('not json'); process.stderr.write('said why');\n");
  await assert.rejects(runWitness(fixtureRow(dir, {}), { interpreter: 'node', args: ['w.mjs'] }, { ...TINY, mode: 'pool' }, TIMEOUT_MS), /fixture-row's witness .*not json said why/s);
});
