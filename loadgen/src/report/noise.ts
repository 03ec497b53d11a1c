import type { Table } from '../draw/markdown.js';
import type { StepResult } from '../model/results.js';

// The machine's noise per step (issue 18), after each target's step table in summary.md and
// report.html: what other programs used while the step was measured (foreign CPU, cores), the
// lab's own share, steal, and the flag that keeps a step out of the findings.

const cores = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));

/** `kdamond.0 0.061, kworker/1:2 0.012`: who used the foreign CPU in the step's busiest trial (runs since issue 20). */
function busiest(s: StepResult): string {
  const noises = [s.noise, ...(s.trials ?? []).map((t) => t.noise)].filter((n) => n !== undefined);
  const top = noises.sort((a, b) => b.foreign_cpu_cores - a.foreign_cpu_cores)[0]?.foreign_top ?? [];
  return top.map((p) => `${p.name} ${p.cores.toFixed(3)}`).join(', ');
}

export function noiseLines(steps: StepResult[], table: Table): string[] {
  const measured = steps.filter((s) => s.noise || s.trials?.some((t) => t.noise));
  if (!measured.length) return [];
  return ['Machine noise over each measure (foreign: CPU other programs used, in cores; a step above 0.05 of a core, and above its own /proc rounding, in any trial is a busy machine, left out of the findings unless allowed):', '',
    ...table(['load', 'trials', 'foreign CPU (rep.)', 'foreign CPU max', 'lab CPU', 'steal %', 'load avg', 'flag', 'foreign processes (busiest trial)'],
      measured.map((s) => {
        const foreign = (s.trials ?? []).map((t) => t.noise?.foreign_cpu_cores).filter((v): v is number => v !== undefined);
        return [s.load, s.trials?.length ?? 1, cores(s.noise?.foreign_cpu_cores), cores(foreign.length ? Math.max(...foreign) : s.noise?.foreign_cpu_cores),
          cores(s.noise?.lab_cpu_cores.total), s.noise ? s.noise.steal_pct.toFixed(1) : '-', s.noise ? s.noise.loadavg[0].toFixed(2) : '-', s.busy_machine ? 'busy machine' : '', busiest(s)];
      })), ''];
}
