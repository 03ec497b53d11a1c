import { EXIT, LabError } from '../core/errors.js';

/** One thing wrong with a scenario, at a key path such as `steps[2]` or `request.foo`. */
export interface Problem {
  path: string;
  message: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

export function formatProblem(p: Problem, file?: string): string {
  const where = file ? `${file}${p.line ? `:${p.line}` : ''}: ` : p.line ? `line ${p.line}: ` : '';
  return `${where}${p.path || '(top level)'}: ${p.message}`;
}

/** Every problem of one scenario at once; exit code 2 (bad input). */
export class ScenarioError extends LabError {
  constructor(readonly problems: Problem[], readonly file?: string) {
    super(
      `scenario${file ? ` ${file}` : ''} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${formatProblem(p, file)}`).join('\n'),
      EXIT.badInput,
    );
    this.name = 'ScenarioError';
  }
}

/** `/steps/2` -> `steps[2]`, `/request/text` -> `request.text`. */
export function keyPath(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number' || /^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

export function pointerSegments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
