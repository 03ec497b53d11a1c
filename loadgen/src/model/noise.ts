// The machine's noise over a window, as results.json keeps it (StepResult.noise, each trial's
// noise): measured by observe/machine-noise.ts, read by findings and the report.

export interface MachineNoise {
  window_s: number;
  cpus: number;
  /** Cores used by processes (user + nice + system), lab and others. */
  busy_cores: number;
  /** Cores used by other programs: busy_cores minus the lab's parts, never below 0. */
  foreign_cpu_cores: number;
  /** Cores per lab part, and their total. */
  lab_cpu_cores: Record<string, number> & { total: number };
  /** Interrupt handling (loopback traffic, mostly), in cores; not attributed to either side. */
  irq_cores: number;
  /** Percent of all CPU time the hypervisor gave to someone else. */
  steal_pct: number;
  /** 1, 5, 15 min load averages at the end of the window. */
  loadavg: [number, number, number];
  /** The rounding of per-process ticks over this window, in cores: foreign figures below it are noise. */
  resolution_cores: number;
  busy_machine: boolean;
  /**
   * Since issue 20: the foreign processes that used the most CPU in the window (name from
   * /proc/<pid>/comm, cores), at most three and each above the resolution: who made it busy.
   */
  foreign_top?: { name: string; pid: number; cores: number }[];
}
