// A small parser for the Prometheus text exposition format (0.0.4), enough for what the
// services export (prom-client and python prometheus_client). The live view must keep going
// when one target prints something odd, so bad lines are counted and skipped, never thrown.

export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

export interface ParsedExposition {
  samples: Sample[];
  /** Lines that could not be parsed (skipped). */
  badLines: number;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

export function parsePrometheusText(text: string): ParsedExposition {
  const samples: Sample[] = [];
  let badLines = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
    else badLines++;
  }
  return { samples, badLines };
}

function parseSampleLine(line: string): Sample | undefined {
  const nameMatch = NAME_RE.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  let pos = name.length;
  let labels: Labels = {};
  if (line[pos] === '{') {
    const parsed = parseLabels(line, pos + 1);
    if (!parsed) return undefined;
    labels = parsed.labels;
    pos = parsed.end;
  }
  // After the name/labels: whitespace, value, optional timestamp, optional OpenMetrics exemplar.
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length === 0 || rest[0] === '') return undefined;
  const value = parseValue(rest[0]);
  if (value === undefined) return undefined;
  return { name, labels, value };
}

function parseValue(token: string): number | undefined {
  // Case-insensitive, as Prometheus' own parser (Go's ParseFloat): prom-client writes NaN as
  // `Nan` (nodejs_eventloop_lag_mean_seconds before the first lag sample, seen under load).
  switch (token.toLowerCase()) {
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  const n = Number(token);
  return Number.isNaN(n) ? undefined : n;
}

/** Parses `a="x",b="y\"z"}` starting after the `{`; returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Labels; end: number } | undefined {
  const labels: Labels = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const m = NAME_RE.exec(line.slice(i));
    if (!m) return undefined;
    const key = m[0];
    i += key.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') return undefined;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return undefined;
      if (c === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : next ?? '';
        i += 2;
        continue;
      }
      if (c === '"') {
        i++;
        break;
      }
      value += c;
      i++;
    }
    labels[key] = value;
  }
}

/** Sum of every sample of one metric whose labels include `match`. */
export function sumOf(samples: Sample[], name: string, match: Labels = {}): number | undefined {
  let total: number | undefined;
  for (const s of samples) {
    if (s.name !== name || !labelsMatch(s.labels, match)) continue;
    total = (total ?? 0) + s.value;
  }
  return total;
}

export function labelsMatch(labels: Labels, match: Labels): boolean {
  for (const [k, v] of Object.entries(match)) if (labels[k] !== v) return false;
  return true;
}

/**
 * Cumulative histogram buckets of one metric, summed across every other label (protocol...),
 * sorted by upper bound.
 */
export function bucketsOf(samples: Sample[], histogram: string): Array<{ le: number; count: number }> {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${histogram}_bucket`) continue;
    const le = parseValue(s.labels.le ?? '');
    if (le === undefined || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}
