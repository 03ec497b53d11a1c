// contract/contract.json, loaded once: the limits, metric vocabulary and outcomes every part of
// the lab shares (contract/README.md is the prose). Validation, metrics, `lab verify` and the
// dashboards read their numbers and names from here so that each is written once, in the JSON.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Range { min: number; max: number }
export type MetricType = 'counter' | 'gauge' | 'histogram';
export interface MetricSpec { name: string; type: MetricType; labels: string[]; help: string }
export interface OutcomeSpec { name: string; http_status: number; meaning: string }

export interface Contract {
  version: 1;
  limits: {
    text_max_bytes: number;
    line_max_bytes: number;
    /** Request header field lines (request line excluded) above this -> 431. */
    header_fields_max_bytes: number;
    /** A Content-Length above this -> 413. */
    body_max_bytes: number;
    echo: { delay_ms: Range; cpu_iters: Range; cpu_ms: Range };
    overhead: { workers: Range; tasks: Range; sleep_ms: Range; modes: string[]; default_mode: string };
  };
  outcomes: OutcomeSpec[];
  units: Record<string, string>;
  metrics: {
    label_on_every_series: string;
    every_row: MetricSpec[];
    node_rows: MetricSpec[];
    /** The lab's own series on :8080 (not labelled impl). */
    load_generator: MetricSpec[];
    label_values: Record<string, string[]>;
  };
  line_protocol: { answer_prefix: string; error_prefix: string; line_too_long: string; empty_line: string };
  /** The 502/504 answers (HTTP body and line), with {status} / {timeout_ms} filled in. */
  upstream_failure: { error_status: string; timeout: string };
  ports: {
    registry: string;
    scheme: string;
    lab_services: Record<string, number>;
    reserved: Record<string, { http: number; line: number }>;
    offset_variable: string;
  };
}

/** From services/contract-ts/dist/src/ (and the same layout under /app in the images). */
export const CONTRACT_PATH = fileURLToPath(new URL('../../../../contract/contract.json', import.meta.url));

function load(): Contract {
  let text: string;
  try {
    text = readFileSync(CONTRACT_PATH, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the lab's contract at ${CONTRACT_PATH} (${(err as Error).message}); an image must COPY contract/contract.json`);
  }
  const c = JSON.parse(text) as Contract;
  if (c.version !== 1 || !c.limits || !c.metrics?.every_row) throw new Error(`${CONTRACT_PATH}: not a version 1 contract`);
  return c;
}

export const CONTRACT: Contract = load();
export const LIMITS = CONTRACT.limits;

/** A metric of the vocabulary by name; throws on a name the contract does not define. */
export function metricSpec(name: string): MetricSpec {
  const { every_row, node_rows, load_generator } = CONTRACT.metrics;
  const spec = [...every_row, ...node_rows, ...load_generator].find((m) => m.name === name);
  if (!spec) throw new Error(`metric ${name} is not in contract/contract.json`);
  return spec;
}

/** The sample names a scrape shows for a metric: a histogram's _bucket, _sum and _count. */
export function sampleNames(spec: MetricSpec): string[] {
  return spec.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => spec.name + s) : [spec.name];
}
