// Exit codes of the `lab` CLI (contract/README.md, "The lab CLI": 0 ok, 1 a threshold failed or a
// target died, 2 bad input, 3 verify failed, 130 interrupted).
export const EXIT = { ok: 0, threshold: 1, badInput: 2, verifyFailed: 3 } as const;

/** An error the user can act on: main() prints its message (no stack) and exits with its code. */
export class LabError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.badInput) {
    super(message);
    this.name = 'LabError';
  }
}
