// Runs `go vet` and `go test` of every Go row (services/*/service.json with local.interpreter
// "go") in GOPATH mode against Debian's /usr/share/gocode, the environment the image and the
// local runtime build with, one node test per row, so that `npm test` covers the Go code too.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverServices } from '../../src/core/manifest/index.js';
import { GO_BUILD_ENV, goCommand, goDebianPackages } from '../../src/runtime/local/go-build.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runCommand } from '../helpers/processes.js';

const ROW_TIMEOUT_MS = 300_000;
const go = goCommand();
const rows = discoverServices(path.join(REPO_ROOT, 'services')).filter((m) => m.local.interpreter === 'go');
const cache = process.env.GOCACHE || path.join(REPO_ROOT, '.lab', 'cache', 'go-build');

function run(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  mkdirSync(cache, { recursive: true });
  return runCommand(go, args, { cwd, env: { ...process.env, ...GO_BUILD_ENV, GOCACHE: cache }, timeoutMs: ROW_TIMEOUT_MS });
}

test('there is a Go row to test', () => assert.ok(rows.length > 0, 'no services/*/service.json with local.interpreter "go"'));

for (const row of rows) {
  test(`go vet + go test: ${path.relative(REPO_ROOT, row.dir)}`, async () => {
    // Not a skip: CI installs the Go row's Debian packages (.ci/run), so a missing Go is a broken machine.
    const probe = spawnSync(go, ['version'], { encoding: 'utf8' });
    assert.equal(probe.error, undefined, `cannot run ${go}: ${probe.error?.message}; install: apt-get install -y --no-install-recommends ${goDebianPackages(row).join(' ')}`);
    const pkg = path.resolve(row.dir, row.image?.package ?? '.');
    const vet = await run(['vet', '.'], pkg);
    assert.equal(vet.code, 0, `go vet in ${pkg} failed:\n${vet.output}`);
    const tests = await run(['test', '-count=1', '.'], pkg);
    assert.equal(tests.code, 0, `go test in ${pkg} failed:\n${tests.output}`);
  });
}
