import { MAX_DELAY_MS, type SubmitJobRequest } from '../../contracts/index.js';
import { InvalidBodyError } from '../errors/index.js';

/**
 * When a submitted job starts (UTC, RFC 3339), counted from its submit time; undefined when it
 * starts at once (no delay, a zero delay, or a run_at not after the submit). `body` is a submit
 * body parseSubmission accepted, so `delay_ms` and `run_at` have their shapes; given both, or a
 * run_at more than 30 days after the submit, it is a 400 naming run_at.
 */
export function startTime(body: unknown, submittedAt: string): string | undefined {
  const { delay_ms: delayMs, run_at: runAt } = body as Pick<SubmitJobRequest, 'delay_ms' | 'run_at'>;
  if (delayMs !== undefined && runAt !== undefined) {
    throw new InvalidBodyError([{ field: 'run_at', message: 'cannot be given with delay_ms: give one of them' }]);
  }
  if (delayMs === undefined && runAt === undefined) return undefined;
  const submitted = Date.parse(submittedAt);
  const at = delayMs !== undefined ? submitted + delayMs : Date.parse(runAt!);
  if (at - submitted > MAX_DELAY_MS) {
    throw new InvalidBodyError([{ field: 'run_at', message: `must be at most 30 days (${MAX_DELAY_MS} ms) after the submit` }]);
  }
  return at > submitted ? new Date(at).toISOString() : undefined;
}
