import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketsOf, parsePrometheusText, sumOf } from '../../src/core/prom-text.js';

const TEXT = `# HELP lab_requests_total Requests.
# TYPE lab_requests_total counter
lab_requests_total{impl="python-threads",protocol="http",outcome="ok"} 120
lab_requests_total{impl="python-threads",protocol="line",outcome="ok"} 30
lab_requests_total{impl="python-threads",protocol="http",outcome="bad_request"} 2.0
lab_request_duration_seconds_bucket{impl="python-threads",protocol="http",le="0.05"} 10
lab_request_duration_seconds_bucket{impl="python-threads",protocol="http",le="0.1"} 100
lab_request_duration_seconds_bucket{impl="python-threads",protocol="http",le="+Inf"} 122
lab_request_duration_seconds_bucket{impl="python-threads",protocol="line",le="0.05"} 0
lab_request_duration_seconds_bucket{impl="python-threads",protocol="line",le="0.1"} 30
lab_request_duration_seconds_bucket{impl="python-threads",protocol="line",le="+Inf"} 30
lab_info{impl="python-threads",model="say \\"hi\\", a\\\\b\\nc",language="python"} 1
process_resident_memory_bytes 2.5e7 1700000000000
weird line without value
nodejs_gc_duration_seconds_sum{kind="minor"} NaN
`;

test('parses names, labels with escapes, scientific values and timestamps; counts bad lines', () => {
  const { samples, badLines } = parsePrometheusText(TEXT);
  assert.equal(badLines, 1);
  assert.equal(samples.length, 12);
  const info = samples.find((s) => s.name === 'lab_info');
  assert.equal(info?.labels.model, 'say "hi", a\\b\nc');
  assert.equal(sumOf(samples, 'process_resident_memory_bytes'), 25_000_000);
  assert.ok(Number.isNaN(samples.find((s) => s.name === 'nodejs_gc_duration_seconds_sum')!.value));
});

test('sums across labels, with a label filter, and undefined for a missing metric', () => {
  const { samples } = parsePrometheusText(TEXT);
  assert.equal(sumOf(samples, 'lab_requests_total'), 152);
  assert.equal(sumOf(samples, 'lab_requests_total', { outcome: 'ok' }), 150);
  assert.equal(sumOf(samples, 'lab_missing'), undefined);
});

test('buckets are summed across protocols and sorted by bound, +Inf last', () => {
  const { samples } = parsePrometheusText(TEXT);
  assert.deepEqual(bucketsOf(samples, 'lab_request_duration_seconds'), [
    { le: 0.05, count: 10 },
    { le: 0.1, count: 130 },
    { le: Infinity, count: 152 },
  ]);
});

test('garbage in gives no samples and no exception', () => {
  const { samples, badLines } = parsePrometheusText('{}\n"x"\nname{a="unterminated} 1\nname{=1} 2\n\0\n');
  assert.equal(samples.length, 0);
  assert.equal(badLines, 5);
});

test('NaN and Inf in any case, as Prometheus reads them (prom-client writes `Nan`)', () => {
  const { samples, badLines } = parsePrometheusText('a{impl="x"} Nan\nb nan\nc +inf\nd -INF\ne bogus\n');
  assert.equal(badLines, 1);
  assert.deepEqual(samples.map((s) => s.value), [NaN, NaN, Infinity, -Infinity]);
});
