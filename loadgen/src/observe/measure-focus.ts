import type { Sample as PromSample } from '../core/prom-text.js';

// While a step is measured, nothing but the measured row is scraped (issue 18, "the observer on
// a budget"): a scrape costs a row CPU, and on two shared cores another row's CPU is the
// measured row's noise. The run loop sets the focus around each measure; the web server's live
// scraper (observe/scraper.ts) then scrapes no row at all and takes the measured row's points
// from the step's own sampler, which publishes every scrape here. So `lab run overhead` and the
// tour under `lab up` sample the measured row alike.

interface Focus {
  target: string;
  /** The sampler's latest /metrics scrape of the target (ms since the epoch, its samples). */
  last?: { t: number; samples: PromSample[] };
}

let focus: Focus | undefined;

/** The run loop, around a step's measure: only `target` is sampled until endMeasureFocus(). */
export function beginMeasureFocus(target: string): void {
  focus = { target };
}

export function endMeasureFocus(): void {
  focus = undefined;
}

/** The measured row and its latest scrape, while a step is measured; undefined otherwise. */
export function measureFocus(): Readonly<Focus> | undefined {
  return focus;
}

/** The step's sampler shares each scrape of the measured row (no second scrape for the live view). */
export function publishScrape(target: string, samples: PromSample[]): void {
  if (focus?.target === target) focus.last = { t: Date.now(), samples };
}
