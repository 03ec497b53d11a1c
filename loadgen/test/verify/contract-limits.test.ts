// lab verify probes each row with contract/contract.json's limits and names: the JSON is read
// here on its own and compared with what the checks send and require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { BAD_INPUT_CASES } from '../../src/verify/checks/bad-input.js';
import { TOO_LONG_LINE_BYTES } from '../../src/verify/checks/line.js';
import { requiredSamples } from '../../src/verify/checks/metrics.js';
import type { Endpoint } from '../../src/runtime/types.js';
import { REPO_ROOT } from '../helpers/paths.js';

const json = JSON.parse(readFileSync(path.join(REPO_ROOT, 'contract', 'contract.json'), 'utf8'));

test('contract.json is valid against contract.schema.json, and a broken copy is not', () => {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'contract', 'contract.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.equal(validate(json), true, JSON.stringify(validate.errors));
  const broken = structuredClone(json);
  broken.limits.text_max_bytes = '4096';
  broken.metrics.every_row[0].type = 'summary';
  assert.equal(validate(broken), false);
  assert.equal(validate.errors?.length, 2, JSON.stringify(validate.errors));
});

test('the line-too-long probe is one byte over the contract\'s line limit', () => {
  assert.equal(TOO_LONG_LINE_BYTES, json.limits.line_max_bytes + 1);
});

test('each bad-input probe is one step past a contract limit', () => {
  const params = Object.fromEntries(BAD_INPUT_CASES.map((c) => [c.check, c.params]));
  assert.equal(params['bad-input.text-too-long']!.text!.length, json.limits.text_max_bytes + 1);
  assert.equal(Number(params['bad-input.delay-too-big']!.delay_ms), json.limits.echo.delay_ms.max + 1);
  assert.equal(Number(params['bad-input.delay-negative']!.delay_ms), json.limits.echo.delay_ms.min - 1);
  assert.equal(Number(params['bad-input.cpu-iters-too-big']!.cpu_iters), json.limits.echo.cpu_iters.max + 1);
  assert.equal(Number(params['bad-input.cpu-ms-too-big']!.cpu_ms), json.limits.echo.cpu_ms.max + 1);
});

test('the required samples are the contract\'s metrics (histograms as _bucket/_sum/_count), Node rows add theirs', () => {
  const samples = (specs: { name: string; type: string }[]) =>
    specs.flatMap((m) => (m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]));
  const target = (interpreter: string) => ({ manifest: { local: { interpreter } } }) as unknown as Endpoint;
  assert.deepEqual(requiredSamples(target('python')).sort(), samples(json.metrics.every_row).sort());
  assert.deepEqual(requiredSamples(target('node')).sort(), samples([...json.metrics.every_row, ...json.metrics.node_rows]).sort());
});

test('every lab_* / process_* name in the sources is a contract metric (or one of prom-client\'s own)', () => {
  const known = new Set<string>();
  for (const group of ['every_row', 'node_rows', 'load_generator']) {
    for (const m of json.metrics[group] as { name: string; type: string }[]) {
      known.add(m.name);
      if (m.type === 'histogram') for (const x of ['_bucket', '_sum', '_count']) known.add(m.name + x);
    }
  }
  // prom-client's and prometheus_client's own process metrics, which the contract does not define.
  const promClientOwn = /^process_(virtual_memory_bytes|heap_bytes|open_fds|max_fds|start_time_seconds)$/;
  const skip = new Set(['node_modules', 'dist', '__pycache__', 'test', 'tests', 'bench']);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) { if (!skip.has(e.name)) walk(path.join(dir, e.name)); }
      else if (/\.(ts|mjs|js|py)$/.test(e.name)) files.push(path.join(dir, e.name));
    }
  };
  for (const dir of ['loadgen/src', 'loadgen/web', 'services', 'dashboards']) walk(path.join(REPO_ROOT, dir));
  const unknown = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"`]((?:lab|process)_[a-z0-9_]+)/g)]
    .map((m) => m[1]!)
    .filter((n) => !known.has(n) && !promClientOwn.test(n) && n !== 'lab_web_' /* prom-client's prefix for the web server's defaults */)
    .map((n) => `${path.relative(REPO_ROOT, f)}: ${n}`));
  assert.ok(files.length > 50, `only ${files.length} source files found`);
  assert.deepEqual(unknown, []);
});

test('the limits the rows enforce are named in contract.json, with the 502/504 and empty-line answers', () => {
  assert.equal(json.limits.header_fields_max_bytes, 8192);
  assert.equal(json.limits.body_max_bytes, 1048576);
  assert.equal(json.line_protocol.empty_line, 'error: text is required\n');
  assert.equal(json.upstream_failure.error_status.replace('{status}', '500'), 'error: upstream answered HTTP 500\n');
  assert.equal(json.upstream_failure.timeout.replace('{timeout_ms}', '3000'), 'error: upstream did not answer within 3000 ms\n');
});
