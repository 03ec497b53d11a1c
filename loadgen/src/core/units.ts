// Human-friendly quantities in scenario files: durations ("10s", "500ms", "2m") and memory
// sizes ("512m", "1g"). Each parser returns undefined on bad input so validation can collect
// every problem instead of stopping at the first.

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const DURATION_FACTOR_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds, or undefined when the string is not `<number><ms|s|m|h>`. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * DURATION_FACTOR_S[m[2]!]!;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i;
const SIZE_FACTOR: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes, or undefined when not like `512m`, `1g`, `1024k`, `2GiB`. Docker's convention: k/m/g are binary. */
export function parseSizeBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SIZE_FACTOR[m[2]!.toLowerCase()]!);
}

/** "1.5s", "250ms": how a latency is printed in tables. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 10) return `${ms.toFixed(0)}ms`;
  return `${ms.toFixed(1)}ms`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A ratio as text: `1.23x`, or '-' when there is none. */
export function ratio(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`;
}

/**
 * v.toFixed(digits), '-' when there is no finite value, and without the sign of a value that
 * rounds to zero (-0.0001 is "0.000", not "-0.000").
 */
export function fixed(v: number | null | undefined, digits: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const text = v.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}
