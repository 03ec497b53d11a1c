// `lab run <tour>`: the real CLI runs each part in order (a table header per part) into one
// tour folder, and refuses a scenario-only flag on a tour. Fixture rows keep it short.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readTourIndex } from '../../src/results/tour-index.js';
import { FIXTURE_SERVICES } from '../helpers/paths.js';
import { runLab } from '../helpers/processes.js';

const OFFSET = 5900; // this file's own ports (issue 13's range 5000-5900)
const TOUR = `name: mini
parts:
  - { name: mini-load, executor: connections-sweep, request: { text: hi, delay_ms: 20 }, steps: [2], duration: 1s, upstream: { delay_ms: 20 } }
  - { name: mini-idle, executor: idle-connections, steps: [3], duration: 1s }
`;

test('lab run <tour file> runs every part into one tour folder; --cross-check on a tour is bad input', async () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lab-cli-tour-'));
  try {
    const file = path.join(scratch, 'mini.yaml');
    writeFileSync(file, TOUR);
    const env = { ...process.env, LAB_SERVICES_DIR: FIXTURE_SERVICES, LAB_PORT_OFFSET: String(OFFSET) };
    const out = path.join(scratch, 'results');
    const run = await runLab(['run', file, '--targets', 'good-echo', '--out', out], env, 180_000);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /mini-load: connections-sweep, steps 2[\s\S]*mini-idle: idle-connections, steps 3/);
    const [dir] = readdirSync(out);
    assert.match(dir ?? '', /_mini$/);
    assert.match(run.stdout, new RegExp(`results: .*${dir}`));
    const index = readTourIndex(path.join(out, dir!));
    assert.deepEqual(index.parts.map((p) => `${p.name}:${p.status}`), ['mini-load:complete', 'mini-idle:complete']);

    const bad = await runLab(['run', file, '--cross-check', '--targets', 'good-echo'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--cross-check applies to a scenario, not to the tour mini/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
