#!/usr/bin/env node
// Committed JS shim so `npx lab` works straight after `npm ci` (whose `prepare` compiles dist/).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Stopped by a signal (128 + n): whatever is still pending (a verify request to a row that is
    // gone) must not hold the exit; the timer fires only if something does.
    if (code > 128) setTimeout(() => process.exit(code), 2_000).unref();
  },
  (err) => { console.error('Error:', err?.stack ?? err); process.exitCode = 1; },
);
