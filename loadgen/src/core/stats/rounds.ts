import { shouldStop, validateStoppingRule, type StoppingDecision, type StoppingRule } from './stopping.js';

// Trials in rounds (issue 18): every key (a row, or a row's step) is measured once per round,
// in the same order (A B C, A B C), so that a burst of foreign load lands on every row rather
// than on one; a key leaves the rounds once each of its figures is precise or it has had
// maxTrials. Pure bookkeeping: the caller measures and records.

export type Figures = Record<string, number>;

export interface KeyState {
  trials: Figures[];
  /** Per figure; a key is done when every figure's decision stops. */
  decisions: Record<string, StoppingDecision>;
  done: boolean;
}

export class TrialRounds<K extends string = string> {
  private readonly state = new Map<K, KeyState>();
  /** Rounds handed out so far. */
  round = 0;

  constructor(private readonly keys: readonly K[], private readonly rule: StoppingRule) {
    const problems = validateStoppingRule(rule);
    if (new Set(keys).size !== keys.length) problems.push('trial keys must be unique');
    if (problems.length) throw new RangeError(problems.join('; '));
    for (const k of keys) this.state.set(k, { trials: [], decisions: {}, done: false });
  }

  /** The keys to measure in the next round, in the given order; [] when every key is done. */
  nextRound(): K[] {
    const pending = this.keys.filter((k) => !this.state.get(k)!.done);
    if (pending.length) this.round++;
    return pending;
  }

  /** One trial's figures of a key (e.g. { rps: 480, p99_ms: 120 }); figures absent in a trial are not counted for it. */
  record(key: K, figures: Figures): KeyState {
    const s = this.state.get(key);
    if (!s) throw new RangeError(`unknown trial key: ${key}`);
    if (s.done) throw new Error(`${key} already has its trials`);
    s.trials.push(figures);
    const names = [...new Set(s.trials.flatMap((t) => Object.keys(t)))];
    s.decisions = Object.fromEntries(names.map((name) => {
      const values = s.trials.map((t) => t[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      // A figure the key has not produced enough of yet still counts its trials against maxTrials.
      const decision = shouldStop(values, this.rule);
      return [name, s.trials.length >= this.rule.maxTrials ? { ...decision, stop: true, reason: decision.reason === 'precise' ? 'precise' : 'max-trials' } : decision];
    }));
    s.done = s.trials.length >= this.rule.maxTrials || (names.length > 0 && Object.values(s.decisions).every((d) => d.stop));
    return s;
  }

  stateOf(key: K): KeyState {
    const s = this.state.get(key);
    if (!s) throw new RangeError(`unknown trial key: ${key}`);
    return s;
  }

  done(): boolean {
    return [...this.state.values()].every((s) => s.done);
  }
}
