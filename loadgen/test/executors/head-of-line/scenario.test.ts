import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseScenarioText } from '../../../src/scenario/load.js';
import { scenarioProblems } from '../../helpers/scenario-problems.js';

// The head-of-line scenario keys: the shipped file is valid, and every bad use says what and where.

const here = path.dirname(fileURLToPath(import.meta.url));
const SHIPPED = path.resolve(here, '../../../../scenarios/head-of-line.yaml');
const BASE = 'name: t-hol\nexecutor: head-of-line\nrequest: { text: "hello my friend" }\nsteps: [5]\nduration: 1s\n';

const problems = scenarioProblems;

describe('head-of-line scenario', () => {
  it('the shipped head-of-line.yaml is valid: 50 light connections, 50 ms heavy requests every 200 ms', () => {
    const s = parseScenarioText(readFileSync(SHIPPED, 'utf8'));
    assert.equal(s.executor, 'head-of-line');
    assert.deepEqual(s.head_of_line, { heavy_cpu_ms: 50, heavy_every_ms: 200 });
    assert.deepEqual(s.steps, [50]);
  });

  it('is required by the executor', () => {
    assert.ok(problems(BASE).some((p) => p.startsWith('head_of_line: is required by the head-of-line executor')), problems(BASE).join('\n'));
  });

  it('rejects unknown keys, missing keys and out-of-range values with their path', () => {
    const unknown = problems(`${BASE}head_of_line: { heavy_cpu_ms: 50, heavy_every_ms: 200, heavy_ms: 3 }\n`);
    assert.ok(unknown.some((p) => p.startsWith('head_of_line') && /heavy_ms/.test(p)), unknown.join('\n'));
    const missing = problems(`${BASE}head_of_line: { heavy_cpu_ms: 50 }\n`);
    assert.ok(missing.some((p) => p.startsWith('head_of_line') && /heavy_every_ms/.test(p)), missing.join('\n'));
    const zero = problems(`${BASE}head_of_line: { heavy_cpu_ms: 0, heavy_every_ms: 200 }\n`);
    assert.ok(zero.some((p) => p.startsWith('head_of_line.heavy_cpu_ms')), zero.join('\n'));
    const tooOften = problems(`${BASE}head_of_line: { heavy_cpu_ms: 50, heavy_every_ms: 1 }\n`);
    assert.ok(tooOften.some((p) => p.startsWith('head_of_line.heavy_every_ms')), tooOften.join('\n'));
    const text = problems(`${BASE}head_of_line: { heavy_cpu_ms: "fifty", heavy_every_ms: 200 }\n`);
    assert.ok(text.some((p) => p.startsWith('head_of_line.heavy_cpu_ms')), text.join('\n'));
  });

  it('keeps CPU work out of the light request', () => {
    const p = problems('name: t-hol\nexecutor: head-of-line\nrequest: { text: "hi", cpu_ms: 5 }\nsteps: [5]\nduration: 1s\nhead_of_line: { heavy_cpu_ms: 50, heavy_every_ms: 200 }\n');
    assert.ok(p.some((x) => x.startsWith('request: is the light class')), p.join('\n'));
  });

  it('belongs to the head-of-line executor only', () => {
    const p = problems('name: t-c\nexecutor: connections-sweep\nsteps: [1]\nduration: 1s\nhead_of_line: { heavy_cpu_ms: 50, heavy_every_ms: 200 }\n');
    assert.ok(p.some((x) => x.startsWith('head_of_line')), p.join('\n'));
  });
});
