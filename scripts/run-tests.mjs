#!/usr/bin/env node
// The README's test command after the build: node's own test runner over every compiled test
// folder, one file at a time (tests start real services on real ports).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const roots = ['services/ts-common', 'services/upstream', 'services/node-eventloop', 'loadgen'];
const dirs = roots.map((r) => `${r}/dist/test`).filter((d) => existsSync(d));
const extra = process.argv.slice(2);
const args = ['--test', '--test-concurrency=1', ...extra, ...(extra.some((a) => !a.startsWith('-')) ? [] : dirs)];
const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(res.status ?? 1);
