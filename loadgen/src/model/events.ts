// Events inside a step's measure phase (issue 11): what a scenario declares (here), and what a
// run records about each (model/step-timeline.ts EventRecord). Offsets are seconds from the
// start of the measure phase, the same origin as the step's timeline, so charts can draw an
// event where its seconds are.
import type { EventKind, UpstreamSettings } from './step-timeline.js';

export type { EventKind, EventRecord, UpstreamSettings } from './step-timeline.js';

/** `target` in a scenario: the row the step is measuring; `upstream`; or a service by name. */
export const CURRENT_TARGET = 'target';

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

