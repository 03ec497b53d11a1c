import { fixed, formatBytes, formatMs } from '../core/units.js';

// A figure (model/figures.ts) for people, by its unit: what `lab compare`, /api/compare and the
// web page's Compare tab print in the A and B columns.

export function formatFigure(v: number | null, unit: string): string {
  if (v === null) return '-';
  switch (unit) {
    case 'bytes': return formatBytes(v);
    case 'ms': return formatMs(v);
    case 'x': return `${v.toFixed(2)}x`;
    case '%': return `${v.toFixed(2)}%`;
    case 's': return `${v.toFixed(2)} s`;
    case 'threads': return fixed(v, 3);
    default: return `${v.toFixed(1)} ${unit}`.trimEnd();
  }
}
