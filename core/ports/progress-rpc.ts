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

/** What a networked progress RPC adapter reports, so the composition can count it. */
export interface ProgressConnectionEvents {
  /** A connection (and its channel) is up; `reconnect` is false for the first one. */
  onConnect?(info: { reconnect: boolean }): void;
  /** The connection or channel was lost; the adapter reconnects by itself. */
  onDisconnect?(reason: string): void;
}

export interface ProgressClientEvents extends ProgressConnectionEvents {
  /** A reply was dropped: it broke the contract, or no caller waits for it (late, unknown). */
  onReplyDropped?(reason: 'invalid' | 'unmatched'): void;
}

export interface ProgressResponderEvents extends ProgressConnectionEvents {
  /** A request got no status answer: malformed (answered INVALID_REQUEST), no reply address,
   *  handler failure, or a handler reply that broke the contract. */
  onRequestDropped?(reason: 'malformed' | 'no_reply_address' | 'handler_error' | 'invalid_reply'): void;
}
