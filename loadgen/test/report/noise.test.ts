import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resultsToMarkdown } from '../../src/report/summary.js';
import { readResults } from '../../src/results/files.js';
import type { MachineNoise } from '../../src/model/noise.js';
import { REPO_ROOT } from '../helpers/paths.js';

// summary.md (and report.html, which draws the same lines) shows each step's machine noise.

const noise = (foreign: number): MachineNoise => ({
  window_s: 2, cpus: 2, busy_cores: 1.2, foreign_cpu_cores: foreign, lab_cpu_cores: { total: 1.1, lab: 1.1 }, irq_cores: 0.01,
  steal_pct: 0.5, loadavg: [3.5, 3, 2], resolution_cores: 0.01, busy_machine: foreign > 0.05,
});

describe('machine noise in the report', () => {
  it('a row per measured step: foreign CPU, the worst trial, lab CPU, steal, load, the busy flag', () => {
    const r = readResults(path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs', 'idle-connections'));
    const [a, b] = r.targets[0]!.steps;
    a!.noise = noise(0.01);
    a!.trials = [{ started_at: 'x', figures: {}, noise: noise(0.01) }, { started_at: 'y', figures: {}, noise: noise(0.2) }];
    a!.busy_machine = true;
    b!.noise = noise(0.02);
    const md = resultsToMarkdown(r, []);
    assert.match(md, /Machine noise over each measure/);
    assert.match(md, /\| 100 \| 2 \| 0\.010 \| 0\.200 \| 1\.100 \| 0\.5 \| 3\.50 \| busy machine \|/);
    assert.match(md, /\| 500 \| 1 \| 0\.020 \| 0\.020 \| 1\.100 \| 0\.5 \| 3\.50 \|  \|/);
  });
});
