// Statistics of repeated trials (issue 18, DESIGN.md "How sure a figure is"). Pure functions,
// no I/O, nothing imported from above core/.
export { median, medianInterval, minTrialsFor, binomialHalfCdf, sorted, type MedianInterval } from './median.js';
export { bootstrapInterval, BOOTSTRAP_DEFAULTS, type BootstrapOptions } from './bootstrap.js';
export { seededRandom } from './prng.js';
export { erfc, normalCdf } from './normal.js';
export { mannWhitney, smallestPossibleP, EXACT_LIMIT, type UTestResult } from './mann-whitney.js';
export { summarize, compare, signedChange, separates, tieGroups, aboveFloor, type Summary, type Comparison } from './summary.js';
export { shouldStop, validateStoppingRule, type StoppingRule, type StoppingDecision } from './stopping.js';
export { TrialRounds, type Figures, type KeyState } from './rounds.js';
export { trend, tQuantile975, type Trend } from './trend.js';
export { trialSpread, spreadInterval } from './trial-spread.js';
export { benjaminiHochberg } from './false-discovery.js';
