// What both generators (index.mjs, published.mjs) do with their outputs: `--check` compares
// each with the file on disk and names the stale ones with their first differing line; without
// it, the changed ones are written. One place, so the two report alike.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './manifests.mjs';

/** `--check` or nothing: { check } or a message for anything else. */
export function parseGenerateArgs(argv, what) {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) return { error: `${what}: unknown argument ${unknown.join(' ')} (use --check or nothing)` };
  return { check: argv.includes('--check') };
}

/** Where two texts first differ, as a short hint: line number, the committed and the generated line. */
export function diffHint(current, wanted) {
  const a = current.split('\n');
  const b = wanted.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const show = (l) => (l === undefined ? '(end of file)' : JSON.stringify(l.length > 110 ? `${l.slice(0, 110)}...` : l));
  return `line ${i + 1}: committed ${show(a[i])}, generated ${show(b[i])} (${a.length} vs ${b.length} lines)`;
}

/** Checks or writes [{ file, text }] (repo-relative); returns how many were stale and how many written. */
export function settle(outputs, { check, what, repo = REPO }) {
  let stale = 0;
  let written = 0;
  for (const { file, text } of outputs) {
    const target = path.join(repo, file);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      console.error(`${what} --check: ${file} is ${current === undefined ? 'missing' : `stale, ${diffHint(current, text)}`}`);
      stale++;
    } else {
      writeFileSync(target, text);
      console.log(`${what}: wrote ${file}`);
      written++;
    }
  }
  return { stale, written };
}
