import { fmt, unitOf, type FindingSource } from '../../model/findings.js';
import type { FindingsPart } from '../common/view.js';
import { latencyApart, latencyRatios } from './latency.js';

// The cross-check's findings: how far the lab's rate was from wrk's, per load run and row.

export type CrossCheckFinding = { kind: 'cross-check'; run: string; min_ratio: number; min_at: number; flagged: number; per_step: { load: number; ratio: number }[]; latency_apart?: { load: number; p99_ratio: number | null }[]; text: string };

export const crossCheckFindings: FindingsPart = {
  applies: (r, ctx) => r.targets.some((t) => ctx.requestSteps(t.steps).some((s) => s.cross_check)),
  row(s: FindingSource, t, ctx) {
    const per = ctx.requestSteps(t.steps).flatMap((x) => (typeof x.cross_check?.ratio === 'number' ? [{ load: x.load, ratio: x.cross_check.ratio, flagged: x.cross_check.flagged }] : []));
    if (!per.length) return [];
    const min = per.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    const flagged = per.filter((p) => p.flagged).length;
    // Latency more than 2x apart between lab and wrk (also in runs that did not store the ratio).
    const apart = ctx.requestSteps(t.steps).flatMap((x) => {
      if (!x.cross_check) return [];
      const lr = x.cross_check.latency_ratio ?? latencyRatios(x.latency_ms, x.cross_check.latency_ms);
      return latencyApart(lr) ? [{ load: x.load, p99_ratio: lr.p99 }] : [];
    });
    const latencyText = apart.length ? `; latency lab/wrk more than 2x apart at ${apart.map((a) => `${a.load} (p99 ${a.p99_ratio === null ? '-' : fmt(a.p99_ratio, 2)})`).join(', ')}` : '';
    return [{ kind: 'cross-check', run: s.ref.run, min_ratio: min.ratio, min_at: min.load, flagged, per_step: per.map(({ load, ratio: r }) => ({ load, ratio: r })), ...(apart.length ? { latency_apart: apart } : {}),
      text: `cross-check lab/wrk: min ${fmt(min.ratio, 2)} at ${min.load} ${unitOf(s.r)}; per step ${per.map((p) => `${p.load}: ${fmt(p.ratio, 2)}`).join(', ')}; ${flagged ? `${flagged} step${flagged > 1 ? 's' : ''} under 0.9` : 'none under 0.9'}${latencyText} (${s.ref.run})` }];
  },
  missing: (_sources, loadRuns) => (loadRuns.length && !loadRuns.some((s) => s.r.targets.some((t) => t.steps.some((x) => x.cross_check)))
    ? ['no cross-check in the load runs: `lab run io-ramp --cross-check` measures each connections-sweep step again with wrk'] : []),
};

/** Adds its findings to RowFinding (model/findings.ts names no executor). */
declare module '../../model/findings.js' {
  interface RowFindingKinds {
    'cross-check': CrossCheckFinding;
  }
}
