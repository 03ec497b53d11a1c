// A task on another node is measured through its own /metrics: real fixture rows (offset 6500,
// this stream's range), one complete and one that lacks lab_os_threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalRuntime } from '../../../src/runtime/index.js';
import { statsFromMetrics } from '../../../src/runtime/swarm/index.js';
import { FIXTURE_SERVICES } from '../../helpers/paths.js';

const OFFSET = 6500;

test('statsFromMetrics reads CPU, RSS, threads and context switches from a row, and gives up on a row lacking a figure or not answering', async () => {
  const logDir = mkdtempSync(path.join(tmpdir(), 'lab-swarm-stats-'));
  const runtime = await openLocalRuntime({ servicesDir: FIXTURE_SERVICES, portOffset: OFFSET, logDir, targets: ['good-echo', 'broken-echo'] });
  try {
    const good = runtime.targets.find((t) => t.name === 'good-echo')!;
    const broken = runtime.targets.find((t) => t.name === 'broken-echo')!;
    const fromMetrics = await statsFromMetrics(good.metricsUrl);
    const fromProc = await runtime.stats('good-echo');
    assert.ok(fromMetrics && fromProc);
    assert.equal(fromMetrics.osThreads, 7, 'the fixture exports lab_os_threads 7');
    assert.deepEqual(fromMetrics.contextSwitches, { voluntary: 1, involuntary: 1 });
    assert.equal(fromMetrics.processes, 1);
    assert.ok(fromMetrics.cpuSeconds > 0, `cpu ${fromMetrics.cpuSeconds}`);
    // The same process seen two ways: its own RSS figure and /proc's agree within a factor of two.
    assert.ok(fromMetrics.rssBytes > fromProc.rssBytes / 2 && fromMetrics.rssBytes < fromProc.rssBytes * 2, `rss ${fromMetrics.rssBytes} vs /proc ${fromProc.rssBytes}`);
    assert.equal(await statsFromMetrics(broken.metricsUrl), undefined, 'no lab_os_threads: no made-up figure');
    assert.equal(await statsFromMetrics(`http://127.0.0.1:${8199 + OFFSET}/metrics`), undefined, 'nothing listens there');
  } finally {
    await runtime.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
});
