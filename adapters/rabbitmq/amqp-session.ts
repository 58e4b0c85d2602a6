import type { Writable } from 'node:stream';
import amqp, { type Channel, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { Logger, ProgressConnectionEvents } from '../../core/ports/index.js';
import { backoffDelay } from '../shared/backoff.js';
import { coalesceWritesPerTurn } from './writes-per-turn.js';

export interface AmqpConnectionOptions {
  /** amqp:// or amqps:// URL; it may carry credentials, so it is never logged. */
  url: string;
  /** Reconnect delays: exponential backoff with full jitter between these bounds. */
  reconnect?: { initialMs: number; maxMs: number };
  /** AMQP heartbeat, so a silently dead peer is noticed (unless the URL sets its own). */
  heartbeatSeconds?: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number;
}

export interface AmqpSessionOptions extends AmqpConnectionOptions {
  /** Shown as the connection name in RabbitMQ's management UI and in logs. */
  name: string;
  logger: Logger;
  /** Declares queues and consumers on each new channel; the session is ready once it resolves. */
  setup(channel: Channel): Promise<void>;
  /** The channel a session served on is gone (its pending work cannot be answered on it). */
  onChannelLost?(channel: Channel): void;
  events?: ProgressConnectionEvents;
}

/**
 * One long-lived AMQP connection with one channel, kept up by amqplib's connection recovery
 * (backoff from adapters/shared). After every (re)connect `setup` declares the topology again.
 * A channel the broker closes on its own takes the connection down with it, so both come back
 * together. `current()` is the live channel or undefined while down.
 */
export class AmqpSession {
  private connection: Promise<RecoveringChannelModel> | undefined;
  private channel: Channel | undefined;
  private closed = false;
  private connectedOnce = false;
  private firstAttemptSettled = false;
  private readonly firstAttempt: Promise<void>;
  private settleFirstAttempt!: () => void;
  private readonly log: Logger;

  constructor(private readonly options: AmqpSessionOptions) {
    this.log = options.logger.child({ component: options.name });
    this.firstAttempt = new Promise<void>((resolve) => {
      this.settleFirstAttempt = () => {
        this.firstAttemptSettled = true;
        resolve();
      };
    });
  }

  /** Starts connecting in the background; safe to call again. */
  start(): void {
    if (this.connection || this.closed) return;
    const reconnect = this.options.reconnect ?? { initialMs: 100, maxMs: 5_000 };
    this.connection = amqp.connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10), {
      timeout: this.options.connectTimeoutMs ?? 5_000,
      // amqplib leaves Nagle's algorithm on: a publish is several small frames, and waiting for
      // the previous segment's ACK before sending the next stalled each RPC by milliseconds.
      noDelay: true,
      clientProperties: { connection_name: `dtq ${this.options.name}` },
      recovery: {
        waitForConnect: false,
        maxRetries: Infinity,
        calculateDelay: (attempt) => backoffDelay(attempt - 1, reconnect),
        setup: (model: ChannelModel) => this.openChannel(model),
      },
    });
    this.connection.then(
      (connection) => this.watch(connection),
      (error: unknown) => this.log.error({ err: error }, 'could not set up the RabbitMQ connection'),
    );
  }

  /** The channel to use now, or undefined while the connection is down. */
  current(): Channel | undefined {
    return this.closed ? undefined : this.channel;
  }

  ready(): boolean {
    return this.current() !== undefined;
  }

  /** True until the first connection attempt has either succeeded or failed. */
  stillConnectingFirstTime(): boolean {
    return !this.firstAttemptSettled && !this.closed;
  }

  /** Resolves when the first attempt is over (either way) or after `maxWaitMs`. */
  async waitForFirstAttempt(maxWaitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
    clearTimeout(timer);
  }

  /** Resolves once connected and set up; keeps retrying meanwhile. Rejects if closed first. */
  async waitUntilConnected(): Promise<void> {
    this.start();
    const connection = await this.connection!;
    await connection.waitForConnect();
  }

  /** Closes the channel and connection and stops reconnecting. Never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channel = undefined;
    this.settleFirstAttempt();
    const connection = await this.connection?.catch(() => undefined);
    await connection?.close().catch((error: unknown) => this.log.debug({ err: error }, 'error while closing the connection'));
  }

  private async openChannel(model: ChannelModel): Promise<void> {
    // Recovery re-emits connection errors once setup is done; until then an error must not throw.
    model.on('error', () => {});
    coalesceWritesPerTurn((model.connection as unknown as { stream: Writable }).stream);
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error }, 'amqp channel error'));
    channel.on('close', () => {
      this.lose(channel, 'channel closed');
      // A channel closed while its connection lives on would leave us half up: drop both.
      if (!this.closed) model.close().catch(() => {});
    });
    await this.options.setup(channel);
    this.channel = channel;
  }

  private watch(connection: RecoveringChannelModel): void {
    connection.on('connect', () => {
      const reconnect = this.connectedOnce;
      this.connectedOnce = true;
      this.settleFirstAttempt();
      this.log.info({}, reconnect ? 'reconnected to RabbitMQ' : 'connected to RabbitMQ');
      this.options.events?.onConnect?.({ reconnect });
    });
    connection.on('disconnect', (error: Error) => {
      if (this.channel) this.lose(this.channel, error.message);
    });
    connection.on('connect-failed', (error: Error) => {
      this.settleFirstAttempt();
      this.log.warn({ err: error }, 'could not connect to RabbitMQ; retrying with backoff');
    });
    connection.on('reconnect-scheduled', (info: { attempt: number; delay: number }) =>
      this.log.debug({ attempt: info.attempt, delay_ms: info.delay }, 'reconnect scheduled'),
    );
    connection.on('error', (error: Error) => this.log.debug({ err: error }, 'amqp connection error'));
    connection.on('handler-error', (error: Error) => this.log.error({ err: error }, 'amqp event handler failed'));
  }

  /** Marks the session down once per channel, whichever of the channel or connection noticed first. */
  private lose(channel: Channel, reason: string): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.options.onChannelLost?.(channel);
    if (this.closed) return;
    this.log.warn({ reason }, 'lost the RabbitMQ connection; reconnecting with backoff');
    this.options.events?.onDisconnect?.(reason);
  }
}

function withHeartbeat(url: string, seconds: number): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
    return parsed.toString();
  } catch {
    return url;
  }
}
