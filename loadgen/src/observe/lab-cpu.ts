import { performance } from 'node:perf_hooks';

// The lab's own CPU over a step, split by purpose (issue 18: "load generation, sampling and the
// rest"). process.cpuUsage() counts the whole process, and the lab's purposes interleave on one
// event loop, so a purpose is charged only for the synchronous sections run through charge()
// or wrap() (a scrape's response handler and parse, a /proc pass): the socket reads libuv does
// between callbacks stay unattributed. Whatever this process spent outside charged sections
// goes to `unattributed` (default 'rest'; 'loadgen' for a step whose load runs in this process).
// CPU measured elsewhere (a load generator process's own report, a worker's) is added by add().

export type Purpose = 'loadgen' | 'sampling' | 'rest' | (string & {});

export interface LabCpuSplit {
  window_s: number;
  /** This process's CPU over the window plus what add() brought in. */
  total_cpu_s: number;
  in_process_cpu_s: number;
  external_cpu_s: number;
  /** CPU seconds per purpose; sums to total_cpu_s. */
  by_purpose: Record<string, number>;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

export class LabCpuLedger {
  private start: NodeJS.CpuUsage | undefined;
  private startMs = 0;
  private charged = new Map<string, number>();
  private external = new Map<string, number>();
  /** Open sections; each collects its children's CPU so that nested charges are not counted twice. */
  private readonly stack: { children: number }[] = [];
  private unattributed: Purpose = 'rest';

  /** Opens the window (a step). `unattributed`: the purpose of this process's uncharged CPU. */
  begin(opts: { unattributed?: Purpose } = {}): void {
    this.unattributed = opts.unattributed ?? 'rest';
    this.charged = new Map();
    this.external = new Map();
    this.startMs = performance.now();
    this.start = process.cpuUsage();
  }

  /** Runs fn (synchronous) and charges its CPU to `purpose`; returns fn's result. */
  charge<T>(purpose: Purpose, fn: () => T): T {
    if (!this.start) return fn(); // outside a window: nothing to charge to
    const section = { children: 0 };
    this.stack.push(section);
    const before = process.cpuUsage();
    try {
      return fn();
    } finally {
      const spent = cpuSeconds(process.cpuUsage(before));
      this.stack.pop();
      this.charged.set(purpose, (this.charged.get(purpose) ?? 0) + spent - section.children);
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.children += spent;
    }
  }

  /** fn wrapped so that every call is charged (for event handlers: res.on('data', ledger.wrap(...))). */
  wrap<A extends unknown[], R>(purpose: Purpose, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => this.charge(purpose, () => fn(...args));
  }

  /** CPU seconds spent outside this process for `purpose` during the window (e.g. a load generator process's report). */
  add(purpose: Purpose, seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`CPU seconds must be a finite number >= 0, got ${seconds}`);
    this.external.set(purpose, (this.external.get(purpose) ?? 0) + seconds);
  }

  /** Closes the window and returns the split. */
  end(): LabCpuSplit {
    if (!this.start) throw new Error('LabCpuLedger.end() without begin()');
    const inProcess = cpuSeconds(process.cpuUsage(this.start));
    const window = (performance.now() - this.startMs) / 1000;
    this.start = undefined;
    const byPurpose: Record<string, number> = { loadgen: 0, sampling: 0, rest: 0 };
    let chargedTotal = 0;
    for (const [purpose, s] of this.charged) {
      byPurpose[purpose] = (byPurpose[purpose] ?? 0) + s;
      chargedTotal += s;
    }
    // process.cpuUsage is in microseconds but the sections' sum may exceed the whole by rounding.
    byPurpose[this.unattributed] = (byPurpose[this.unattributed] ?? 0) + Math.max(0, inProcess - chargedTotal);
    let external = 0;
    for (const [purpose, s] of this.external) {
      byPurpose[purpose] = (byPurpose[purpose] ?? 0) + s;
      external += s;
    }
    return { window_s: window, total_cpu_s: Math.max(inProcess, chargedTotal) + external, in_process_cpu_s: inProcess, external_cpu_s: external, by_purpose: byPurpose };
  }
}
