// The page's "Start" runs the same runScenario as `lab run`, writing into the web server's
// results folder, so a run started from the page is a normal run folder afterwards (a tour: a
// tour folder of run folders, loadgen/src/results/tour-index.ts).
import { runScenario } from '../scenario-run/run-scenario.js';
import { runTour } from '../scenario-run/run-tour.js';
import { isTour } from '../scenario/tour.js';
import type { LabRuntime } from '../runtime/types.js';
import type { StartRun } from './run-controller.js';

export function scenarioRunnerFor(runtime: LabRuntime): StartRun {
  return async ({ scenario, targets, resultsDir, onProgress, signal }) => {
    const opts = { outDir: resultsDir, targets, signal, onProgress, onNote: (message: string) => onProgress({ phase: 'note', message }) };
    const outcome = isTour(scenario) ? await runTour(runtime, scenario, opts) : await runScenario(runtime, scenario, opts);
    return { resultDir: outcome.dir };
  };
}
