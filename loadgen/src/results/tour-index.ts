// A tour's run folder: `<UTC time>_<tour>/` holds tour.json (this index, rewritten after every
// part) and one ordinary run folder per part (`<UTC time>_<part>/`, results.json schema 1, its
// own summary and charts), plus summary.md with the Findings computed from every part at once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, LabError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';

export const TOUR_INDEX = 'tour.json';

export interface TourIndex {
  tour_version: 1;
  name: string;
  description: string;
  /** The tour file it ran, when it came from one. */
  file?: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'complete' | 'failed' | 'aborted';
  /** In order; `dir` is the part's run folder name inside the tour folder, null until it starts. */
  parts: { name: string; executor: string; dir: string | null; status: 'pending' | 'running' | 'complete' | 'failed' | 'aborted' }[];
}

export function isTourDir(dir: string): boolean {
  return existsSync(path.join(dir, TOUR_INDEX));
}

export function writeTourIndex(dir: string, index: TourIndex): void {
  writeFileAtomic(path.join(dir, TOUR_INDEX), JSON.stringify(index, null, 2) + '\n');
}

/** tour.json of a tour folder; exit 2 with the reason when it is missing or not a tour index. */
export function readTourIndex(dir: string): TourIndex {
  const file = path.join(dir, TOUR_INDEX);
  let data: Partial<TourIndex>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Partial<TourIndex>;
  } catch (err) {
    throw new LabError(`cannot read ${file}: ${(err as Error).message}`, EXIT.badInput);
  }
  if (data.tour_version !== 1 || typeof data.name !== 'string' || !Array.isArray(data.parts)) {
    throw new LabError(`${file} is not a tour index (tour_version 1 with name and parts)`, EXIT.badInput);
  }
  for (const p of data.parts) {
    // A part folder is a plain name inside the tour folder, never a path out of it.
    if (p.dir !== null && (typeof p.dir !== 'string' || p.dir !== path.basename(p.dir) || p.dir.startsWith('.'))) {
      throw new LabError(`${file}: part ${JSON.stringify(p.name)} has an invalid folder ${JSON.stringify(p.dir)}`, EXIT.badInput);
    }
  }
  return data as TourIndex;
}
