import type { Slope } from '../model/step-timeline.js';

// One way to write a leak slope, for the Findings, a run's summary.md and the soak table of
// docs/results.md: `+0.12 [-0.05, 0.30] MiB/min, late +0.01 [-0.20, 0.22]`, in the measure's
// own unit (RSS in MiB), its 95% interval and its second half's slope where they exist.

// `unit` follows a number in a table cell; a named slope puts its name first (`threads +0.12/min`).
const UNIT: Record<Slope['measure'], { scale: number; unit: string; name: string; named: string }> = {
  rss_bytes: { scale: 2 ** 20, unit: ' MiB/min', name: 'RSS', named: ' MiB/min' },
  threads: { scale: 1, unit: ' threads/min', name: 'threads', named: '/min' },
  open_fds: { scale: 1, unit: ' fds/min', name: 'open fds', named: '/min' },
};

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

/** The slope with its interval and its second half's, or '-' when the window had none. */
export function slopeText(x: Slope | undefined, unit = x ? UNIT[x.measure].unit : ''): string {
  if (x?.per_min == null) return '-';
  const { scale } = UNIT[x.measure];
  const v = (n: number) => n / scale;
  const ci = (r: [number, number] | null | undefined) => (r ? ` [${v(r[0]).toFixed(2)}, ${v(r[1]).toFixed(2)}]` : '');
  const late = x.late_per_min != null ? `, late ${signed(v(x.late_per_min))}${ci(x.late_ci95_per_min)}` : '';
  return `${signed(v(x.per_min))}${ci(x.ci95_per_min)}${unit}${late}`;
}

/** `RSS +0.12 MiB/min`: the slope alone, named (no interval), for one-line Findings. */
export function slopeNamed(x: Slope): string {
  const { scale, named, name } = UNIT[x.measure];
  return `${name} ${signed(x.per_min! / scale)}${named}`;
}

/** `RSS +0.12 [...] MiB/min, late ...`: the slope with its intervals, named. */
export function slopeNamedWithInterval(x: Slope): string {
  return `${UNIT[x.measure].name} ${slopeText(x, UNIT[x.measure].named)}`;
}
