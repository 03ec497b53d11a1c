import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// When a compiled row needs a build: its output is older than the newest of its sources. Shared
// by the local builds of the Go, Rust and Erlang rows.

/** The newest modification time of the files under dir that `isSource` accepts (dot-folders and `skip` folders left out). */
export function newestSource(dir: string, isSource: (name: string) => boolean, skip: readonly string[]): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || skip.includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full, isSource, skip));
    else if (isSource(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** A file's modification time, 0 when it does not exist. */
export function mtimeOrZero(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
