#!/usr/bin/env node
// The README's test command after the build: node's own test runner over every compiled
// *.test.js file and the generator's *.test.mjs (helpers beside them are not tests), one file at a time: tests start real
// services on real ports. Arguments narrow the run to files or folders.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { workspaceFolders } from './generate/manifests.mjs';

// Every npm workspace (root package.json, `services/*` expanded) with compiled tests, and the
// generator's own tests (plain ESM, scripts/generate/test/*.test.mjs: it runs before tsc).
const roots = [...workspaceFolders().map((r) => `${r}/dist/test`), 'scripts/generate/test'].filter((r) => existsSync(r));
const isTest = (name) => name.endsWith('.test.js') || name.endsWith('.test.mjs');

function testFiles(entry) {
  if (!existsSync(entry)) return [];
  if (statSync(entry).isFile()) return [entry];
  return readdirSync(entry, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? testFiles(path.join(entry, d.name)) : isTest(d.name) ? [path.join(entry, d.name)] : []))
    .sort();
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('-'));
const paths = args.filter((a) => !a.startsWith('-'));
const files = (paths.length ? paths : roots).flatMap(testFiles);
if (files.length === 0) {
  console.error(`no compiled test files under ${(paths.length ? paths : roots).join(', ')}: run \`npx tsc -b\` first`);
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...flags, ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
