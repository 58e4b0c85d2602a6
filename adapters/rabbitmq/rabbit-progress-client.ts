import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import {
  PROGRESS_REQUEST_QUEUE,
  checkProgressReply,
  type ProgressAnyReply,
  type ProgressRequest,
} from '../../contracts/index.js';
import { DependencyUnavailableError, StatusTimeoutError } from '../../core/errors/index.js';
import type { Logger, ProgressClient, ProgressClientEvents } from '../../core/ports/index.js';
import { AmqpSession, type AmqpConnectionOptions } from './amqp-session.js';
import { declareRequestQueue } from './request-queue.js';

/** RabbitMQ's pseudo-queue for Direct Reply-to: replies come straight back on this channel. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

export interface RabbitProgressClientOptions extends AmqpConnectionOptions {
  requestQueue?: string;
  /** Used when a request names no timeout of its own. */
  timeoutMs?: number;
  logger: Logger;
  events?: ProgressClientEvents;
}

interface Pending {
  jobId: string;
  channel: Channel;
  settle(outcome: { reply: ProgressAnyReply } | { error: Error }): void;
}

const RABBITMQ = 'rabbitmq';

/**
 * The API's side of the progress RPC over one connection and channel per process. Requests go
 * to the request queue with `correlation_id = request_id`, `reply_to` = Direct Reply-to and an
 * expiration equal to the caller's timeout, so a request nobody took in time is dropped by the
 * broker rather than answered late. Replies are matched by correlation id. While the broker is
 * unreachable requests fail at once; requests waiting on a connection that drops are rejected.
 */
export class RabbitProgressClient implements ProgressClient {
  private readonly session: AmqpSession;
  private readonly pending = new Map<string, Pending>();
  private readonly requestQueue: string;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly options: RabbitProgressClientOptions) {
    this.requestQueue = options.requestQueue ?? PROGRESS_REQUEST_QUEUE;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.log = options.logger.child({ component: 'progress-client' });
    this.session = new AmqpSession({
      ...options,
      name: 'progress-client',
      setup: async (channel) => {
        // Declared here too, so requests sent before any worker started wait in the queue.
        await declareRequestQueue(channel, this.requestQueue);
        // Direct Reply-to requires consuming (no-ack) before the first publish on the channel.
        await channel.consume(DIRECT_REPLY_TO, (message) => this.onReply(message), { noAck: true });
      },
      onChannelLost: (channel) => this.rejectPendingOn(channel),
      ...(options.events ? { events: options.events } : {}),
    });
    this.session.start();
  }

  /** Resolves once connected; callers that must not race start-up (tests, scripts) await it. */
  async start(): Promise<void> {
    await this.session.waitUntilConnected();
  }

  async request(jobId: string, options: { timeoutMs?: number } = {}): Promise<ProgressAnyReply> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (this.closed) throw new DependencyUnavailableError(RABBITMQ, 'the progress client is closed');
    // Right after start-up the first connection attempt may still be under way: wait for it
    // (within the caller's timeout) instead of failing a request a cold instance received.
    if (this.session.stillConnectingFirstTime()) await this.session.waitForFirstAttempt(timeoutMs);
    const channel = this.session.current();
    if (!channel) throw new DependencyUnavailableError(RABBITMQ, 'not connected to the broker');

    const requestId = randomUUID();
    const body: ProgressRequest = { job_id: jobId, request_id: requestId, requested_at: new Date().toISOString() };
    return new Promise<ProgressAnyReply>((resolve, reject) => {
      const timer = setTimeout(() => settle({ error: new StatusTimeoutError(timeoutMs) }), timeoutMs);
      const settle = (outcome: { reply: ProgressAnyReply } | { error: Error }) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        if ('reply' in outcome) resolve(outcome.reply);
        else reject(outcome.error);
      };
      this.pending.set(requestId, { jobId, channel, settle });
      try {
        channel.sendToQueue(this.requestQueue, Buffer.from(JSON.stringify(body)), {
          correlationId: requestId,
          replyTo: DIRECT_REPLY_TO,
          contentType: 'application/json',
          expiration: String(timeoutMs),
        });
      } catch (error) {
        settle({ error: new DependencyUnavailableError(RABBITMQ, `could not publish the request: ${(error as Error).message}`, { cause: error }) });
      }
    });
  }

  ready(): boolean {
    return !this.closed && this.session.ready();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of [...this.pending.values()]) {
      entry.settle({ error: new DependencyUnavailableError(RABBITMQ, 'the progress client is closing') });
    }
    await this.session.close();
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const correlationId = message.properties.correlationId as string | undefined;
    const waiting = correlationId ? this.pending.get(correlationId) : undefined;
    if (!waiting) {
      // The caller gave up (timed out) before the answer came: nothing to do but count it.
      this.log.debug({ correlation_id: correlationId }, 'reply for no waiting request dropped');
      this.options.events?.onReplyDropped?.('unmatched');
      return;
    }
    const reply = parseReply(message.content);
    if (!reply || (reply.job_id !== undefined && reply.job_id !== waiting.jobId)) {
      this.log.warn({ correlation_id: correlationId, job_id: waiting.jobId }, 'reply breaks the progress contract; dropped');
      this.options.events?.onReplyDropped?.('invalid');
      return;
    }
    waiting.settle({ reply });
  }

  /** Direct Reply-to answers arrive only on the channel that sent the request. */
  private rejectPendingOn(channel: Channel): void {
    for (const entry of [...this.pending.values()]) {
      if (entry.channel === channel) {
        entry.settle({ error: new DependencyUnavailableError(RABBITMQ, 'connection lost while waiting for the reply') });
      }
    }
  }
}

function parseReply(content: Buffer): ProgressAnyReply | undefined {
  try {
    const parsed = checkProgressReply(JSON.parse(content.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
