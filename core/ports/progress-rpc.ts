import type { ProgressAnyReply, ProgressRequest } from '../../contracts/index.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * The API's side of the progress request-reply. Replies are matched by correlation id, so
 * concurrent callers never see each other's answers. Rejects with StatusTimeoutError when no
 * reply arrives in time and DependencyUnavailableError when the broker cannot be reached.
 */
export interface ProgressClient {
  request(jobId: string, options?: { timeoutMs?: number }): Promise<ProgressAnyReply>;
  ready(): boolean;
  close(): Promise<void>;
}

export type ProgressRequestHandler = (request: ProgressRequest) => Promise<ProgressAnyReply>;

/** The worker's side: consumes requests and answers each on its reply address. */
export type ProgressResponder = Lifecycle;
