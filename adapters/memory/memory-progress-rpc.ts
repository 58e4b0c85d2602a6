import { randomUUID } from 'node:crypto';
import type { ProgressAnyReply, ProgressRequest } from '../../contracts/index.js';
import { StatusTimeoutError } from '../../core/errors/index.js';
import type { Logger, ProgressClient, ProgressRequestHandler, ProgressResponder } from '../../core/ports/index.js';

interface Envelope {
  body: ProgressRequest;
  correlationId: string;
  replyTo: MemoryProgressClient;
  expiresAt: number;
}

/**
 * An in-process stand-in for the request queue: requests wait until a responder takes them
 * (or expire like messages with a TTL), replies travel back by correlation id, asynchronously.
 */
export class MemoryProgressBus {
  private readonly pending: Envelope[] = [];
  private readonly responders: MemoryProgressResponder[] = [];
  private turn = 0;

  createClient(options: { timeoutMs: number }): ProgressClient {
    return new MemoryProgressClient(this, options.timeoutMs);
  }

  createResponder(options: { handler: ProgressRequestHandler; logger: Logger }): ProgressResponder {
    return new MemoryProgressResponder(this, options.handler, options.logger);
  }

  send(envelope: Envelope): void {
    this.pending.push(envelope);
    setImmediate(() => this.dispatch());
  }

  attach(responder: MemoryProgressResponder): void {
    this.responders.push(responder);
    setImmediate(() => this.dispatch());
  }

  detach(responder: MemoryProgressResponder): void {
    const index = this.responders.indexOf(responder);
    if (index >= 0) this.responders.splice(index, 1);
  }

  private dispatch(): void {
    while (this.pending.length > 0 && this.responders.length > 0) {
      const envelope = this.pending.shift()!;
      if (envelope.expiresAt <= Date.now()) continue;
      const responder = this.responders[this.turn++ % this.responders.length]!;
      responder.take(envelope);
    }
  }
}

export class MemoryProgressClient implements ProgressClient {
  private readonly waiting = new Map<string, (reply: ProgressAnyReply) => void>();

  constructor(
    private readonly bus: MemoryProgressBus,
    private readonly defaultTimeoutMs: number,
  ) {}

  request(jobId: string, options: { timeoutMs?: number } = {}): Promise<ProgressAnyReply> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const correlationId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(new StatusTimeoutError(timeoutMs));
      }, timeoutMs);
      this.waiting.set(correlationId, (reply) => {
        clearTimeout(timer);
        this.waiting.delete(correlationId);
        resolve(reply);
      });
      this.bus.send({
        body: { job_id: jobId, request_id: correlationId, requested_at: new Date().toISOString() },
        correlationId,
        replyTo: this,
        expiresAt: Date.now() + timeoutMs,
      });
    });
  }

  /** A reply for a caller that already gave up is dropped, as on a real reply queue. */
  deliver(correlationId: string, reply: ProgressAnyReply): void {
    this.waiting.get(correlationId)?.(reply);
  }

  ready(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

export class MemoryProgressResponder implements ProgressResponder {
  private active = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: MemoryProgressBus,
    private readonly handler: ProgressRequestHandler,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.bus.attach(this);
  }

  ready(): boolean {
    return this.active;
  }

  take(envelope: Envelope): void {
    const work: Promise<void> = this.handler(envelope.body)
      .then((reply) => {
        setImmediate(() => envelope.replyTo.deliver(envelope.correlationId, reply));
      })
      .catch((error: unknown) => this.logger.error({ err: error, job_id: envelope.body.job_id }, 'progress handler failed'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  async close(): Promise<void> {
    this.active = false;
    this.bus.detach(this);
    await Promise.allSettled([...this.inFlight]);
  }
}
