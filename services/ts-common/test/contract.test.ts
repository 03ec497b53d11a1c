// The Node rows' limits and metric vocabulary are contract/contract.json's: the JSON is read here
// on its own (not through the module) and compared with what validation and metrics really do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_PATH, LIMITS, metricSpec, OVERHEAD_MODES, sampleNames } from '@concurrency-lab/contract-ts';
import { createLabMetrics, OUTCOMES, PROTOCOLS } from '../src/metrics.js';
import {
  MAX_CPU_ITERS, MAX_DELAY_MS, MAX_LINE_BYTES, MAX_SLEEP_MS, MAX_TASKS, MAX_TEXT_BYTES, MAX_WORKERS,
  parseEchoParams, parseOverheadMode, parseOverheadParams,
} from '../src/validation.js';

// test/ -> dist/ -> ts-common/ -> services/ -> the repository.
/** The contract package's compiled index, services/contract-ts/dist/src/index.js. */
const CONTRACT_MODULE = fileURLToPath(import.meta.resolve('@concurrency-lab/contract-ts'));
const REPO_CONTRACT = fileURLToPath(new URL('../../../../contract/contract.json', import.meta.url));
const json = JSON.parse(readFileSync(REPO_CONTRACT, 'utf8'));

test('ts-common loads the repository\'s contract/contract.json', () => {
  assert.equal(CONTRACT_PATH, REPO_CONTRACT);
  assert.deepEqual(LIMITS, json.limits);
});

test('the exported limits are the JSON\'s numbers', () => {
  const { echo, overhead } = json.limits;
  assert.deepEqual(
    { MAX_TEXT_BYTES, MAX_LINE_BYTES, MAX_DELAY_MS, MAX_CPU_ITERS, MAX_WORKERS, MAX_TASKS, MAX_SLEEP_MS, OVERHEAD_MODES: [...OVERHEAD_MODES] },
    {
      MAX_TEXT_BYTES: json.limits.text_max_bytes, MAX_LINE_BYTES: json.limits.line_max_bytes,
      MAX_DELAY_MS: echo.delay_ms.max, MAX_CPU_ITERS: echo.cpu_iters.max,
      MAX_WORKERS: overhead.workers.max, MAX_TASKS: overhead.tasks.max, MAX_SLEEP_MS: overhead.sleep_ms.max,
      OVERHEAD_MODES: overhead.modes,
    },
  );
});

test('validation accepts each limit of the JSON and rejects one past it', () => {
  const { text_max_bytes, echo, overhead } = json.limits;
  assert.equal(parseEchoParams({ text: 'a'.repeat(text_max_bytes) }).ok, true);
  assert.equal(parseEchoParams({ text: 'a'.repeat(text_max_bytes + 1) }).ok, false);
  for (const [name, r] of Object.entries(echo) as [string, { min: number; max: number }][]) {
    assert.equal(parseEchoParams({ text: 'hi', [name]: String(r.max) }).ok, true, `${name}=${r.max}`);
    assert.equal(parseEchoParams({ text: 'hi', [name]: String(r.max + 1) }).ok, false, `${name}=${r.max + 1}`);
    assert.equal(parseEchoParams({ text: 'hi', [name]: String(r.min - 1) }).ok, false, `${name}=${r.min - 1}`);
  }
  const at = { workers: overhead.workers.min, tasks: overhead.tasks.min, sleep_ms: overhead.sleep_ms.min };
  for (const name of ['workers', 'tasks', 'sleep_ms'] as const) {
    const r = overhead[name];
    const with_ = (v: number) => parseOverheadParams(Object.fromEntries(Object.entries({ ...at, [name]: v }).map(([k, n]) => [k, String(n)])));
    assert.equal(with_(r.max).ok, true, `${name}=${r.max}`);
    assert.equal(with_(r.max + 1).ok, false, `${name}=${r.max + 1}`);
    assert.equal(with_(r.min - 1).ok, false, `${name}=${r.min - 1}`);
  }
  const absent = parseOverheadMode(undefined);
  assert.deepEqual(absent, { ok: true, value: overhead.default_mode });
  for (const mode of overhead.modes) assert.deepEqual(parseOverheadMode(mode), { ok: true, value: mode });
});

test('the exposition names, types, help and labels are the JSON\'s', async () => {
  assert.deepEqual([...PROTOCOLS], json.metrics.label_values.protocol);
  assert.deepEqual([...OUTCOMES], json.outcomes.map((o: { name: string }) => o.name));
  const m = createLabMetrics({ impl: 'contract-test', model: 'm', language: 'typescript', runtime: 'r', concurrencyUnit: 'promises' });
  try {
    const text = await m.exposition();
    for (const spec of [...json.metrics.every_row, ...json.metrics.node_rows]) {
      assert.ok(text.includes(`# HELP ${spec.name} ${spec.help}\n`), `${spec.name}: help from the contract`);
      assert.ok(text.includes(`# TYPE ${spec.name} ${spec.type}\n`), `${spec.name}: type ${spec.type}`);
      const sample = new RegExp(`^${sampleNames(spec)[0]}\\{([^}]*)\\}`, 'm').exec(text);
      assert.ok(sample, `${spec.name} has a sample`);
      const labels = [...sample[1]!.matchAll(/(\w+)="/g)].map((x) => x[1]).filter((l) => l !== 'le' && l !== json.metrics.label_on_every_series);
      assert.deepEqual(labels.sort(), [...spec.labels].sort(), `${spec.name} labels`);
    }
  } finally {
    m.close();
  }
});

test('metricSpec knows every contract metric and refuses any other name', () => {
  for (const group of ['every_row', 'node_rows', 'load_generator']) {
    for (const spec of json.metrics[group]) assert.deepEqual(metricSpec(spec.name), spec);
  }
  assert.throws(() => metricSpec('lab_no_such_metric'), /not in contract\/contract\.json/);
});

test('validation follows an edited contract: the limits are read from the file, not written in code', async () => {
  // A copy of the compiled modules (ts-common and the contract package it imports) beside a
  // contract with other limits, in the same relative layout.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-common-contract-'));
  try {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const copy = path.join(dir, 'services', 'ts-common', 'dist', 'src');
    cpSync(src, copy, { recursive: true });
    const contractPackage = path.dirname(path.dirname(path.dirname(CONTRACT_MODULE)));
    const contractCopy = path.join(dir, 'services', 'contract-ts');
    cpSync(path.join(contractPackage, 'package.json'), path.join(contractCopy, 'package.json'));
    cpSync(path.join(contractPackage, 'dist', 'src'), path.join(contractCopy, 'dist', 'src'), { recursive: true });
    mkdirSync(path.join(dir, 'node_modules', '@concurrency-lab'), { recursive: true });
    symlinkSync(contractCopy, path.join(dir, 'node_modules', '@concurrency-lab', 'contract-ts'));
    const edited = structuredClone(json);
    edited.limits.text_max_bytes = 10;
    edited.limits.echo.delay_ms.max = 7;
    edited.limits.overhead.modes = ['pool'];
    mkdirSync(path.join(dir, 'contract'));
    writeFileSync(path.join(dir, 'contract', 'contract.json'), JSON.stringify(edited));
    const v = (await import(path.join(copy, 'validation.js'))) as typeof import('../src/validation.js');
    assert.equal(v.MAX_TEXT_BYTES, 10);
    assert.equal(v.parseEchoParams({ text: 'a'.repeat(11) }).ok, false);
    assert.equal(v.parseEchoParams({ text: 'hi', delay_ms: '8' }).ok, false);
    assert.equal(v.parseEchoParams({ text: 'hi', delay_ms: '7' }).ok, true);
    assert.equal(v.parseOverheadMode('spawn').ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
