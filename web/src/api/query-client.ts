import { QueryClient } from '@tanstack/react-query';
import { ApiError, NetworkError } from './api-errors.js';

/** How often live views ask again while a job is still moving; the API is asked at most once a second. */
export const LIVE_POLL_MS = 1_000;

/**
 * Retries only what may pass on a second try (no answer, 503, 504); a 4xx is the answer.
 * Two quick retries keep a dead API from leaving the page blank for long: the Retry button
 * takes over after that.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => failures < 2 && isTransient(error),
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 2_000),
      },
      mutations: { retry: false },
    },
  });
}

function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && (error.status === 503 || error.status === 504);
}
