// The lab's own scrape of every target's /metrics, once a second, the last five minutes kept in
// memory. This is what the web dashboard draws when there is no Prometheus.
import { derivePoint, downPoint, type LivePoint, type Scrape } from './derive.js';
import { parsePrometheusText } from '../core/prom-text.js';
import { RingBuffer } from './ring-buffer.js';
import { measureFocus } from './measure-focus.js';

export interface ScrapeTarget {
  name: string;
  metricsUrl: string;
}

export interface LiveScraperOptions {
  /** Called before every round, so that targets started or restarted later are picked up. */
  targets: () => ScrapeTarget[];
  intervalMs?: number;
  /** How many points per target to keep (default 300: five minutes at 1 s). */
  keep?: number;
  timeoutMs?: number;
}

export interface LiveSeries {
  name: string;
  points: LivePoint[];
}

export const LIVE_DEFAULTS = { intervalMs: 1000, keep: 300, timeoutMs: 800 } as const;

export class LiveScraper {
  private readonly history = new Map<string, RingBuffer<LivePoint>>();
  private readonly lastScrape = new Map<string, Scrape>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly keep: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: LiveScraperOptions) {
    this.intervalMs = opts.intervalMs ?? LIVE_DEFAULTS.intervalMs;
    this.keep = opts.keep ?? LIVE_DEFAULTS.keep;
    this.timeoutMs = opts.timeoutMs ?? Math.min(LIVE_DEFAULTS.timeoutMs, this.intervalMs);
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      // A round slower than the interval is not stacked on top of the next one.
      if (!this.round) this.round = this.scrapeOnce().finally(() => (this.round = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One scrape of every target, now. */
  async scrapeOnce(): Promise<void> {
    // While a step is measured, no row is scraped from here: the measured row's points come
    // from the step's sampler (observe/measure-focus.ts), the others wait until it ends.
    const focus = measureFocus();
    if (focus) {
      if (focus.last && focus.last.t > (this.lastScrape.get(focus.target)?.t ?? 0)) this.record(focus.target, focus.last);
      return;
    }
    const targets = this.opts.targets();
    await Promise.all(targets.map((t) => this.scrapeTarget(t)));
  }

  private async scrapeTarget(target: ScrapeTarget): Promise<void> {
    const t = Date.now();
    try {
      const res = await fetch(target.metricsUrl, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.record(target.name, { t, samples: parsePrometheusText(await res.text()).samples });
    } catch {
      // A target that is down shows as a gap, and its next good scrape starts a fresh rate.
      this.lastScrape.delete(target.name);
      this.push(target.name, downPoint(t));
    }
  }

  private record(name: string, scrape: Scrape): void {
    const point = derivePoint(this.lastScrape.get(name), scrape);
    this.lastScrape.set(name, scrape);
    this.push(name, point);
  }

  private push(name: string, point: LivePoint): void {
    let ring = this.history.get(name);
    if (!ring) this.history.set(name, (ring = new RingBuffer(this.keep)));
    ring.push(point);
  }

  /** Points newer than `since` (ms since the epoch), per target. */
  series(since = 0): LiveSeries[] {
    return [...this.history.entries()].map(([name, ring]) => ({
      name,
      points: ring.toArray().filter((p) => p.t > since),
    }));
  }
}
