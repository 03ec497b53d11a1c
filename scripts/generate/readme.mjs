// The README's row table, between <!-- rows:begin --> and <!-- rows:end -->, and its set-up
// commands (readme-setup.mjs): one output per file, so both regions are filled here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fillRegions } from './manifests.mjs';
import { fillSetupRegion } from './readme-setup.mjs';

const cell = (s) => String(s).replaceAll('|', '\\|');

export function readmeTable({ repo, manifests }) {
  const rows = [
    '| service folder | label | model | reproduces | HTTP port | line port |',
    '|---|---|---|---|---|---|',
    ...manifests.map((m) => `| ${[m.name, m.label, m.model, m.reproduces, m.ports.http, m.ports.line ?? '-'].map(cell).join(' | ')} |`),
  ];
  const file = 'README.md';
  const text = fillRegions(readFileSync(path.join(repo, file), 'utf8'), file, { begin: '<!-- rows:begin -->', end: '<!-- rows:end -->' }, rows);
  return [{ file, text: fillSetupRegion(text, repo, file) }];
}
