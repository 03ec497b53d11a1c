import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RESULT_VIEWS, stepFigures } from '../../src/executors/registry.js';
import { readResults } from '../../src/results/files.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Every view's figures (ResultView.figures) of real runs (test/fixtures/runs): the keys the
// contract lists (contract/README.md, "Figures"), read off those files.

const RUNS = path.join(REPO_ROOT, 'loadgen', 'test', 'fixtures', 'runs');
const firstStep = (run: string) => readResults(path.join(RUNS, run)).targets[0]!.steps[0]!;
const byKey = (step: Parameters<typeof stepFigures>[0]) => new Map(stepFigures(step).map((f) => [f.key, f]));

describe('step figures', () => {
  it('a load step publishes rate, latency, errors, efficiency and memory', () => {
    const s = firstStep('io-ramp-2026-11');
    const f = byKey(s);
    assert.deepEqual([...f.keys()], ['rps', 'latency.p50_ms', 'latency.p99_ms', 'errors.pct', 'requests_per_cpu_s', 'server.rss_peak_bytes']);
    assert.equal(f.get('rps')!.value, s.rps);
    assert.equal(f.get('rps')!.better, 'higher');
    assert.equal(f.get('latency.p99_ms')!.value, s.latency_ms.p99);
    // One window per rate (issue 18): answers per second over duration_s, over cores (CPU over window.real_s).
    const cores = s.server.cpu_seconds! / (s.window?.real_s ?? s.duration_s);
    assert.ok(Math.abs(f.get('requests_per_cpu_s')!.value! - s.requests / s.duration_s / cores) < 1e-9);
  });

  it('an overhead step publishes one figure per mode and no load figure', () => {
    const s = firstStep('overhead-2026-11');
    const f = byKey(s);
    // The file predates modes: its measurement reads as spawn.
    assert.deepEqual([...f.keys()], ['overhead.spawn']);
    assert.equal(f.get('overhead.spawn')!.value, s.overhead!.modes[0]!.overhead);
    assert.equal(f.get('overhead.spawn')!.better, 'lower');
  });

  it('an idle step publishes bytes and threads per connection', () => {
    const s = firstStep('idle-connections');
    const f = byKey(s);
    assert.deepEqual([...f.keys()], ['idle.bytes_per_connection', 'idle.threads_per_connection']);
    assert.equal(f.get('idle.bytes_per_connection')!.value, s.idle_connections!.bytes_per_connection);
  });

  it('a step with events and a cross-check adds recovery per event and the wrk ratio', () => {
    const s = structuredClone(firstStep('io-ramp-2026-11'));
    s.recovery = [{ event: 0, kind: 'kill', service: 'row', t_s: 3, baseline_rps: 100, recovery_s: 2.5, recovered: true, failed_requests: 4, connection_errors: 0, ok_requests: 10, peak_threads: null, peak_rss_bytes: null, peak_inflight: null },
      { event: 1, kind: 'pause', service: 'row', t_s: 9, baseline_rps: 100, recovery_s: null, recovered: false, failed_requests: 9, connection_errors: 0, ok_requests: 0, peak_threads: null, peak_rss_bytes: null, peak_inflight: null }];
    s.cross_check = { tool: 'wrk', connections: 10, duration_s: 2, rps: 200, latency_ms: { p50: 1, p99: 2 }, errors: 0, ratio: 0.95, flagged: false };
    const f = byKey(s);
    assert.equal(f.get('recovery.0.s')!.value, 2.5);
    assert.equal(f.get('recovery.1.s')!.value, null, 'never recovered: no figure');
    assert.equal(f.get('cross_check.ratio')!.value, 0.95);
    assert.equal(f.get('cross_check.ratio')!.better, 'none');
  });

  it('keys are unique within a step, and every view implements the hook', () => {
    for (const v of RESULT_VIEWS) assert.equal(typeof v.figures, 'function', v.name);
    const keys = stepFigures(firstStep('io-ramp-2026-11')).map((f) => f.key);
    assert.equal(new Set(keys).size, keys.length);
  });
});
