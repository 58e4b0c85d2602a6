import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) derived from a job's payload and a salt, so a simulated handler gives the
 * same job the same output every time (and different fields different values via the salt).
 */
export function seededUnit(payload: unknown, salt: string): number {
  return createHash('sha256').update(`${salt}:${JSON.stringify(payload)}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** One item of a list, picked by `seededUnit`. */
export function seededPick<T>(payload: unknown, salt: string, items: readonly T[]): T {
  if (items.length === 0) throw new Error('seededPick needs at least one item');
  return items[Math.floor(seededUnit(payload, salt) * items.length)]!;
}
