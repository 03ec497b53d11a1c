import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { LabCpuLedger } from '../../src/observe/lab-cpu.js';

/** Burns this much of this process's CPU (not wall time: the machine is shared). */
function burn(seconds: number): void {
  const start = process.cpuUsage();
  while ((() => { const u = process.cpuUsage(start); return (u.user + u.system) / 1e6; })() < seconds) { /* spin */ }
}

const near = (got: number, want: number, tol = 0.03) => assert.ok(Math.abs(got - want) <= tol, `got ${got}, want ${want} +- ${tol}`);

test('charged sections go to their purpose, the rest of the process to unattributed', () => {
  const ledger = new LabCpuLedger();
  ledger.begin();
  ledger.charge('sampling', () => burn(0.2));
  burn(0.1);
  const split = ledger.end();
  near(split.by_purpose.sampling!, 0.2);
  near(split.by_purpose.rest!, 0.1);
  assert.equal(split.by_purpose.loadgen, 0);
  near(split.total_cpu_s, split.in_process_cpu_s, 1e-9);
  near(Object.values(split.by_purpose).reduce((s, v) => s + v, 0), split.total_cpu_s, 1e-9);
});

test('nested charges are counted once, and uncharged CPU can be the load generation', () => {
  const ledger = new LabCpuLedger();
  ledger.begin({ unattributed: 'loadgen' });
  const value = ledger.charge('sampling', () => {
    burn(0.05);
    ledger.charge('parse', () => burn(0.1));
    return 42;
  });
  assert.equal(value, 42);
  burn(0.1);
  const split = ledger.end();
  near(split.by_purpose.sampling!, 0.05);
  near(split.by_purpose.parse!, 0.1);
  near(split.by_purpose.loadgen!, 0.1);
  assert.equal(split.by_purpose.rest, 0);
});

test('wrapped event handlers are charged on every call, and a throwing section still is', () => {
  const ledger = new LabCpuLedger();
  ledger.begin();
  const emitter = new EventEmitter();
  emitter.on('data', ledger.wrap('sampling', (s: number) => burn(s)));
  emitter.emit('data', 0.05);
  emitter.emit('data', 0.05);
  assert.throws(() => ledger.charge('sampling', () => { burn(0.05); throw new Error('bad scrape'); }), /bad scrape/);
  near(ledger.end().by_purpose.sampling!, 0.15);
});

test('CPU of a real load generator process is added to its purpose', () => {
  const ledger = new LabCpuLedger();
  ledger.begin();
  // A child that burns 0.2 s of CPU and reports its own use, as a --loadgens worker does.
  const out = execFileSync(process.execPath, ['-e', 'const s=process.cpuUsage();while((process.cpuUsage(s).user+process.cpuUsage(s).system)<2e5){} const u=process.cpuUsage(); console.log((u.user+u.system)/1e6)'], { encoding: 'utf8' });
  const childCpu = Number(out.trim());
  assert.ok(childCpu >= 0.2, `child burnt ${childCpu}`);
  ledger.add('loadgen', childCpu);
  const split = ledger.end();
  assert.equal(split.by_purpose.loadgen, childCpu);
  assert.equal(split.external_cpu_s, childCpu);
  near(split.total_cpu_s, split.in_process_cpu_s + childCpu, 1e-9);
  assert.throws(() => ledger.add('loadgen', -1), />= 0/);
  assert.throws(() => ledger.end(), /without begin/);
});
