import { formatMs } from '../../core/units.js';
import { chartFrame, lineChart } from '../../draw/line-chart.js';
import { num, round3 } from '../../draw/markdown.js';
import { loadLabel } from '../../model/derived.js';
import { figureValue } from '../../model/figures.js';
import type { ResultView } from '../common/view.js';
import { headOfLineFindings } from './findings.js';
import type { HeadOfLineFields } from './measurement.js';

// What the head-of-line executor adds to a step (StepResult.head_of_line): each request class
// on its own (light with heavy beside, heavy, and light alone: the same step's baseline), and how
// every reader shows it.

const num0 = { $ref: '#/definitions/num' };
const count = { $ref: '#/definitions/count' };
const CLASS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['requests', 'ok', 'duration_s', 'rps', 'p50_ms', 'p99_ms', 'max_ms', 'errors'],
  properties: { requests: count, ok: count, duration_s: { type: 'number', minimum: 0 }, rps: { type: 'number', minimum: 0 }, p50_ms: num0, p99_ms: num0, max_ms: num0, errors: count },
};
const SCHEMA = {
  head_of_line: {
    type: 'object',
    additionalProperties: false,
    required: ['heavy_cpu_ms', 'heavy_every_ms', 'light', 'heavy', 'light_alone', 'server_cpu_s'],
    properties: {
      heavy_cpu_ms: { type: 'number', minimum: 0 },
      heavy_every_ms: { type: 'number', minimum: 0 },
      light: CLASS_SCHEMA, heavy: CLASS_SCHEMA, light_alone: CLASS_SCHEMA,
      server_cpu_s: { type: 'object', additionalProperties: false, required: ['with_heavy', 'alone'], properties: { with_heavy: num0, alone: num0 } },
    },
  },
};

const CLASSES = ['light', 'heavy', 'light_alone'] as const;

export const headOfLineView: ResultView = {
  name: 'head-of-line',
  resultKeys: ['head_of_line'],
  resultSchema: SCHEMA,
  owns: (s) => s.head_of_line !== undefined,
  // Its steps send requests: thresholds and the load figures (whole-step rps, p99) apply too.
  measuresRequests: true,
  figures: (s) => (s.head_of_line ? [
    { key: 'head_of_line.light.p50_ms', label: 'light p50 (heavy beside)', unit: 'ms', better: 'lower', value: figureValue(s.head_of_line.light.p50_ms) },
    { key: 'head_of_line.light.p99_ms', label: 'light p99 (heavy beside)', unit: 'ms', better: 'lower', value: figureValue(s.head_of_line.light.p99_ms) },
    { key: 'head_of_line.light.rps', label: 'light req/s (heavy beside)', unit: 'req/s', better: 'higher', value: figureValue(s.head_of_line.light.rps) },
    { key: 'head_of_line.heavy.p99_ms', label: 'heavy p99', unit: 'ms', better: 'lower', value: figureValue(s.head_of_line.heavy.p99_ms) },
    { key: 'head_of_line.light_alone.p99_ms', label: 'light p99 (alone)', unit: 'ms', better: 'lower', value: figureValue(s.head_of_line.light_alone.p99_ms) },
  ] : []),
  csv: {
    columns: CLASSES.flatMap((c) => [`hol_${c}_rps`, `hol_${c}_p50_ms`, `hol_${c}_p99_ms`, `hol_${c}_errors`]),
    rows: (s) => [CLASSES.flatMap((c) => {
      const f = s.head_of_line?.[c];
      return [round3(f?.rps), round3(f?.p50_ms), round3(f?.p99_ms), f?.errors ?? ''];
    })],
  },
  stepTable: (r, steps, table) => table(
    [loadLabel(r.load_unit), 'heavy', 'light req/s', 'light p50', 'light p99', 'alone p50', 'alone p99', 'heavy ok', 'heavy p50', 'heavy p99', 'errors', 'server CPU s (with / alone)'],
    steps.map((s) => {
      const h = s.head_of_line;
      if (!h) return [s.load, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-'];
      return [s.load, `${h.heavy_cpu_ms} ms CPU every ${h.heavy_every_ms} ms`, num(h.light.rps, 1), formatMs(h.light.p50_ms), formatMs(h.light.p99_ms),
        formatMs(h.light_alone.p50_ms), formatMs(h.light_alone.p99_ms), h.heavy.ok, formatMs(h.heavy.p50_ms), formatMs(h.heavy.p99_ms),
        h.light.errors + h.heavy.errors + h.light_alone.errors, `${num(h.server_cpu_s.with_heavy, 2)} / ${num(h.server_cpu_s.alone, 2)}`];
    }),
  ),
  charts(r) {
    const { logX, targets, title, pick, loadAxis } = chartFrame(r);
    return [
      { name: 'light-p99', spec: lineChart(title('Light requests\' p99 with heavy requests beside'), pick((x) => x.s.head_of_line?.light.p99_ms), targets, { x: loadAxis, y: 'light p99 (ms)', logX }) },
      { name: 'light-p99-alone', spec: lineChart(title('Light requests\' p99 alone (baseline)'), pick((x) => x.s.head_of_line?.light_alone.p99_ms), targets, { x: loadAxis, y: 'light p99 alone (ms)', logX }) },
    ];
  },
  findings: headOfLineFindings,
  console: {
    columns: [['target', 18], ['load', 6], ['light r/s', 9], ['light p50', 9], ['light p99', 9], ['alone p99', 9], ['heavy ok', 8], ['heavy p99', 9], ['errors', 6], ['srv CPU s', 9]],
    cells: (target, s) => {
      const h = s.head_of_line;
      if (!h) return [target, String(s.load), '-', '-', '-', '-', '-', '-', '-', '-'];
      return [target, String(s.load), h.light.rps.toFixed(1), formatMs(h.light.p50_ms), formatMs(h.light.p99_ms), formatMs(h.light_alone.p99_ms),
        String(h.heavy.ok), formatMs(h.heavy.p99_ms), String(h.light.errors + h.heavy.errors + h.light_alone.errors), s.server.cpu_seconds === null ? '-' : s.server.cpu_seconds.toFixed(2)];
    },
  },
};

/** Adds the key to StepResult (model/results.ts names no executor). */
declare module '../../model/results.js' {
  interface StepResult extends HeadOfLineFields {}
}
