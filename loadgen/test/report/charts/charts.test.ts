import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chartSpecs } from '../../../src/report/charts/specs.js';
import { writeCharts } from '../../../src/report/charts/write.js';
import { fixtureOverhead, fixtureResults } from '../../results/fixture.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('charts', () => {
  it('renders throughput (with the ideal line), p99, RSS and threads as SVG and PNG', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-charts-'));
    const charts = await writeCharts(dir, fixtureResults());
    assert.deepEqual(charts.map((c) => c.name), ['throughput-vs-load', 'p99-vs-load', 'rss-vs-load', 'threads-vs-load']);
    for (const c of charts) {
      assert.equal(c.error, undefined);
      const svg = readFileSync(c.svg, 'utf8');
      assert.match(svg, /^<svg/);
      for (const series of ['node-eventloop', 'python-threads']) assert.ok(svg.includes(series), `${c.name} legend has ${series}`);
      assert.ok(svg.includes('connections'), `${c.name} has its x axis title`);
      const png = readFileSync(c.png!);
      assert.deepEqual(png.subarray(0, 8), PNG_MAGIC);
      assert.ok(statSync(c.png!).size > 20_000, `${c.name}.png is ${statSync(c.png!).size} bytes: text probably missing`);
    }
    const throughput = readFileSync(charts[0]!.svg, 'utf8');
    assert.ok(throughput.includes('throughput (req/s)'));
    assert.ok(throughput.includes('ideal (Little&#39;s law)') || throughput.includes("ideal (Little's law)"), 'ideal line in the legend');
    assert.ok(readFileSync(charts[1]!.svg, 'utf8').includes('p99 latency (ms)'));
  });

  it('renders the overhead curves for the overhead executor, one chart per mode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-charts-'));
    const charts = await writeCharts(dir, fixtureOverhead());
    assert.deepEqual(charts.map((c) => c.name), ['overhead-vs-workers-pool', 'overhead-vs-workers-spawn', 'elapsed-vs-workers-pool', 'elapsed-vs-workers-spawn']);
    const specs = chartSpecs(fixtureOverhead());
    // Each mode's chart holds that mode's points only: pool's 1.90 for python-threads at 100, spawn's 2.50.
    const values = (name: string) => ((specs.find((c) => c.name === name)!.spec as { data: { values: { target: string; load: number; value: number }[] } }).data.values);
    assert.deepEqual(values('overhead-vs-workers-pool').filter((v) => v.target === 'python-threads').map((v) => v.value), [1.01, 1.05, 1.9]);
    assert.deepEqual(values('overhead-vs-workers-spawn').filter((v) => v.target === 'python-threads').map((v) => v.value), [1.1, 1.5, 2.5]);
    for (const mode of ['pool', 'spawn']) {
      const svg = readFileSync(charts.find((c) => c.name === `overhead-vs-workers-${mode}`)!.svg, 'utf8');
      assert.ok(svg.includes('elapsed / ideal (1 = no overhead)') && svg.includes('workers') && svg.includes('gevent-explicit'));
      assert.ok(svg.includes(`${mode} mode`), `the ${mode} chart names its mode`);
    }
  });
});
