import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../core/manifest/repo-root.js';

// Row colours come from dashboards/row-colours.json, which `npm run generate` writes from each
// manifest's `colour` (as it writes the Grafana dashboards; the web page reads the same table),
// so a row looks the same wherever it is drawn.

export interface RowColours {
  /** Fixed colour of each known row. */
  rows: Record<string, string>;
  /** Colours for rows not in the table, picked by a hash of the name (see colourOf). */
  spare: string[];
}

/** Reference series (the ideal lines) are black and dashed, never a row colour. */
export const REFERENCE_COLOUR = '#000000';

const HEX = /^#[0-9a-f]{6}$/i;

export function rowColoursPath(): string {
  return path.join(repoRoot(), 'dashboards', 'row-colours.json');
}

let cached: RowColours | undefined;

/** The table, read once; a malformed file is an error naming the file and the bad entry. */
export function rowColours(): RowColours {
  if (cached) return cached;
  const file = rowColoursPath();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the row colours ${file}: ${(err as Error).message}`);
  }
  cached = parseRowColours(raw, file);
  return cached;
}

export function parseRowColours(raw: unknown, source: string): RowColours {
  const obj = raw as { rows?: unknown; spare?: unknown };
  if (typeof obj !== 'object' || obj === null || typeof obj.rows !== 'object' || obj.rows === null || !Array.isArray(obj.spare)) {
    throw new Error(`${source}: expected { "rows": { name: "#rrggbb" }, "spare": ["#rrggbb", ...] }`);
  }
  const rows: Record<string, string> = {};
  for (const [name, colour] of Object.entries(obj.rows)) {
    if (typeof colour !== 'string' || !HEX.test(colour)) throw new Error(`${source}: rows.${name} is ${JSON.stringify(colour)}, not a #rrggbb colour`);
    rows[name] = colour.toLowerCase();
  }
  const spare = obj.spare.map((c, i) => {
    if (typeof c !== 'string' || !HEX.test(c)) throw new Error(`${source}: spare[${i}] is ${JSON.stringify(c)}, not a #rrggbb colour`);
    return c.toLowerCase();
  });
  if (spare.length === 0) throw new Error(`${source}: spare needs at least one colour`);
  return { rows, spare };
}

/**
 * The colour of a row. Unknown rows hash their name (32-bit FNV-1a over UTF-16 code units) into
 * the spare list, so the choice does not depend on which other rows are drawn. The web page
 * computes no colour: it takes the table from /api/targets (`row_colours`).
 */
export function colourOf(name: string, table: RowColours = rowColours()): string {
  return table.rows[name] ?? table.spare[spareIndex(name, table.spare.length)]!;
}

export function spareIndex(name: string, size: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % size;
}
