import { formatMs } from '../core/units.js';
import type { StepResult } from '../results/types.js';

/** summary.md: a connections-sweep's steps beside wrk's measurement of the same step (empty when not cross-checked). */
export function crossCheckLines(steps: StepResult[], table: (header: string[], rows: unknown[][]) => string[]): string[] {
  const checked = steps.filter((s) => s.cross_check);
  if (checked.length === 0) return [];
  return [
    `Cross-check: the same step driven by wrk right after the lab's measure (lab/wrk under 0.9 is flagged).`,
    '',
    ...table(
      ['connections', 'lab req/s', 'wrk req/s', 'lab/wrk', 'lab p50', 'wrk p50', 'lab p99', 'wrk p99', 'wrk errors', 'CPU'],
      checked.map((s) => {
        const c = s.cross_check!;
        return [s.load, s.rps.toFixed(1), c.rps.toFixed(1), `${c.ratio === null ? '-' : c.ratio.toFixed(2)}${c.flagged ? ' **flagged**' : ''}`,
          formatMs(s.latency_ms.p50), formatMs(c.latency_ms.p50), formatMs(s.latency_ms.p99), formatMs(c.latency_ms.p99), c.errors, c.note ?? ''];
      }),
    ),
    '',
  ];
}
