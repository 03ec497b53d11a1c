// The page's "Start" runs the same runScenario as `lab run`, writing into the web server's
// results folder, so a run started from the page is a normal run folder afterwards.
import { runScenario } from '../scenario-run/run-scenario.js';
import type { LabRuntime } from '../runtime/types.js';
import type { StartRun } from './run-controller.js';

export function scenarioRunnerFor(runtime: LabRuntime): StartRun {
  return async ({ scenario, targets, resultsDir, onProgress, signal }) => {
    const outcome = await runScenario(runtime, scenario, {
      outDir: resultsDir,
      targets,
      signal,
      onProgress,
      onNote: (message) => onProgress({ phase: 'note', message }),
    });
    return { resultDir: outcome.dir };
  };
}
