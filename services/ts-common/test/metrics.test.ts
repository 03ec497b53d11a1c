import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabMetrics } from '../src/metrics.js';

test('exposition has every contract metric name exactly once, each series labelled with impl', async () => {
  const m = createLabMetrics({
    impl: 'node-eventloop',
    model: 'event loop',
    language: 'typescript',
    runtime: 'node test',
    concurrencyUnit: 'promises',
  });
  try {
    m.recordRequest('http', 'ok', 0.05);
    const text = await m.exposition();
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    assert.deepEqual(types.filter((n, i) => types.indexOf(n) !== i), [], 'no duplicate metric names');
    for (const name of [
      'lab_info',
      'lab_requests_total',
      'lab_request_duration_seconds',
      'lab_upstream_duration_seconds',
      'lab_inflight_requests',
      'lab_open_connections',
      'lab_concurrency_units',
      'lab_os_threads',
      'lab_context_switches_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'lab_event_loop_utilization',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.ok(types.includes(name), `${name} exposed`);
    }
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const s of samples) assert.match(s, /impl="node-eventloop"/, s);
    assert.match(text, /lab_requests_total\{protocol="http",outcome="ok",impl="node-eventloop"\} 1/);
    assert.match(text, /lab_requests_total\{protocol="line",outcome="busy",impl="node-eventloop"\} 0/);
    assert.match(text, /lab_concurrency_units\{unit="promises",impl="node-eventloop"\} 0/);
    assert.match(text, /lab_os_threads\{impl="node-eventloop"\} [1-9]/);
    const rss = Number(/process_resident_memory_bytes\{[^}]*\} (\d+)/.exec(text)?.[1]);
    assert.ok(rss > 10_000_000, `rss ${rss}`);
  } finally {
    m.close();
  }
});
