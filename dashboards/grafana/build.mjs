// The four Grafana dashboards in dashboards/grafana/dashboards/, from the panel lists below, so
// that ids, grid positions, datasource uids, units and the row colours are produced the same way
// every time. `npm run generate` writes them (scripts/generate/grafana.mjs passes the row
// colours from the manifests); `npm run generate -- --check` fails if a committed file differs.
// The JSON files are what Grafana loads; edit here and regenerate rather than edit the JSON.

import { readFileSync } from 'node:fs';

export const DATASOURCE = { type: 'prometheus', uid: 'lab-prometheus' };

// The metric vocabulary is contract/contract.json's: every lab_* and process_* name a query uses
// must be one of its metrics (a histogram's _bucket/_sum/_count included), or generation fails.
// nodejs_* are prom-client's own defaults on the Node rows, outside the contract.
const CONTRACT = JSON.parse(readFileSync(new URL('../../contract/contract.json', import.meta.url), 'utf8'));
const CONTRACT_SAMPLES = new Set(
  Object.values(CONTRACT.metrics).filter(Array.isArray).flat()
    .flatMap((m) => (m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((x) => m.name + x) : [m.name])),
);

/** The lab_* / process_* names in a PromQL expression that the contract does not define. */
export function unknownMetrics(expr) {
  return [...new Set(expr.match(/\b(lab|process)_[a-z0-9_]+/g) ?? [])].filter((n) => !CONTRACT_SAMPLES.has(n));
}

function checkedQuery(where, expr) {
  const unknown = unknownMetrics(expr);
  if (unknown.length > 0) throw new Error(`${where}: ${unknown.join(', ')} not in contract/contract.json (metrics)`);
  return expr;
}

const IMPL = 'impl=~"$impl"';
const rate = (metric, sel = IMPL) => `rate(${metric}{${sel}}[$__rate_interval])`;
const quantile = (q, hist) =>
  `histogram_quantile(${q}, sum by (le, impl) (${rate(`${hist}_bucket`)}))`;

function implVariable(query) {
  return {
    name: 'impl',
    label: 'Implementation',
    type: 'query',
    datasource: DATASOURCE,
    query: { query, refId: 'impl' },
    definition: query,
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: '.+',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

/** A timeseries panel. `targets` are [expr, legend] pairs. */
function ts(title, description, unit, targets, extra = {}) {
  return { kind: 'timeseries', title, description, unit, targets, ...extra };
}

const DASHBOARDS = [
  {
    file: 'lab-overview.json',
    uid: 'lab-overview',
    title: 'Concurrency Lab: overview',
    description: 'Every implementation side by side: throughput, latency, errors, connections, CPU and memory.',
    variable: implVariable('label_values(lab_info, impl)'),
    panels: [
      {
        kind: 'table',
        title: 'Implementations',
        description: 'The rows being scraped, with their concurrency model and runtime (lab_info).',
        unit: 'none',
        w: 24,
        h: 5,
        targets: [['max by (impl, model, language, runtime) (lab_info{' + IMPL + '})', '']],
      },
      ts('Request rate', 'Completed requests per second per row (every protocol and outcome). Under the same load, a row that falls behind the others is the one whose concurrency model ran out of room.', 'reqps',
        [[`sum by (impl) (${rate('lab_requests_total')})`, '{{impl}}']]),
      ts('Latency p50', 'Median request latency from the lab_request_duration_seconds histogram. With a 50 ms upstream, anything far above 50 ms is queueing inside the server.', 's',
        [[quantile(0.5, 'lab_request_duration_seconds'), '{{impl}}']]),
      ts('Latency p99', 'Tail latency: where thread pools, the GIL or a blocked event loop show first.', 's',
        [[quantile(0.99, 'lab_request_duration_seconds'), '{{impl}}']]),
      ts('Errors by outcome', 'Requests that did not end ok, per second, by outcome (bad_request, upstream_error, timeout, busy). Should stay at zero under a fair load.', 'reqps',
        [[`sum by (impl, outcome) (${rate('lab_requests_total', IMPL + ', outcome!="ok"')})`, '{{impl}} {{outcome}}']]),
      ts('Upstream fetch p99', 'p99 of the upstream call alone (lab_upstream_duration_seconds). If this is low while request p99 is high, the time is lost inside the server, not upstream.', 's',
        [[quantile(0.99, 'lab_upstream_duration_seconds'), '{{impl}}']]),
      ts('In-flight requests', 'Requests started and not yet answered. Little\'s law: in-flight = rate x latency.', 'short',
        [[`sum by (impl) (lab_inflight_requests{${IMPL}})`, '{{impl}}']]),
      ts('Open connections', 'TCP connections held open, per protocol. Idle keep-alive and line connections count here even when they carry no request.', 'short',
        [[`sum by (impl, protocol) (lab_open_connections{${IMPL}})`, '{{impl}} {{protocol}}']]),
      ts('CPU', 'CPU used by every process of the row, 100% = one core. A row near 100% on one core is GIL- or loop-bound.', 'percentunit',
        [[`sum by (impl) (${rate('process_cpu_seconds_total')})`, '{{impl}}']]),
      ts('Resident memory', 'RSS summed over every process of the row. Compare it with the open connections beside it.', 'bytes',
        [[`sum by (impl) (process_resident_memory_bytes{${IMPL}})`, '{{impl}}']]),
    ],
  },
  {
    file: 'lab-threads-vs-eventloop.json',
    uid: 'lab-threads-vs-eventloop',
    title: 'Concurrency Lab: thread overhead vs event loop',
    description: 'What one more connection costs in each model: memory, OS threads, context switches and CPU per request.',
    variable: implVariable('label_values(lab_info, impl)'),
    panels: [
      ts('Memory per open connection', 'RSS divided by open connections (only while connections are open). Thread- and process-per-connection rows pay a stack per connection; greenlets, coroutines and the event loop pay a few KiB.', 'bytes',
        [[`sum by (impl) (process_resident_memory_bytes{${IMPL}}) / (sum by (impl) (lab_open_connections{${IMPL}}) > 0)`, '{{impl}}']]),
      ts('OS threads per open connection', 'OS threads divided by open connections. About 1 for thread-per-connection; near 0 for event loops and greenlets, which multiplex every connection on a few threads.', 'short',
        [[`sum by (impl) (lab_os_threads{${IMPL}}) / (sum by (impl) (lab_open_connections{${IMPL}}) > 0)`, '{{impl}}']]),
      ts('OS threads and open connections', 'Solid: OS threads of the row (from /proc). Compare with its open connections: the threaded rows\' threads climb with them, the others stay flat.', 'short',
        [[`sum by (impl) (lab_os_threads{${IMPL}})`, '{{impl}} threads'], [`sum by (impl) (lab_open_connections{${IMPL}})`, '{{impl}} connections']]),
      ts('Context switches per request', 'Voluntary + involuntary context switches of the row per completed request. Every blocking call in a thread-per-connection server is a switch through the kernel.', 'short',
        [[`sum by (impl) (${rate('lab_context_switches_total')}) / (sum by (impl) (${rate('lab_requests_total')}) > 0)`, '{{impl}}']]),
      ts('Context switches', 'Context switches per second by kind. Involuntary switches mean more runnable threads than cores.', 'ops',
        [[`sum by (impl, kind) (${rate('lab_context_switches_total')})`, '{{impl}} {{kind}}']]),
      ts('Concurrency units', 'Live units of concurrency of each model: threads, processes, greenlets, coroutines, deferreds or promises.', 'short',
        [[`sum by (impl, unit) (lab_concurrency_units{${IMPL}})`, '{{impl}} {{unit}}']]),
      ts('CPU per request', 'CPU seconds spent per completed request: the model\'s own overhead, since the job itself only waits.', 's',
        [[`sum by (impl) (${rate('process_cpu_seconds_total')}) / (sum by (impl) (${rate('lab_requests_total')}) > 0)`, '{{impl}}']]),
      ts('Throughput per core', 'Requests per second per CPU core used: how much work each model gets out of the CPU it burns.', 'reqps',
        [[`sum by (impl) (${rate('lab_requests_total')}) / (sum by (impl) (${rate('process_cpu_seconds_total')}) > 0)`, '{{impl}}']]),
    ],
  },
  {
    file: 'lab-node-eventloop.json',
    uid: 'lab-node-eventloop',
    title: 'Concurrency Lab: Node event loop',
    description: 'The Node services from the inside: event loop lag and utilization, heap and garbage collection.',
    variable: implVariable('label_values(nodejs_eventloop_lag_seconds, impl)'),
    panels: [
      ts('Event loop lag', 'How late timers fire (p99 and mean). Lag above a few ms means a callback hogs the loop and every connection waits for it.', 's',
        [[`max by (impl) (nodejs_eventloop_lag_p99_seconds{${IMPL}})`, '{{impl}} p99'], [`max by (impl) (nodejs_eventloop_lag_mean_seconds{${IMPL}})`, '{{impl}} mean']]),
      ts('Event loop utilization', 'Share of time the loop was busy running callbacks (lab_event_loop_utilization). Near 100% the single thread is the bottleneck.', 'percentunit',
        [[`max by (impl) (lab_event_loop_utilization{${IMPL}})`, '{{impl}}']]),
      ts('Heap', 'V8 heap used and total. A heap that grows with connections and never comes back is a leak.', 'bytes',
        [[`sum by (impl) (nodejs_heap_size_used_bytes{${IMPL}})`, '{{impl}} used'], [`sum by (impl) (nodejs_heap_size_total_bytes{${IMPL}})`, '{{impl}} total']]),
      ts('Time in GC', 'Share of wall time spent in garbage collection, by GC kind.', 'percentunit',
        [[`sum by (impl, kind) (${rate('nodejs_gc_duration_seconds_sum')})`, '{{impl}} {{kind}}']]),
      ts('GC runs', 'Garbage collections per second by kind.', 'ops',
        [[`sum by (impl, kind) (${rate('nodejs_gc_duration_seconds_count')})`, '{{impl}} {{kind}}']]),
      ts('Active handles', 'Open libuv handles (sockets, timers, servers): roughly the connections the loop is juggling.', 'short',
        [[`sum by (impl) (nodejs_active_handles_total{${IMPL}})`, '{{impl}}']]),
    ],
  },
  {
    file: 'lab-loadgen.json',
    uid: 'lab-loadgen',
    title: 'Concurrency Lab: load generator',
    description: 'What the lab asked for and what it got: scenario, step, connections, achieved against ideal rate, client-side latency.',
    variable: {
      name: 'target',
      label: 'Target',
      type: 'query',
      datasource: DATASOURCE,
      query: { query: 'label_values(lab_loadgen_step, target)', refId: 'target' },
      definition: 'label_values(lab_loadgen_step, target)',
      refresh: 2,
      multi: true,
      includeAll: true,
      allValue: '.+',
      current: { selected: true, text: ['All'], value: ['$__all'] },
      sort: 1,
    },
    panels: [
      {
        kind: 'table',
        title: 'Running now',
        description: 'Scenario, executor, target and phase (warmup, measure, cooldown) of the step the load generator is driving. Empty while the lab is idle.',
        unit: 'none',
        w: 24,
        h: 5,
        targets: [['max by (scenario, executor, target, phase) (lab_loadgen_info{target=~"$target"})', '']],
      },
      ts('Achieved vs ideal rate', 'Solid: successful requests per second the load generator got. The ideal (Little\'s law: connections / upstream delay) is what a perfect server would answer. The gap is the cost of the concurrency model.', 'reqps',
        [['sum by (target) (lab_loadgen_achieved_rps{target=~"$target"})', '{{target}} achieved'], ['sum by (target) (lab_loadgen_ideal_rps{target=~"$target"})', '{{target}} ideal']]),
      ts('Step load', 'The load of the current step: connections (closed model), arrival rate (open model) or workers, as the scenario\'s executor says.', 'short',
        [['max by (scenario, target) (lab_loadgen_step{target=~"$target"})', '{{scenario}} {{target}}']]),
      ts('Connections', 'Connections the load generator holds open against each target.', 'short',
        [['sum by (target) (lab_loadgen_connections{target=~"$target"})', '{{target}}']]),
      ts('Latency seen by the load generator', 'Client-side latency quantiles over the last second, queueing included. Compare with the server-side p99 on the overview: a large gap means time lost before the server even reads the request.', 's',
        [['max by (target, quantile) (lab_loadgen_latency_seconds{target=~"$target"})', '{{target}} q{{quantile}}']]),
    ],
  },
];

/** Place panels left to right, two per row unless a panel says its width. */
function layout(panels) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p, i) => {
    const w = p.w ?? 12;
    const h = p.h ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return { ...p, id: i + 1, gridPos };
  });
}

function colourOverrides(rowColours) {
  return Object.entries(rowColours).map(([impl, colour]) => ({
    matcher: { id: 'byRegexp', options: `^${impl}( .*)?$` },
    properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }],
  }));
}

function panelJson(p, rowColours) {
  const targets = p.targets.map(([expr, legend], i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: DATASOURCE,
    expr: checkedQuery(`panel '${p.title}'`, expr),
    legendFormat: legend,
    ...(p.kind === 'table' ? { instant: true, range: false, format: 'table' } : { range: true }),
  }));
  const base = { id: p.id, type: p.kind, title: p.title, description: p.description, datasource: DATASOURCE, gridPos: p.gridPos, targets };
  if (p.kind === 'table') {
    return {
      ...base,
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { showHeader: true, cellHeight: 'sm' },
      transformations: [{ id: 'organize', options: { excludeByName: { Time: true, Value: true } } }],
    };
  }
  return {
    ...base,
    fieldConfig: {
      defaults: { unit: p.unit, min: 0, custom: { drawStyle: 'line', lineWidth: 2, fillOpacity: 8, showPoints: 'never', spanNulls: false } },
      overrides: colourOverrides(rowColours),
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
  };
}

export function dashboardJson(d, rowColours) {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['concurrency-lab'],
    editable: false,
    graphTooltip: 1,
    refresh: '5s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-15m', to: 'now' },
    timepicker: { refresh_intervals: ['1s', '5s', '10s', '30s', '1m'] },
    timezone: 'browser',
    templating: { list: [{ ...d.variable, definition: checkedQuery(`${d.file} variable`, d.variable.definition) }] },
    // Scenario events (upstream slowdown, kill, pause, restart) as regions on every dashboard: lab_loadgen_event is 1 while one is in effect.
    annotations: { list: [{
      name: 'scenario events', datasource: DATASOURCE, enable: true, iconColor: 'orange', step: '1s',
      expr: checkedQuery(`${d.file} annotation`, 'max by (kind, service) (lab_loadgen_event)'), titleFormat: '{{kind}} {{service}}', tagKeys: 'kind,service',
    }] },
    links: [{ title: 'Concurrency Lab', type: 'dashboards', tags: ['concurrency-lab'], asDropdown: true }],
    panels: layout(d.panels).map((p) => panelJson(p, rowColours)),
  };
}

/** Every dashboard file (repo-relative path) and its text; rowColours: { row: '#rrggbb' }. */
export function dashboardFiles(rowColours) {
  return DASHBOARDS.map((d) => ({ file: `dashboards/grafana/dashboards/${d.file}`, text: JSON.stringify(dashboardJson(d, rowColours), null, 2) + '\n' }));
}
