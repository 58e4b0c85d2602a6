import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type SASLOptions } from 'kafkajs';
import type { DeadLetterPage, DeadLetterRecord, DeadLetters, Logger } from '../../core/ports/index.js';
import { deadLetterId, deadLetteredAt, pageDeadLetters } from '../shared/dead-letter-pages.js';
import { asUnavailable } from './kafka-errors.js';
import type { KafkaJobQueueOptions } from './kafka-job-queue.js';
import { kafkaLogCreator } from './kafka-log-creator.js';

export interface KafkaDeadLettersOptions {
  /** The same connection as the job queue's. */
  connection: Pick<KafkaJobQueueOptions, 'brokers' | 'clientId' | 'ssl' | 'sasl'>;
  topic: string;
  logger: Logger;
  /** Records held at most; the oldest are let go first. */
  maxRecords?: number;
  /** How long a read waits for the reader to reach the end of the topic before answering with what it holds. */
  catchUpTimeoutMs?: number;
}

/**
 * The dead-letter topic read by a consumer of its own: started on the first read, in a group of
 * its own that commits nothing (every reader starts from the beginning), it holds the newest
 * `maxRecords` records in memory. Each read first looks up the topic's end offsets and waits,
 * briefly, until the reader has reached them, so a record dead-lettered before the request is
 * in the answer.
 */
export class KafkaDeadLetters implements DeadLetters {
  private readonly kafka: Kafka;
  private readonly log: Logger;
  private readonly records: DeadLetterRecord[] = [];
  private readonly consumedTo = new Map<number, bigint>();
  private readonly maxRecords: number;
  private readonly catchUpTimeoutMs: number;
  private started: Promise<{ consumer: Consumer; admin: Admin }> | undefined;

  constructor(private readonly options: KafkaDeadLettersOptions) {
    this.log = options.logger.child({ component: 'kafka-dead-letters' });
    this.maxRecords = options.maxRecords ?? 10_000;
    this.catchUpTimeoutMs = options.catchUpTimeoutMs ?? 3_000;
    const { sasl, ...connection } = options.connection;
    this.kafka = new Kafka({
      ...connection,
      // The three mechanisms take the same fields; kafkajs types them one by one.
      ...(sasl ? { sasl: sasl as SASLOptions } : {}),
      connectionTimeout: 3_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
    });
  }

  async list(query: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    await this.caughtUp();
    return pageDeadLetters(this.records, query);
  }

  async get(id: string): Promise<DeadLetterRecord | null> {
    await this.caughtUp();
    return this.records.find((record) => record.id === id) ?? null;
  }

  async close(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    if (!started) return;
    const { consumer, admin } = await started.catch(() => ({ consumer: undefined, admin: undefined }));
    await Promise.allSettled([consumer?.disconnect(), admin?.disconnect()]);
  }

  private start(): Promise<{ consumer: Consumer; admin: Admin }> {
    this.started ??= (async () => {
      const admin = this.kafka.admin();
      const consumer = this.kafka.consumer({ groupId: `${this.options.connection.clientId}.dead-letter-reader.${randomUUID()}`, allowAutoTopicCreation: false });
      try {
        await admin.connect();
        const topics = await admin.listTopics();
        if (!topics.includes(this.options.topic)) await admin.createTopics({ topics: [{ topic: this.options.topic }] }).catch(() => undefined);
        await consumer.connect();
        await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            this.hold({
              id: deadLetterId(partition, message.offset),
              partition,
              offset: message.offset,
              key: message.key ? message.key.toString('utf8') : null,
              value: message.value ?? Buffer.alloc(0),
              headers: Object.fromEntries(Object.entries(message.headers ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]]))),
              timestamp: new Date(Number(message.timestamp)).toISOString(),
            });
            this.consumedTo.set(partition, BigInt(message.offset) + 1n);
          },
        });
        this.log.info({ topic: this.options.topic }, 'reading the dead-letter topic');
        return { consumer, admin };
      } catch (error) {
        this.started = undefined;
        await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
        throw asUnavailable(error, 'reading the dead-letter topic');
      }
    })();
    return this.started;
  }

  private hold(record: DeadLetterRecord): void {
    if (this.records.some((held) => held.id === record.id)) return;
    this.records.push({ ...record, timestamp: deadLetteredAt(record.headers, record.timestamp) });
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
  }

  /** Waits until every partition is read up to the end offset it had when the read began. */
  private async caughtUp(): Promise<void> {
    const { admin } = await this.start();
    let ends: Array<{ partition: number; high: string; low: string }>;
    try {
      ends = await admin.fetchTopicOffsets(this.options.topic);
    } catch (error) {
      throw asUnavailable(error, 'reading the dead-letter topic offsets');
    }
    const until = Date.now() + this.catchUpTimeoutMs;
    const behind = () => ends.filter(({ partition, high, low }) => BigInt(high) > BigInt(low) && (this.consumedTo.get(partition) ?? 0n) < BigInt(high));
    while (behind().length > 0) {
      if (Date.now() >= until) {
        this.log.warn({ partitions_behind: behind().map((p) => p.partition) }, 'the dead-letter reader has not reached the end of the topic; answering with what it holds');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
