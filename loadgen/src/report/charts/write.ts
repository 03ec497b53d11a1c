import path from 'node:path';
import { writeFileAtomic } from '../../core/files.js';
import type { RunResults } from '../../model/results.js';
import { chartSpecs } from './specs.js';
import { renderSvg, svgToPng } from '../../draw/render.js';

export interface ChartOutput {
  name: string;
  svg: string;
  png?: string;
  error?: string;
}

/** Every chart of a run as <dir>/<name>.svg and .png; a chart that fails is reported, not fatal. */
export async function writeCharts(dir: string, results: RunResults): Promise<ChartOutput[]> {
  const out: ChartOutput[] = [];
  for (const { name, spec } of chartSpecs(results)) {
    const svgFile = path.join(dir, `${name}.svg`);
    const svg = await renderSvg(spec);
    writeFileAtomic(svgFile, svg);
    try {
      const pngFile = path.join(dir, `${name}.png`);
      writeFileAtomic(pngFile, svgToPng(svg));
      out.push({ name, svg: svgFile, png: pngFile });
    } catch (err) {
      out.push({ name, svg: svgFile, error: (err as Error).message });
    }
  }
  return out;
}
