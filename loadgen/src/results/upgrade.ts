import { RESULT_VIEWS } from '../executors/registry.js';

// results.json keeps schema_version 1 across the move of each executor's fields under one key
// named after it (issue 9): a file written before (idle; overhead + overhead_modes) is read into
// today's layout by the views' upgrade(), in place, before it is validated. Files are never
// rewritten: docs/results and old run folders keep the layout they were written in.

export function upgradeResults(data: unknown): unknown {
  const targets = (data as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return data;
  for (const t of targets) {
    const steps = (t as { steps?: unknown } | null)?.steps;
    if (!Array.isArray(steps)) continue;
    for (const s of steps) if (s && typeof s === 'object') for (const v of RESULT_VIEWS) v.upgrade?.(s as Record<string, unknown>);
  }
  return data;
}
