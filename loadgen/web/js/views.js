// The result views (loadgen/src/executors/common/view.ts): GET /api/executors says which exist, in
// which order, and which is the default; each is drawn by its module web/js/views/<name>.js.
// The page names no executor: a new executor brings its view module, or uses an existing view.
import { api } from './api.js';

let loaded = null;

/** Every view module, in the server's order: { name, default, owns?, charts?, stepColumns?, stepNote? }. */
export function resultViews() {
  loaded ??= api('/api/executors').then(({ views }) => Promise.all(views.map(async (v) => ({ ...(await import(`./views/${v.name}.js`)), name: v.name, default: v.default }))));
  return loaded;
}

/** The view that draws these steps: the first whose key one of them has, else the default. */
export function ownerView(views, steps) {
  return views.find((v) => v.owns && steps.some((s) => v.owns(s))) ?? views.find((v) => v.default);
}

/** Points of a run as one list per row, per load: [{ label, colour, values }] against `loads`. */
export function byLoad(results, pick, colourOf) {
  const loads = [...new Set(results.targets.flatMap((t) => t.steps.map((s) => s.load)))].sort((a, b) => a - b);
  const list = results.targets.map((t) => {
    const m = new Map(t.steps.map((s) => [s.load, s]));
    return { label: t.name, colour: colourOf(t.name), values: loads.map((l) => (m.has(l) ? pick(m.get(l)) : null)) };
  });
  return { loads, list };
}

/** A log x axis when the loads span a decade. */
export function logLoads(loads) {
  return loads.length > 1 && loads[0] > 0 && loads[loads.length - 1] / loads[0] >= 10;
}
