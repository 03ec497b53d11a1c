// scripts/generate/debian-packages.mjs: the one line .ci/run installs covers every row whose
// tests npm test runs, Python, Go, Rust and Erlang, from the manifests.
// Run: node --test scripts/generate/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifests } from '../manifests.mjs';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'debian-packages.mjs');

test('every Python, Go, Rust and Erlang row\'s Debian packages, plus python3 and golang-go, each once', async () => {
  const printed = execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' }).trim().split(' ');
  const manifests = await readManifests();
  const wanted = new Set(['python3']);
  for (const m of manifests) {
    if (m.local.interpreter === 'go') wanted.add('golang-go');
    if (['python', 'go', 'rust', 'erlang'].includes(m.local.interpreter)) for (const p of m.local.requires?.debianPackages ?? []) wanted.add(p);
  }
  assert.ok(manifests.some((m) => m.local.interpreter === 'go'), 'a Go row exists (services/go-goroutines)');
  assert.deepEqual([...printed].sort(), [...wanted].sort());
  assert.equal(new Set(printed).size, printed.length, 'no package twice');
});
