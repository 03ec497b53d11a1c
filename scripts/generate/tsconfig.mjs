// The root tsconfig.json: one project reference per npm workspace that has a tsconfig.json, so
// that `tsc -b` builds a new TypeScript row without a hand edit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { workspaceFolders } from './manifests.mjs';

export function rootTsconfig({ repo }) {
  const references = workspaceFolders(repo).filter((w) => existsSync(path.join(repo, w, 'tsconfig.json'))).map((w) => ({ path: w }));
  const text = ['{', '  "files": [],', '  "references": [', references.map((r) => `    ${JSON.stringify(r).replace('{"path":', '{ "path": ').replace(/}$/, ' }')}`).join(',\n'), '  ]', '}', ''].join('\n');
  return [{ file: 'tsconfig.json', text }];
}
