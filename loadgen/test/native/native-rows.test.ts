// The compiled rows beside Go (services/*/service.json with local.interpreter "rust" or
// "erlang"): each row's own tests (cargo test; the Erlang row's eunit), the whole `lab verify`
// against the row started the way `lab up` starts it (built first by the local runtime), and
// its standalone overhead witness, one node test per row. Not skipped when a toolchain is
// missing: CI installs the rows' Debian packages (.ci/run), so a missing one is a broken machine.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { discoverServices } from '../../src/core/manifest/index.js';
import { openLocalRuntime } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';
import { CARGO_BUILD_ARGS, cargoCommand, cargoEnv } from '../../src/runtime/local/rust-build.js';
import { erlCommand, erlcArgs, erlcCommand } from '../../src/runtime/local/erlang-build.js';
import { prepareNative } from '../../src/runtime/local/native-rows.js';
import { prepareWitness, runWitness } from '../../src/runtime/local/witness.js';
import { formatVerifyReport, verifyTargets } from '../../src/verify/index.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { assertGroupGone, runCommand } from '../helpers/processes.js';

const ROW_TIMEOUT_MS = 900_000;
const rows = discoverServices(path.join(REPO_ROOT, 'services')).filter((m) => m.local.interpreter === 'rust' || m.local.interpreter === 'erlang');

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) => runCommand(command, args, { cwd, env, timeoutMs: ROW_TIMEOUT_MS });

const cargoTest = (dir: string) => run(cargoCommand(), ['test', '--offline', '--release'], dir, cargoEnv());

/** The Erlang row's eunit tests: its modules compiled with -DTEST apart from ebin/, run from the row folder. */
async function eunit(dir: string): Promise<{ code: number | null; output: string }> {
  const out = mkdtempSync(path.join(tmpdir(), 'lab-eunit-'));
  try {
    const sources = readdirSync(path.join(dir, 'src')).filter((f) => f.endsWith('.erl')).map((f) => path.join('src', f));
    const compiled = await run(erlcCommand(), ['-DTEST', '-o', out, ...sources], dir, process.env);
    if (compiled.code !== 0) return compiled;
    const modules = sources.map((f) => path.basename(f, '.erl')).join(', ');
    // eunit:test returns error when a test fails and when none ran: both exit 1.
    return await run(erlCommand(), ['-noinput', '-pa', out, '-eval', `case eunit:test([${modules}], [verbose]) of ok -> halt(0); _ -> halt(1) end.`], dir, process.env);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('the local builds are the image recipes\' commands', async () => {
  const rust = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'dockerfile-rust.mjs')).href) as { RUST_BUILD: string };
  assert.equal(['cargo', ...CARGO_BUILD_ARGS].join(' '), rust.RUST_BUILD);
  const erlang = await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'generate', 'dockerfile-erlang.mjs')).href) as { ERLC: string };
  assert.equal(['erlc', ...erlcArgs(['src/*.erl'])].join(' '), erlang.ERLC);
});

test('there are compiled rows to test', () => assert.ok(rows.length > 0, 'no services/*/service.json with local.interpreter "rust" or "erlang"'));

for (const row of rows) {
  test(`${row.name}: its own tests, lab verify, its witness`, async () => {
    const ready = await prepareNative(row, row.local.interpreter as 'rust' | 'erlang', row.local.args, process.env);
    assert.ok(ready.ok, `${row.name} does not build: ${ready.reason}${ready.hint ? ` (install: ${ready.hint})` : ''}`);
    const own = row.local.interpreter === 'rust' ? await cargoTest(row.dir) : await eunit(row.dir);
    assert.equal(own.code, 0, `${row.name}'s own tests failed:\n${own.output.slice(-4000)}`);

    const offset = await findFreePortOffset();
    const logDir = mkdtempSync(path.join(tmpdir(), `lab-${row.name}-`));
    const runtime = await openLocalRuntime({ servicesDir: path.join(REPO_ROOT, 'services'), targets: [row.name], portOffset: offset, logDir, upstreamTimeoutMs: 1500 });
    const groups = runtime.started;
    try {
      const report = await verifyTargets(runtime);
      const text = formatVerifyReport(report);
      assert.deepEqual(report.unavailable, [], text);
      assert.deepEqual(report.targets.flatMap((t) => t.checks.filter((c) => c.status === 'fail')), [], text);
      assert.equal(report.ok, true, text);
      assert.equal(report.targets[0]?.checks.find((c) => c.check === 'upstream-timeout.http')?.status, 'pass', text);
      // After verify (its slow and failing fetches included), 20 requests at once wait for
      // their own fetch only: no upstream connection queues one behind another (httpc did,
      // at 17 req/s, with a keep-alive length above 1).
      const url = `${runtime.targets[0]!.httpUrl}/echo?text=parallel&delay_ms=200`;
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(url).then(async (r) => `${r.status} ${await r.text()}`)));
      const elapsed = Date.now() - started;
      assert.deepEqual(new Set(answers), new Set(['200 echo: parallel\n']));
      assert.ok(elapsed < 800, `20 parallel requests of a 200 ms fetch took ${elapsed} ms`);
    } finally {
      await runtime.stop();
      rmSync(logDir, { recursive: true, force: true });
      for (const g of groups) await assertGroupGone(g.pgid, g.name);
    }

    const witness = row.overheadWitness;
    assert.ok(witness, `${row.name} declares no overheadWitness`);
    assert.equal(await prepareWitness(row, witness), '');
    for (const mode of ['pool', 'spawn']) {
      const answer = await runWitness(row, witness, { mode, workers: 20, tasks: 100, sleepMs: 10 }, 60_000);
      assert.equal(answer.mode, mode);
      assert.equal(answer.where, 'standalone');
      assert.ok(answer.overhead !== null && answer.overhead >= 1 && answer.overhead < 5, `${mode}: ${JSON.stringify(answer)}`);
    }
  });
}
