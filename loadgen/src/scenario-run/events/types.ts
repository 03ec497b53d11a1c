// Events inside a step's measure phase (issue 11): what a scenario declares, and what a run
// records about each. Offsets are seconds from the start of the measure phase, the same origin
// as the step's timeline, so charts can draw an event where its seconds are.

export type EventKind = 'upstream' | 'kill' | 'pause' | 'restart';

/** `target` in a scenario: the row the step is measuring; `upstream`; or a service by name. */
export const CURRENT_TARGET = 'target';

export interface UpstreamSettings {
  delay_ms?: number;
  jitter_ms?: number;
  error_rate?: number;
}

/** One validated event, as the run applies it. */
export interface StepEvent {
  /** Index in the scenario's `events` list. */
  index: number;
  kind: EventKind;
  atS: number;
  /** upstream: settings held this long, then put back; pause: frozen this long. */
  forS?: number;
  /** kill / pause / restart: `target`, `upstream` or a service name. */
  target?: string;
  upstream?: UpstreamSettings;
}

/** The YAML as written, kept verbatim in the scenario's source. */
export interface StepEventSource {
  at: string;
  for?: string;
  upstream?: UpstreamSettings;
  kill?: string;
  pause?: string;
  restart?: string;
}

/** What happened, in results.json (StepResult.events). */
export interface EventRecord {
  index: number;
  kind: EventKind;
  /** The service it acted on (the upstream for upstream events). */
  service: string;
  /** Planned offset, and when it was really applied, in seconds from the start of the measure phase. */
  at_s: number;
  t_s: number | null;
  /** When its effect ended: settings put back, thawed, or the service healthy again; null if not by the end of the step. */
  end_s: number | null;
  /** ISO time it was applied. */
  wall: string | null;
  for_s?: number;
  upstream?: UpstreamSettings;
  outcome: 'ok' | 'failed' | 'skipped';
  message: string;
  /** kill / restart: seconds from the event until /healthz answered 200 again. */
  downtime_s?: number | null;
}
