// The README's row table, between <!-- rows:begin --> and <!-- rows:end -->.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fillRegions } from './manifests.mjs';

const cell = (s) => String(s).replaceAll('|', '\\|');

export function readmeTable({ repo, manifests }) {
  const rows = [
    '| service folder | label | model | reproduces | HTTP port | line port |',
    '|---|---|---|---|---|---|',
    ...manifests.map((m) => `| ${[m.name, m.label, m.model, m.reproduces, m.ports.http, m.ports.line ?? '-'].map(cell).join(' | ')} |`),
  ];
  const file = 'README.md';
  return [{ file, text: fillRegions(readFileSync(path.join(repo, file), 'utf8'), file, { begin: '<!-- rows:begin -->', end: '<!-- rows:end -->' }, rows) }];
}
