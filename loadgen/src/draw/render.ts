import { existsSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// Server-side rendering: Vega-Lite -> Vega -> SVG (no browser), then SVG -> PNG with resvg,
// which draws no text unless it is handed a font: DejaVu ships with Debian (fonts-dejavu-core).

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONT_DIR, f)).filter((f) => existsSync(f));

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes at 2x for crisp README images; throws if no font is available (text would vanish). */
export function svgToPng(svg: string): Buffer {
  if (FONT_FILES.length === 0) {
    throw new Error(`no font for PNG charts: install fonts-dejavu-core (expected ${FONT_DIR}/DejaVuSans.ttf)`);
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
