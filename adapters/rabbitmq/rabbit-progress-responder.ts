import type { Channel, ConsumeMessage } from 'amqplib';
import {
  PROGRESS_REQUEST_QUEUE,
  ProgressRequestSchema,
  type ProgressAnyReply,
  type ProgressErrorReply,
} from '../../contracts/index.js';
import type {
  Logger,
  ProgressRequestHandler,
  ProgressResponder,
  ProgressResponderEvents,
} from '../../core/ports/index.js';
import { AmqpSession, type AmqpConnectionOptions } from './amqp-session.js';
import { declareRequestQueue } from './request-queue.js';

export interface RabbitProgressResponderOptions extends AmqpConnectionOptions {
  handler: ProgressRequestHandler;
  requestQueue?: string;
  /** Requests handled at once (unacknowledged deliveries the broker hands this consumer). */
  prefetch?: number;
  logger: Logger;
  events?: ProgressResponderEvents;
}

/**
 * The worker's side of the progress RPC: consumes the request queue with a bounded prefetch,
 * answers each request on its `reply_to` echoing its `correlation_id`, then acknowledges it.
 * Every delivery is acknowledged exactly once whatever happens to it — a malformed request is
 * answered INVALID_REQUEST (or dropped when it has no reply address), a failing handler is
 * logged — so nothing is requeued in a loop and nothing is answered twice on purpose.
 */
export class RabbitProgressResponder implements ProgressResponder {
  private readonly session: AmqpSession;
  private readonly requestQueue: string;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: Logger;
  private consumer: { channel: Channel; tag: string } | undefined;
  private closing = false;

  constructor(private readonly options: RabbitProgressResponderOptions) {
    this.requestQueue = options.requestQueue ?? PROGRESS_REQUEST_QUEUE;
    this.log = options.logger.child({ component: 'progress-responder', queue: this.requestQueue });
    const prefetch = Math.max(1, options.prefetch ?? 32);
    this.session = new AmqpSession({
      ...options,
      name: 'progress-responder',
      setup: async (channel) => {
        await declareRequestQueue(channel, this.requestQueue);
        await channel.prefetch(prefetch);
        const { consumerTag } = await channel.consume(this.requestQueue, (message) => this.onDelivery(channel, message), {
          noAck: false,
        });
        this.consumer = { channel, tag: consumerTag };
      },
      ...(options.events ? { events: options.events } : {}),
    });
  }

  /** Resolves once the queue is declared and consumed; retries with backoff until then. */
  async start(): Promise<void> {
    if (this.closing) return;
    await this.session.waitUntilConnected();
  }

  ready(): boolean {
    return !this.closing && this.session.ready();
  }

  /** Stops consuming, lets requests in hand finish, then closes the channel and connection. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const consumer = this.consumer;
    if (consumer && this.session.current() === consumer.channel) {
      await consumer.channel.cancel(consumer.tag).catch((error: unknown) => this.log.debug({ err: error }, 'consumer cancel failed'));
    }
    await Promise.allSettled([...this.inFlight]);
    await this.session.close();
  }

  private onDelivery(channel: Channel, message: ConsumeMessage | null): void {
    if (!message) {
      // The broker cancelled the consumer (the queue was deleted): reconnect to declare it again.
      this.log.warn({}, 'request consumer cancelled by the broker; reconnecting');
      channel.close().catch(() => {});
      return;
    }
    const work = this.answer(channel, message)
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not answer a progress request; the broker redelivers it'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async answer(channel: Channel, message: ConsumeMessage): Promise<void> {
    const replyTo = message.properties.replyTo as string | undefined;
    const correlationId = message.properties.correlationId as string | undefined;
    if (!replyTo || !correlationId) {
      this.log.warn({ has_reply_to: Boolean(replyTo), has_correlation_id: Boolean(correlationId) }, 'progress request without a reply address dropped');
      this.options.events?.onRequestDropped?.('no_reply_address');
      return channel.ack(message);
    }
    const send = (reply: ProgressAnyReply) => {
      channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), { correlationId, contentType: 'application/json' });
    };

    const body = parseJson(message.content);
    const request = ProgressRequestSchema.safeParse(body === NOT_JSON ? undefined : body);
    if (!request.success) {
      const reason =
        body === NOT_JSON
          ? 'request body is not JSON'
          : request.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      this.log.warn({ correlation_id: correlationId, reason }, 'malformed progress request answered INVALID_REQUEST');
      send(invalidRequestReply(body, reason));
      this.options.events?.onRequestDropped?.('malformed');
      return channel.ack(message);
    }

    let reply: ProgressAnyReply;
    try {
      reply = await this.options.handler(request.data);
    } catch (error) {
      // The job's logger is made here only: a child logger per answer cost every answer its
      // bindings' cleaning and serialization.
      this.log.child({ job_id: request.data.job_id, correlation_id: correlationId }).error({ err: error }, 'progress handler failed; request left unanswered');
      this.options.events?.onRequestDropped?.('handler_error');
      return channel.ack(message);
    }
    // The reply is the handler's typed value, sent as it is: the API checks every reply against
    // the contract when it receives it (and drops one that breaks it), so checking it here too
    // cost each answer a second parse of the same reply without changing what a caller gets.
    send(reply);
    channel.ack(message);
  }
}

const NOT_JSON = Symbol('not JSON');

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

/** Echoes the job id when the body had a usable one, so the caller's logs can place the reply. */
function invalidRequestReply(body: unknown, reason: string): ProgressErrorReply {
  const jobId = typeof body === 'object' && body !== null ? (body as { job_id?: unknown }).job_id : undefined;
  return {
    ...(typeof jobId === 'string' && jobId.length <= 128 ? { job_id: jobId } : {}),
    error: { code: 'INVALID_REQUEST', message: reason },
    timestamp: new Date().toISOString(),
  };
}
