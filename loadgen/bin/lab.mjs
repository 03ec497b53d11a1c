#!/usr/bin/env node
// Committed JS shim so `npx lab` works straight after `npm ci` (whose `prepare` compiles dist/).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error('Error:', err?.stack ?? err); process.exitCode = 1; },
);
