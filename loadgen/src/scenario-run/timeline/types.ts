// The timeline's shape is part of results.json: loadgen/src/results/story-types.ts.
export type { StepTimeline, TimelinePhase, TimelineSecond } from '../../model/story.js';
