// The wrk cross-check step plugin (StepResult.cross_check): two columns of the steps table and a
// note on each finished step. A ratio under 0.9 is flagged, and a p50 or p99 more than 2x apart
// (latency_flagged, issue 18); the row's own p99 (its request histogram) is in the title.
import { el } from '../dom.js';
import { fmt } from '../format.js';

export const stepColumns = [
  { header: 'wrk req/s', cell: (s) => el('td', { class: 'num' }, s.cross_check ? fmt.num(s.cross_check.rps, 1) : '–') },
  { header: 'lab/wrk', cell: (s) => el('td', { class: `num cross-check${s.cross_check?.flagged ? ' down-val' : ''}`, title: s.cross_check?.note ?? '' }, s.cross_check?.ratio == null ? '–' : `${s.cross_check.ratio.toFixed(2)}${s.cross_check.flagged ? ' ⚑' : ''}`) },
  { header: 'p99 lab/wrk', cell: (s) => {
    const r = s.cross_check?.latency_ratio?.p99;
    const row = s.server?.latency_ms?.p99;
    const title = row == null ? '' : `row's own p99 ${fmt.num(row, 0)} ms during the lab's measure, ${fmt.num(s.cross_check?.server_latency_ms?.p99, 0)} ms during wrk's`;
    return el('td', { class: `num cross-check${s.cross_check?.latency_flagged ? ' down-val' : ''}`, title }, r == null ? '–' : `${r.toFixed(2)}${s.cross_check.latency_flagged ? ' ⚑' : ''}`);
  } },
];

export const stepNote = (s) => (s.cross_check
  ? ` · lab/wrk ${fmt.num(s.cross_check.ratio, 2)}${s.cross_check.flagged ? ' (flagged)' : ''}${s.cross_check.latency_flagged ? ` · p99 lab/wrk ${fmt.num(s.cross_check.latency_ratio?.p99, 2)} (flagged)` : ''}`
  : '');
