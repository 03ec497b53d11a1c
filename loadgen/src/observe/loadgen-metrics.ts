import { Gauge, Registry } from 'prom-client';
import { metricSpec } from '@concurrency-lab/contract-ts';

// The load generator's own series (contract/contract.json, metrics.load_generator; the load
// generator dashboard reads them). One registry, exported, so that the web server of `lab up`
// serves it and `lab run` alone can too.

export const loadgenRegistry = new Registry();

function gauge<L extends string>(name: string): Gauge<L> {
  const { help, labels } = metricSpec(name);
  return new Gauge({ name, help, labelNames: labels as L[], registers: [loadgenRegistry] });
}

const info = gauge<'scenario' | 'executor' | 'target' | 'phase'>('lab_loadgen_info');
const step = gauge<'scenario' | 'target'>('lab_loadgen_step');
const target = gauge<'target'>('lab_loadgen_target');
const connections = gauge<'target'>('lab_loadgen_connections');
const achieved = gauge<'target'>('lab_loadgen_achieved_rps');
const ideal = gauge<'target'>('lab_loadgen_ideal_rps');
const latency = gauge<'target' | 'quantile'>('lab_loadgen_latency_seconds');

export interface LiveFigures {
  rps?: number;
  connections?: number;
  latencyMs?: { p50?: number; p90?: number; p99?: number };
}

export const loadgenMetrics = {
  stepStarted(scenario: string, executor: string, name: string, load: number, idealRps: number | null): void {
    info.reset();
    step.reset();
    target.reset();
    info.set({ scenario, executor, target: name, phase: 'warmup' }, 1);
    step.set({ scenario, target: name }, load);
    target.set({ target: name }, 1);
    if (idealRps !== null) ideal.set({ target: name }, idealRps);
  },
  phase(scenario: string, executor: string, name: string, phase: string): void {
    info.reset();
    info.set({ scenario, executor, target: name, phase }, 1);
  },
  live(name: string, f: LiveFigures): void {
    if (f.rps !== undefined) achieved.set({ target: name }, f.rps);
    if (f.connections !== undefined) connections.set({ target: name }, f.connections);
    for (const [q, key] of [['0.5', 'p50'], ['0.9', 'p90'], ['0.99', 'p99']] as const) {
      const v = f.latencyMs?.[key];
      if (v !== undefined) latency.set({ target: name, quantile: q }, v / 1000);
    }
  },
  idle(): void {
    for (const g of [info, step, target, connections, achieved, latency]) g.reset();
  },
};
