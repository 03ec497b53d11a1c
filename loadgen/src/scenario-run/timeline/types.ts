// The timeline's shape is part of results.json: loadgen/src/model/story.ts.
export type { StepTimeline, TimelinePhase, TimelineSecond } from '../../model/story.js';
