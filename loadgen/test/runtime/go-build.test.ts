// The local runtime's build of a Go row (src/runtime/local/go-build.ts): the image recipe's
// command, a rebuild only when a source is newer, and a missing Go named with its install
// command. Builds a tiny row in a temporary folder, never the real rows' binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureGoBinary, GO_BUILD_ENV, goBuildArgs, goCommand } from '../../src/runtime/local/go-build.js';
import { checkAvailability } from '../../src/runtime/local/interpreters.js';
import type { ServiceManifest } from '../../src/runtime/types.js';
import { REPO_ROOT } from '../helpers/paths.js';

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
const INSTALL_GO = `${sudo}apt-get install -y golang-go`;

function tinyRow(source: string): ServiceManifest {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-go-row-'));
  writeFileSync(path.join(dir, 'main.go'), source);
  return {
    name: 'tiny-go', role: 'implementation', model: 'm', language: 'go', reproduces: 'r', concurrencyUnit: 'goroutines',
    ports: { http: 8150, line: 8250 }, image: { recipe: 'go' },
    local: { interpreter: 'go', args: ['bin/tiny-go'], requires: { debianPackages: ['golang-lab-fixture-dev'] } }, dir,
  };
}

function requireGo(): void {
  const probe = spawnSync(goCommand(), ['version'], { encoding: 'utf8' });
  // Not a skip: CI installs golang-go (.ci/run), so a missing Go is a broken machine.
  assert.equal(probe.error, undefined, `these tests build Go: ${INSTALL_GO} golang-github-prometheus-client-golang-dev`);
}

test('the local build is the image recipe\'s command and environment (scripts/generate/dockerfile-go.mjs)', async () => {
  const recipe = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'dockerfile-go.mjs')).href) as {
    GO_ENV: [string, string][]; goBuild(output: string): string;
  };
  assert.deepEqual(Object.entries(GO_BUILD_ENV), recipe.GO_ENV);
  const shell = goBuildArgs('OUT').map((a) => (a.includes(' ') ? a.replace(/=(.*)$/, '="$1"') : a));
  assert.equal(['go', ...shell].join(' '), recipe.goBuild('OUT'));
});

test('builds a missing binary, reuses it while no source is newer, rebuilds after an edit', async () => {
  requireGo();
  const row = tinyRow('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tiny one") }\n');
  try {
    const first = await ensureGoBinary(row);
    assert.ok(first.ok, JSON.stringify(first));
    assert.equal(first.built, true);
    assert.equal(first.binary, path.join(row.dir, 'bin', 'tiny-go'));
    assert.equal(execFileSync(first.binary, { encoding: 'utf8' }), 'tiny one\n');
    const again = await ensureGoBinary(row);
    assert.deepEqual(again, { ok: true, binary: first.binary, built: false });

    writeFileSync(path.join(row.dir, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tiny two") }\n');
    const later = new Date(Date.now() + 5_000); // newer than the binary whatever the clock's resolution
    utimesSync(path.join(row.dir, 'main.go'), later, later);
    const rebuilt = await ensureGoBinary(row);
    assert.ok(rebuilt.ok && rebuilt.built, JSON.stringify(rebuilt));
    assert.equal(execFileSync(first.binary, { encoding: 'utf8' }), 'tiny two\n');
  } finally {
    rmSync(row.dir, { recursive: true, force: true });
  }
});

test('a compile error or a missing package is unavailable with the reason; a missing package names the apt packages', async () => {
  requireGo();
  const broken = tinyRow('package main\n\nfunc main() { undefinedThing() }\n');
  const missingLib = tinyRow('package main\n\nimport _ "example.org/lab/nosuch"\n\nfunc main() {}\n');
  try {
    const a = await checkAvailability(broken, '', process.env);
    assert.equal(a.ok, false);
    assert.match(a.reason ?? '', /go build in .* failed: .*undefined: undefinedThing/);
    assert.equal(a.hint, undefined, 'a compile error is not fixed by apt-get');
    const b = await checkAvailability(missingLib, '', process.env);
    assert.equal(b.ok, false);
    assert.match(b.reason ?? '', /cannot find package/);
    assert.equal(b.hint, `${INSTALL_GO} golang-lab-fixture-dev`);
  } finally {
    rmSync(broken.dir, { recursive: true, force: true });
    rmSync(missingLib.dir, { recursive: true, force: true });
  }
});

test('without Go the row is unavailable with the install command', async () => {
  const row = tinyRow('package main\n\nfunc main() {}\n');
  try {
    const a = await checkAvailability(row, '', { ...process.env, LAB_GO: path.join(row.dir, 'no-such-go') });
    assert.equal(a.ok, false);
    assert.match(a.reason ?? '', /Go compiler '.*no-such-go' not found/);
    assert.equal(a.hint, `${INSTALL_GO} golang-lab-fixture-dev`);
  } finally {
    rmSync(row.dir, { recursive: true, force: true });
  }
});
