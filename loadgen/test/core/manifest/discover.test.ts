import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { discoverServices, selectTargets } from '../../../src/core/manifest/index.js';
import { LabError } from '../../../src/core/errors.js';
import { FIXTURE_SERVICES, REPO_ROOT } from '../../helpers/paths.js';

const upstream = { name: 'upstream', role: 'upstream', model: 'm', language: 'typescript', reproduces: 'r', label: 'u', colour: '#000000', image: { recipe: 'node' }, ports: { http: 9000 }, local: { interpreter: 'node', args: ['main.js'] } };
const impl = (name: string, http: number, line: number) => ({
  name, role: 'implementation', model: 'm', language: 'python', reproduces: 'r', concurrencyUnit: 'threads',
  label: name, colour: '#000000', image: { recipe: 'python' }, ports: { http, line }, local: { interpreter: 'python', args: ['service.py'] },
});

function servicesDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-manifest-'));
  for (const [folder, content] of Object.entries(files)) {
    mkdirSync(path.join(dir, folder));
    if (content !== undefined) {
      writeFileSync(path.join(dir, folder, 'service.json'), typeof content === 'string' ? content : JSON.stringify(content));
    }
  }
  return dir;
}

function problemsOf(dir: string): string {
  try {
    discoverServices(dir);
  } catch (err) {
    assert.ok(err instanceof LabError, `expected a LabError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.fail('discoverServices accepted broken manifests');
}

test('the repository manifests are valid, with one upstream, and folders without service.json are skipped', () => {
  const manifests = discoverServices(path.join(REPO_ROOT, 'services'));
  assert.equal(manifests.filter((m) => m.role === 'upstream').length, 1);
  for (const name of ['upstream', 'python-threads', 'node-eventloop']) assert.ok(manifests.some((m) => m.name === name), name);
  for (const shared of ['labcommon', 'labtesting', 'ts-common']) assert.ok(!manifests.some((m) => m.name === shared), shared);
  for (const m of manifests) assert.equal(path.basename(m.dir), m.name);
});

test('a valid tmp services dir is discovered, with dir set and $schema dropped', () => {
  const dir = servicesDir({ upstream: { $schema: '../service.schema.json', ...upstream }, 'a-row': impl('a-row', 8101, 8201), shared: undefined });
  try {
    const manifests = discoverServices(dir);
    assert.deepEqual(manifests.map((m) => m.name).sort(), ['a-row', 'upstream']);
    const row = manifests.find((m) => m.name === 'a-row')!;
    assert.equal(row.dir, path.join(dir, 'a-row'));
    assert.ok(!('$schema' in manifests.find((m) => m.name === 'upstream')!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every problem of every manifest is reported at once, each with its file', () => {
  const dir = servicesDir({
    upstream,
    'bad-json': '{ "name": ',
    'wrong-name': impl('other-name', 8102, 8202),
    'unknown-key': { ...impl('unknown-key', 8103, 8203), flavour: 'blue' },
    'no-unit': { ...impl('no-unit', 8104, 8204), concurrencyUnit: undefined },
    'bad-enum': { ...impl('bad-enum', 8105, 8205), language: 'cobol' },
    'dup-port': impl('dup-port', 8101, 8201),
    'first-port': impl('first-port', 8101, 8206),
  });
  const message = problemsOf(dir);
  assert.match(message, /bad-json[/\\]service\.json: not valid JSON/);
  assert.match(message, /wrong-name[/\\]service\.json: name 'other-name' must equal its folder name 'wrong-name'/);
  assert.match(message, /unknown-key[/\\]service\.json: .*unknown key 'flavour'/);
  assert.match(message, /no-unit[/\\]service\.json: .*concurrencyUnit/);
  assert.match(message, /bad-enum[/\\]service\.json: \/language: .*cobol|bad-enum[/\\]service\.json: \/language/);
  assert.match(message, /ports\.http 8101 is already used by/);
  assert.match(message, /\(6 problems\)|\(7 problems\)/);
});

test('a services dir without an upstream is rejected', () => {
  assert.match(problemsOf(servicesDir({ 'a-row': impl('a-row', 8101, 8201) })), /exactly one service must have role "upstream", found 0/);
});

test('unknown target names are bad input naming the valid ones', () => {
  const manifests = discoverServices(FIXTURE_SERVICES);
  assert.deepEqual(selectTargets(manifests, ['good-echo']).map((m) => m.name), ['good-echo']);
  assert.throws(() => selectTargets(manifests, ['good-echo', 'nope']), (err: LabError) =>
    err.exitCode === 2 && /unknown target 'nope'/.test(err.message) && /valid targets: .*good-echo/.test(err.message) && !/valid targets: .*upstream/.test(err.message));
});
