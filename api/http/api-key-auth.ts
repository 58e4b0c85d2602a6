import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, UnauthorizedError } from '../../core/errors/index.js';

export const API_KEY_HEADER = 'x-api-key';

/** Why a request was refused, as the auth-failure metric counts it. */
export type AuthFailure = 'missing' | 'invalid';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The configured API keys (API_KEYS, API_KEYS_FILE), kept only as SHA-256 hashes; a presented
 * key is hashed and compared with every stored hash in constant time, so neither the keys nor
 * how much of one matched can be learned from timing. RequestAuth decides when they apply.
 */
export class ApiKeyAuth {
  private readonly hashes: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.hashes = [...new Set(keys)].map(sha256);
  }

  /** False when no key is configured. */
  get enabled(): boolean {
    return this.hashes.length > 0;
  }

  /** Whether keys are required and how many there are, never which. */
  describe(): string {
    return this.enabled ? `api-keys (${this.hashes.length} key${this.hashes.length === 1 ? '' : 's'})` : 'open (no API_KEYS)';
  }

  /** Whether `presented` is a configured key. */
  matches(presented: string): boolean {
    const hash = sha256(presented);
    let matched = false;
    // Every stored hash is compared, so the time taken does not depend on which key matched.
    for (const stored of this.hashes) matched = timingSafeEqual(stored, hash) || matched;
    return matched;
  }
}

/**
 * The key from `x-api-key`, else (when `bearer`) from `Authorization: Bearer`; undefined when
 * none is sent.
 */
export function presentedKey(headers: HeaderReader, options: { bearer: boolean }): string | undefined {
  const header = headers.get(API_KEY_HEADER)?.trim();
  if (header) return header;
  if (!options.bearer) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return bearer?.[1];
}

/** The metric label for an auth error, or undefined when the error is something else. */
export function authFailureOf(error: unknown): AuthFailure | undefined {
  if (error instanceof UnauthorizedError) return 'missing';
  if (error instanceof ForbiddenError) return 'invalid';
  return undefined;
}
