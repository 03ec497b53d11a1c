export { verifyTargets, type VerifyOptions } from './verify.js';
export { formatVerifyReport } from './format.js';
export type { VerifyReport, TargetReport, CheckResult, CheckStatus } from './types.js';
