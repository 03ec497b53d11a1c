// The README's set-up commands (scripts/generate/readme-setup.mjs): generated from the rows'
// manifests, and read back by scripts/setup-check.sh exactly as the README shows them.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenerateError } from '../manifests.mjs';
import { TOOL_PACKAGES, fillSetupRegion, rowDebianPackages, setupCommands } from '../readme-setup.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A temporary repository: the generator, the contract, the schema, the upstream and one new Python row. */
function withNewRow(debianPackages, fn) {
  const repo = mkdtempSync(path.join(os.tmpdir(), 'lab-readme-setup-'));
  try {
    cpSync(path.join(REPO, 'scripts', 'generate'), path.join(repo, 'scripts', 'generate'), { recursive: true });
    mkdirSync(path.join(repo, 'contract'));
    copyFileSync(path.join(REPO, 'contract', 'contract.json'), path.join(repo, 'contract', 'contract.json'));
    mkdirSync(path.join(repo, 'services', 'upstream'), { recursive: true });
    copyFileSync(path.join(REPO, 'services', 'service.schema.json'), path.join(repo, 'services', 'service.schema.json'));
    copyFileSync(path.join(REPO, 'services', 'upstream', 'service.json'), path.join(repo, 'services', 'upstream', 'service.json'));
    const row = JSON.parse(readFileSync(path.join(REPO, 'services', 'python-threads', 'service.json'), 'utf8'));
    row.local.requires = { ...row.local.requires, debianPackages };
    mkdirSync(path.join(repo, 'services', row.name));
    writeFileSync(path.join(repo, 'services', row.name, 'service.json'), JSON.stringify(row));
    return fn(repo);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

const README = ['# lab', '', '## Set up', '', '<!-- setup:begin -->', 'old commands', '<!-- setup:end -->', '', 'after'].join('\n');

test("a row's Debian packages reach the README's apt-get line, after apt-get update, with the tools", () => {
  withNewRow(['python3-prometheus-client', 'python3-lab-new-row'], (repo) => {
    assert.deepEqual(rowDebianPackages(repo), ['python3', 'python3-lab-new-row', 'python3-prometheus-client']);
    const text = fillSetupRegion(README, repo);
    const [apt, npm] = setupCommands(rowDebianPackages(repo));
    assert.equal(text, ['# lab', '', '## Set up', '', '<!-- setup:begin -->', '```sh', apt, npm, '```', '<!-- setup:end -->', '', 'after'].join('\n'));
    assert.match(apt, /^sudo apt-get update && sudo apt-get install -y --no-install-recommends python3 python3-lab-new-row python3-prometheus-client prometheus wrk chromium$/);
    assert.match(npm, /^npm ci\b/);
  });
});

test('the apt-get line names each package once, whoever needs it', () => {
  const [apt] = setupCommands(['python3', 'wrk', 'chromium']);
  const words = apt.split('&&')[1].trim().split(/\s+/).slice(5);
  assert.deepEqual(words, ['python3', 'wrk', 'chromium', 'prometheus']);
  for (const tool of TOOL_PACKAGES) assert.equal(words.filter((w) => w === tool).length, 1);
});

test('the README says the same packages as .ci/run installs (debian-packages.mjs)', () => {
  const ciPackages = execFileSync(process.execPath, [path.join(REPO, 'scripts', 'generate', 'debian-packages.mjs')], { encoding: 'utf8' }).trim().split(/\s+/);
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const region = readme.slice(readme.indexOf('<!-- setup:begin -->'), readme.indexOf('<!-- setup:end -->'));
  const apt = region.split('\n').find((l) => l.includes('apt-get install'));
  assert.ok(apt, `no apt-get install line in README.md's set-up region:\n${region}`);
  for (const p of ciPackages) assert.ok(apt.split(/\s+/).includes(p), `README.md's apt-get line lacks ${p}: ${apt}`);
});

test('a README without the set-up markers is an error that names them', () => {
  withNewRow([], (repo) => {
    assert.throws(() => fillSetupRegion('# lab\n', repo), (err) => err instanceof GenerateError && /README\.md: no '<!-- setup:begin -->'/.test(err.message));
  });
});

test('setup-check.sh runs exactly the commands the generator writes into the README', () => {
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'setup-check.sh'), '--print-commands'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), setupCommands(rowDebianPackages(REPO)));
});

test('setup-check.sh fails with a clear message on a README without set-up commands', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-readme-setup-'));
  try {
    const readme = path.join(dir, 'README.md');
    writeFileSync(readme, '# lab\n\n<!-- setup:begin -->\n<!-- setup:end -->\n');
    const r = spawnSync('bash', [path.join(REPO, 'scripts', 'setup-check.sh'), '--readme', readme, '--print-commands'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /FAILED in stage 'read README': no set-up commands in .*README\.md: expected a ```sh block between <!-- setup:begin --> and <!-- setup:end -->/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
