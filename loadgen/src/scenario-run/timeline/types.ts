// The timeline's shape is part of results.json: loadgen/src/model/step-timeline.ts.
export type { StepTimeline, TimelinePhase, TimelineSecond } from '../../model/step-timeline.js';
