// lab verify probes each row with contract/contract.json's limits and names: the JSON is read
// here on its own and compared with what the checks send and require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BAD_INPUT_CASES } from '../../src/verify/checks/badInput.js';
import { TOO_LONG_LINE_BYTES } from '../../src/verify/checks/line.js';
import { requiredSamples } from '../../src/verify/checks/metrics.js';
import type { Endpoint } from '../../src/runtime/types.js';
import { REPO_ROOT } from '../helpers/paths.js';

const json = JSON.parse(readFileSync(path.join(REPO_ROOT, 'contract', 'contract.json'), 'utf8'));

test('the line-too-long probe is one byte over the contract\'s line limit', () => {
  assert.equal(TOO_LONG_LINE_BYTES, json.limits.line_max_bytes + 1);
});

test('each bad-input probe is one step past a contract limit', () => {
  const params = Object.fromEntries(BAD_INPUT_CASES.map((c) => [c.check, c.params]));
  assert.equal(params['bad-input.text-too-long']!.text!.length, json.limits.text_max_bytes + 1);
  assert.equal(Number(params['bad-input.delay-too-big']!.delay_ms), json.limits.echo.delay_ms.max + 1);
  assert.equal(Number(params['bad-input.delay-negative']!.delay_ms), json.limits.echo.delay_ms.min - 1);
  assert.equal(Number(params['bad-input.cpu-iters-too-big']!.cpu_iters), json.limits.echo.cpu_iters.max + 1);
});

test('the required samples are the contract\'s metrics (histograms as _bucket/_sum/_count), Node rows add theirs', () => {
  const samples = (specs: { name: string; type: string }[]) =>
    specs.flatMap((m) => (m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]));
  const target = (interpreter: string) => ({ manifest: { local: { interpreter } } }) as unknown as Endpoint;
  assert.deepEqual(requiredSamples(target('python')).sort(), samples(json.metrics.every_row).sort());
  assert.deepEqual(requiredSamples(target('node')).sort(), samples([...json.metrics.every_row, ...json.metrics.node_rows]).sort());
});
