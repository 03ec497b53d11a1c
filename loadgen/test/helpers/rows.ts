import { openLocalRuntime } from '../../src/runtime/index.js';
import { findFreePortOffset } from '../../src/runtime/ports.js';

/**
 * A local runtime running every one of `rows`, or an error naming the row that did not start,
 * why, and the install command: a missing python3 package, wrk or Go is an install problem
 * (CI installs them), so a test that needs the row fails rather than skips.
 */
export async function openRows(rows: string[]): Promise<Awaited<ReturnType<typeof openLocalRuntime>>> {
  const runtime = await openLocalRuntime({ targets: rows, portOffset: await findFreePortOffset() });
  const missing = rows.filter((name) => !runtime.targets.some((t) => t.name === name));
  if (missing.length === 0) return runtime;
  await runtime.stop();
  const why = missing.map((name) => {
    const u = runtime.unavailable.find((x) => x.name === name);
    return `${name} did not start: ${u?.reason ?? 'not started'}${u?.hint ? ` (fix: ${u.hint})` : ''}`;
  });
  throw new Error(why.join('; '));
}
