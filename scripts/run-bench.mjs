#!/usr/bin/env node
// `npm run bench`: every compiled benchmark (*/dist/bench/*.bench.js), one after another,
// so that their figures are not disturbed by each other. Not a test: it prints figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { workspaceFolders } from './generate/manifests.mjs';

// Every npm workspace (root package.json, `services/*` expanded); those without benches are skipped.
const roots = workspaceFolders();
const only = process.argv.slice(2);
let failed = 0;
for (const root of roots) {
  const dir = path.join(root, 'dist', 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.bench.js')).sort()) {
    if (only.length && !only.some((o) => f.includes(o))) continue;
    console.log(`\n=== ${root}/bench/${f.replace(/\.js$/, '.ts')}`);
    const res = spawnSync(process.execPath, [path.join(dir, f)], { stdio: 'inherit' });
    if (res.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
