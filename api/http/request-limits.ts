import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../core/errors/index.js';
import { presentedKey, type HeaderReader } from './api-key-auth.js';
import { PRINCIPAL_ID_HEADER } from './request-auth.js';
import type { ApiInvocation } from './api-request.js';

const MINUTE_S = 60;

export interface RequestLimitsOptions {
  /** Requests one caller may make to the job routes per minute (API_RATE_LIMIT_PER_MINUTE); 0: no limit. */
  requestsPerMinute: number;
  /** Refused credentials one client address may send per minute before it is refused 429 (API_AUTH_FAILURES_PER_MINUTE); 0: no limit. */
  authFailuresPerMinute: number;
}

/**
 * The limits on the job routes, kept in memory per API instance (rate-limiter-flexible). The
 * limits protect what each instance can serve (its event loop, its share of the stores), so a
 * count per instance is what they need: with N instances behind a balancer a caller gets at most
 * N times the limit, which still bounds each one. In memory, a check costs no round trip and a
 * Redis outage never turns into refused requests.
 *
 * - Per caller: the signed-in principal or the verified API key (by its hash), else the client
 *   address. The identity is taken only after the caller check passed, so an unverified key
 *   cannot buy a fresh allowance.
 * - Per client address, refused credentials: past the threshold, every request of that address
 *   to a job route (a right key included) is refused 429 until the minute is over, so keys cannot
 *   be guessed at speed.
 */
export class RequestLimits {
  private readonly requests: RateLimiterMemory | undefined;
  private readonly authFailures: RateLimiterMemory | undefined;
  private readonly authFailureLimit: number;

  constructor(options: RequestLimitsOptions) {
    this.requests = options.requestsPerMinute > 0 ? new RateLimiterMemory({ points: options.requestsPerMinute, duration: MINUTE_S }) : undefined;
    this.authFailureLimit = options.authFailuresPerMinute;
    this.authFailures = options.authFailuresPerMinute > 0 ? new RateLimiterMemory({ points: options.authFailuresPerMinute, duration: MINUTE_S }) : undefined;
  }

  /** Throws RateLimitedError while `address` is shut out for refused credentials. */
  async checkAddress(address: string): Promise<void> {
    const seen = await this.authFailures?.get(address);
    if (seen && seen.consumedPoints >= this.authFailureLimit) throw new RateLimitedError('auth_failures', retryAfter(seen));
  }

  /** Counts refused credentials from `address`; throws RateLimitedError once they pass the threshold. */
  async recordAuthFailure(address: string): Promise<void> {
    await this.authFailures?.consume(address).catch((refused: unknown) => {
      throw limited('auth_failures', refused);
    });
  }

  /** Counts one request of `caller`; throws RateLimitedError past the limit. */
  async consume(caller: string): Promise<void> {
    await this.requests?.consume(caller).catch((refused: unknown) => {
      throw limited('requests', refused);
    });
  }
}

/**
 * Who is calling, for the per-caller limit: the principal App Service signed in (only when it is
 * trusted), else the API key presented (hashed; only once the caller check accepted it), else
 * the client address.
 */
export function callerIdentity(headers: HeaderReader, options: { trustsPrincipal: boolean; keyVerified: boolean; address: string }): string {
  const principal = options.trustsPrincipal ? headers.get(PRINCIPAL_ID_HEADER)?.trim() : undefined;
  if (principal) return `principal:${principal}`;
  const key = options.keyVerified ? presentedKey(headers, { bearer: !options.trustsPrincipal }) : undefined;
  if (key) return `key:${createHash('sha256').update(key).digest('hex')}`;
  return `address:${options.address}`;
}

/** The metadata field the fallback host puts the client's socket address in. */
export const CLIENT_ADDRESS_METADATA = 'clientAddress';

/**
 * The client's address: what the fallback host read from its socket, else (under Azure
 * Functions) the last `x-forwarded-for` entry, the one the platform's front end appended.
 */
export function clientAddress(headers: HeaderReader, invocation: ApiInvocation): string {
  const fromHost = invocation.triggerMetadata?.[CLIENT_ADDRESS_METADATA];
  if (typeof fromHost === 'string' && fromHost) return fromHost;
  const forwarded = headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  // Azure's front end writes "address:port"; an IPv6 address has more colons and no port.
  return forwarded ? forwarded.replace(/^([^:]+):\d+$/, '$1') : 'unknown';
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

function limited(reason: 'requests' | 'auth_failures', refused: unknown): unknown {
  return refused instanceof RateLimiterRes ? new RateLimitedError(reason, retryAfter(refused)) : refused;
}
