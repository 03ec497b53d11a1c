import { escapeHtml } from './blocks.js';

// A chart's SVG (draw/render.ts, Vega's SVG renderer) inlined in report.html. Several
// charts share one document, so any id Vega writes (clip paths, gradients) gets the chart's
// name in front; the XML namespaces go (HTML parses <svg> without them, and the file then holds
// no http:// string at all); CSS scales it by its viewBox.

export function inlineSvg(name: string, svg: string): string {
  const prefix = `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-`;
  return svg
    .replace(/^<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/(xlink:)?href="#([^"]+)"/g, (_m, _x, id: string) => `href="#${prefix}${id}"`)
    .replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(name)}"`);
}
