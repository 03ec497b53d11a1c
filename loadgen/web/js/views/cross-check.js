// The wrk cross-check step plugin (StepResult.cross_check): two columns of the steps table and a
// note on each finished step. A ratio under 0.9 is flagged.
import { el } from '../dom.js';
import { fmt } from '../format.js';

export const stepColumns = [
  { header: 'wrk req/s', cell: (s) => el('td', { class: 'num' }, s.cross_check ? fmt.num(s.cross_check.rps, 1) : '–') },
  { header: 'lab/wrk', cell: (s) => el('td', { class: `num cross-check${s.cross_check?.flagged ? ' down-val' : ''}`, title: s.cross_check?.note ?? '' }, s.cross_check?.ratio == null ? '–' : `${s.cross_check.ratio.toFixed(2)}${s.cross_check.flagged ? ' ⚑' : ''}`) },
];

export const stepNote = (s) => (s.cross_check ? ` · lab/wrk ${fmt.num(s.cross_check.ratio, 2)}${s.cross_check.flagged ? ' (flagged)' : ''}` : '');
