import { ProviderError, ProviderRetryAfterError } from '../../core/errors/index.js';

export interface FetchJsonOptions {
  signal: AbortSignal;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Maps an HTTP status the upstream documents (e.g. 404 for an unknown user) to a job error. */
  onStatus?: (status: number, body: unknown) => ProviderError | undefined;
}

/**
 * GET a JSON document from a provider. Network errors, timeouts, 429 and 5xx are transient;
 * other 4xx are permanent. The job's abort signal cancels the request too.
 */
export async function fetchJson(provider: string, url: URL, options: FetchJsonOptions): Promise<unknown> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json', ...options.headers } });
  } catch (error) {
    if (options.signal.aborted) throw error;
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new ProviderError(
      timedOut ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNREACHABLE',
      timedOut ? `${provider} did not answer within ${options.timeoutMs} ms` : `${provider} could not be reached: ${(error as Error).message}`,
      true,
      { cause: error },
    );
  }
  const body = await readBody(response);
  if (response.ok) return body;
  const retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  if (retryAfterMs !== undefined) throw new ProviderRetryAfterError(provider, retryAfterMs);
  const mapped = options.onStatus?.(response.status, body);
  if (mapped) throw mapped;
  const transient = response.status === 429 || response.status >= 500;
  throw new ProviderError(
    transient ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_REJECTED',
    `${provider} answered HTTP ${response.status}`,
    transient,
  );
}

/** The longest Retry-After heeded: a provider asking for more is treated as any 429 (transient). */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  const bounded = Math.max(0, ms);
  return bounded > MAX_RETRY_AFTER_MS ? undefined : bounded;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    if (!response.ok) return text;
    throw new ProviderError('PROVIDER_BAD_RESPONSE', 'provider answered with invalid JSON', true);
  }
}

/** Narrows an untyped upstream document, failing the job when a documented field is missing. */
export function expectShape<T>(provider: string, value: unknown, check: (v: any) => boolean): T {
  if (value !== null && typeof value === 'object' && check(value)) return value as T;
  throw new ProviderError('PROVIDER_BAD_RESPONSE', `${provider} answered with an unexpected document`, false);
}
