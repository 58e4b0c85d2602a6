import { randomBytes } from 'node:crypto';

/** A name no other test run uses, so suites can run twice at once on shared servers. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
