// Timeline charts draw every second that has a value, also one whose neighbours have none: a
// 2 s upstream answers every other second, and those seconds are upstream-slowdown's timeline.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../src/core/manifest/repo-root.js';
import { runTimelineCharts } from '../../../src/report/charts/timeline.js';
import { renderSvg } from '../../../src/draw/render.js';
import { readResults } from '../../../src/results/files.js';

const RUN = path.join(repoRoot(), 'docs', 'results', 'upstream-slowdown');

test('the p99 timeline has a point for every second with answers, lone seconds included', async () => {
  const r = readResults(RUN);
  const withValue = r.targets.flatMap((t) => t.steps[0]!.timeline!.seconds.filter((s) => s.p99_ms !== null && s.p99_ms !== undefined));
  const lone = r.targets.flatMap((t) => {
    const sec = t.steps[0]!.timeline!.seconds;
    return sec.filter((s, i) => s.p99_ms != null && sec[i - 1]?.p99_ms == null && sec[i + 1]?.p99_ms == null);
  });
  assert.ok(lone.length >= 4, `the fixture run has seconds with answers between seconds without (${lone.length})`);
  const chart = runTimelineCharts(r).find((c) => c.name === 'timeline-step1-p99');
  assert.ok(chart, 'a p99 timeline chart for step 1');
  const svg = await renderSvg(chart.spec);
  const symbols = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/s);
  assert.ok(symbols, 'the chart has a symbol (point) mark');
  const points = (symbols[1]!.match(/<path /g) ?? []).length;
  assert.equal(points, withValue.length, 'one point per second with a p99');
});
