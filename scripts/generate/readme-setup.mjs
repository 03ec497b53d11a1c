// The README's set-up commands, between <!-- setup:begin --> and <!-- setup:end -->.
// scripts/setup-check.sh runs exactly these lines in a clean container (CI), so they must name
// everything a fresh Debian bookworm with Node 20 lacks: the apt-get line lists every Debian
// package the rows need locally (the list .ci/run installs) and the tools of the tests and the
// benchmark, so a new row's packages reach the README by themselves.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GenerateError, fillRegions } from './manifests.mjs';

export const SETUP_MARKERS = { begin: '<!-- setup:begin -->', end: '<!-- setup:end -->' };

/** Only the tests and the benchmark need these (the README says so below the commands). */
export const TOOL_PACKAGES = ['prometheus', 'wrk', 'chromium'];

/**
 * The rows' Debian packages as scripts/generate/debian-packages.mjs prints them for .ci/run.
 * It is a script that prints when imported, so it runs as one: one definition of the list,
 * whatever rows (Python, Go...) it learns to cover.
 */
export function rowDebianPackages(repo) {
  const script = path.join(repo, 'scripts', 'generate', 'debian-packages.mjs');
  let out;
  try {
    out = execFileSync(process.execPath, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new GenerateError(`${path.relative(repo, script)} failed: ${String(err.stderr || err.message).trim()}`);
  }
  const packages = out.trim().split(/\s+/).filter(Boolean);
  if (!packages.length) throw new GenerateError(`${path.relative(repo, script)} printed no package`);
  return packages;
}

/** The lines of the set-up block: the README shows them, setup-check.sh runs them. */
export function setupCommands(rowPackages) {
  const packages = [...new Set([...rowPackages, ...TOOL_PACKAGES])];
  return [
    `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    'npm ci          # installs and compiles (TypeScript -> dist/); `npx lab --help` works from here',
  ];
}

/** `text` (README.md) with its set-up region rewritten. */
export function fillSetupRegion(text, repo, file = 'README.md') {
  return fillRegions(text, file, SETUP_MARKERS, ['```sh', ...setupCommands(rowDebianPackages(repo)), '```']);
}
