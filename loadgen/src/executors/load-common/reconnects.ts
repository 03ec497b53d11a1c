import { figureValue, type Figure } from '../../model/figures.js';
import type { StepResult } from '../../model/results.js';
import type { ReconnectFigures } from './reconnect-backoff.js';

// The step key the closed load writes (connections-sweep): its connections' retries while the
// target refused them, counted apart from request errors, and how long it was unreachable.

export const RECONNECTS_SCHEMA = {
  reconnects: {
    type: 'object',
    required: ['attempts', 'unreachable_s'],
    additionalProperties: false,
    description: 'connections-sweep (since issue 20): retries refused while the target was down (each connection waits 50 ms doubling to 1 s between them; not requests, not in errors) and the seconds of the measure window from a first refusal to the next answer',
    properties: {
      attempts: { $ref: '#/definitions/count' },
      unreachable_s: { type: 'number', minimum: 0 },
    },
  },
};

export interface ReconnectFields {
  reconnects?: ReconnectFigures;
}

declare module '../../model/results.js' {
  interface StepResult extends ReconnectFields {}
}

/** How long the target was unreachable, for steps with scenario events (a kill): trials give it an interval. */
export function reconnectFigures(s: StepResult): Figure[] {
  if (!s.reconnects || !(s.recovery ?? []).length) return [];
  return [{ key: 'reconnects.unreachable_s', label: 'unreachable (connections refused)', unit: 's', better: 'lower', value: figureValue(s.reconnects.unreachable_s) }];
}

/** summary.md, after a target's step table: the steps in which the target refused connections. */
export function reconnectLines(steps: StepResult[], table: (header: string[], rows: unknown[][]) => string[]): string[] {
  const refused = steps.filter((s) => s.reconnects && (s.reconnects.attempts > 0 || s.reconnects.unreachable_s > 0));
  if (refused.length === 0) return [];
  return [
    'Unreachable: the target refused connections during these steps. Each connection retried after 50 ms, doubling to 1 s; ' +
      'the retries are not requests (the first refusal of each connection is its failed request, in errors).',
    '',
    ...table(['load', 'unreachable s', 'retries', 'retries per s unreachable'], refused.map((s) => {
      const r = s.reconnects!;
      return [s.load, r.unreachable_s.toFixed(2), r.attempts, r.unreachable_s > 0 ? (r.attempts / r.unreachable_s).toFixed(0) : '-'];
    })),
    '',
  ];
}
