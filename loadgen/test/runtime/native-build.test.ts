// The local runtime's builds of the compiled rows beside Go (src/runtime/local/rust-build.ts,
// erlang-build.ts, native-rows.ts): a missing toolchain makes the row unavailable with the
// exact apt-get command, an Erlang row is recompiled only when a source is newer, and a
// compile error is shown as is (no install hint). Tiny rows in temporary folders; the real
// rows are built and verified by test/native/native-rows.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cargoCommand, rustcCommand } from '../../src/runtime/local/rust-build.js';
import { ensureErlangBeams, erlcCommand } from '../../src/runtime/local/erlang-build.js';
import { checkAvailability } from '../../src/runtime/local/interpreters.js';
import type { ServiceManifest } from '../../src/runtime/types.js';

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';

function tinyRow(interpreter: 'rust' | 'erlang', packages: string[]): ServiceManifest {
  const dir = mkdtempSync(path.join(tmpdir(), `lab-${interpreter}-row-`));
  return {
    name: `tiny-${interpreter}`, role: 'implementation', model: 'm', language: interpreter, reproduces: 'r', concurrencyUnit: 'processes',
    ports: { http: 8150, line: 8250 }, image: { recipe: interpreter },
    local: { interpreter, args: interpreter === 'rust' ? ['target/release/tiny'] : ['-noinput', '-pa', 'ebin', '-s', 'tiny', 'start'], requires: { debianPackages: packages } }, dir,
  };
}

test('Debian\'s cargo by default, the rustc beside it (never a rustup toolchain first on PATH)', () => {
  assert.equal(cargoCommand({}), '/usr/bin/cargo');
  assert.equal(rustcCommand({}), '/usr/bin/rustc');
  assert.equal(rustcCommand({ LAB_CARGO: '/opt/rust/bin/cargo' }), '/opt/rust/bin/rustc');
  assert.equal(erlcCommand({ LAB_ERL: '/opt/otp/bin/erl' }), '/opt/otp/bin/erlc');
});

test('a missing cargo: unavailable, with the exact apt-get command for the row\'s crates', async () => {
  const row = tinyRow('rust', ['cargo', 'rustc', 'librust-tokio-dev']);
  try {
    writeFileSync(path.join(row.dir, 'Cargo.toml'), '[package]\nname = "tiny"\nversion = "0.1.0"\n');
    const a = await checkAvailability(row, 'unused', { ...process.env, LAB_CARGO: path.join(row.dir, 'no-such-cargo') });
    assert.equal(a.ok, false);
    assert.match(a.reason ?? '', /no-such-cargo' not found/);
    assert.equal(a.hint, `${sudo}apt-get install -y cargo rustc librust-tokio-dev`);
  } finally {
    rmSync(row.dir, { recursive: true, force: true });
  }
});

test('a missing erl: unavailable, with the exact apt-get command', async () => {
  const row = tinyRow('erlang', ['erlang-base', 'erlang-inets']);
  try {
    mkdirSync(path.join(row.dir, 'src'));
    writeFileSync(path.join(row.dir, 'src', 'tiny.erl'), '-module(tiny).\n-export([start/0]).\nstart() -> ok.\n');
    const a = await checkAvailability(row, 'unused', { ...process.env, LAB_ERL: path.join(row.dir, 'bin', 'erl') });
    assert.equal(a.ok, false);
    assert.match(a.reason ?? '', /erlc' not found/);
    assert.equal(a.hint, `${sudo}apt-get install -y erlang-base erlang-inets`);
  } finally {
    rmSync(row.dir, { recursive: true, force: true });
  }
});

test('erlc compiles a missing .beam, keeps it while no source is newer, recompiles after an edit; a syntax error is shown without a hint', async () => {
  const row = tinyRow('erlang', ['erlang-base']);
  const source = path.join(row.dir, 'src', 'tiny.erl');
  const beam = path.join(row.dir, 'ebin', 'tiny.beam');
  try {
    mkdirSync(path.join(row.dir, 'src'));
    writeFileSync(source, '-module(tiny).\n-export([start/0]).\nstart() -> ok.\n');
    const first = await ensureErlangBeams(row);
    assert.ok(first.ok && first.built, JSON.stringify(first));
    assert.ok(statSync(beam).size > 0);
    const again = await ensureErlangBeams(row);
    assert.ok(again.ok && !again.built, 'nothing changed: not recompiled');
    const later = new Date(Date.now() + 5000);
    writeFileSync(source, '-module(tiny).\n-export([start/0]).\nstart() -> ok(.\n');
    utimesSync(source, later, later);
    const broken = await checkAvailability(row, 'unused', process.env);
    assert.equal(broken.ok, false);
    assert.match(broken.reason ?? '', /erlc in .* failed: .*tiny\.erl/);
    assert.equal(broken.hint, undefined, 'a compile error is not fixed by apt-get');
  } finally {
    rmSync(row.dir, { recursive: true, force: true });
  }
});
