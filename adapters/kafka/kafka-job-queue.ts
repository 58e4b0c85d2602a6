import { Kafka, Partitioners, logLevel, type Admin, type Producer, type SASLOptions } from 'kafkajs';
import type { ConsumerOptions, HealthCheck, JobConsumer, JobQueue, Logger, PartitionLag, QueueRecord } from '../../core/ports/index.js';
import { backoffDelay, delay } from '../shared/backoff.js';
import { TurnBatcher, allFulfilled } from '../shared/turn-batcher.js';
import { settlesWithin } from '../../core/time/index.js';
import { DEFAULT_METADATA_MAX_AGE_MS, KafkaConsumer, type KafkaConsumerTuning } from './kafka-consumer.js';
import { asUnavailable, isRetriable } from './kafka-errors.js';
import { kafkaLogCreator } from './kafka-log-creator.js';
import type { OAuthBearerProvider } from './entra-oauth-bearer.js';

export interface KafkaJobQueueOptions {
  brokers: string[];
  clientId: string;
  /** TLS to the brokers (Azure Event Hubs needs it). */
  ssl?: boolean;
  sasl?:
    | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
    /** Entra ID tokens (Azure Event Hubs without shared keys): entra-oauth-bearer.ts. */
    | { mechanism: 'oauthbearer'; oauthBearerProvider: OAuthBearerProvider };
  /** Partitions of the topics this queue creates; existing topics keep theirs. */
  partitions: number;
  /** Replicas of the topics this queue creates; unset lets the broker choose its default. */
  replicationFactor?: number;
  logger: Logger;
  consumerTuning?: Partial<KafkaConsumerTuning>;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs retries of every request (publish, admin, group); a publish fails once they run out. */
  retry?: { retries: number; initialRetryTimeMs: number; maxRetryTimeMs: number };
  /** Backoff between attempts of a record whose handler rejected. */
  handlerRetryBackoff?: { initialMs: number; maxMs: number };
  /** The largest record batch the brokers accept (`message.max.bytes`, default 1048588); dead-letter copies are cut to fit. */
  maxRecordBytes?: number;
  /** How long the readiness check and a lag reading wait for the cluster to answer. */
  healthCheckTimeoutMs?: number;
}

/**
 * Bounds of one coalesced publish: a quarter of the broker's default `message.max.bytes`, since the
 * broker refuses a record batch (one per partition in a produce request) above it.
 */
const PUBLISH_BATCH_BYTES = 256 * 1024;
const PUBLISH_BATCH_RECORDS = 500;
/** Bound of one produce request of publishMany: under the broker's default `message.max.bytes` (1 MiB) with room for headers. */
const PUBLISH_MANY_BYTES = 768 * 1024;

/** Records in runs whose values together stay within `maxBytes` (a record larger alone is a run of its own). */
function chunksBySize(records: QueueRecord[], maxBytes: number): QueueRecord[][] {
  const chunks: QueueRecord[][] = [];
  let current: QueueRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.value.length + (record.key?.length ?? 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const DEFAULT_TUNING: KafkaConsumerTuning = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  maxWaitTimeMs: 1_000,
};

/**
 * The job queue on Kafka (kafkajs). Publishes wait for all in-sync replicas (acks -1) and reject
 * when the broker does not acknowledge; those made in the same turn of the event loop share one
 * produce request (TurnBatcher), and a failed request fails each of them. A topic is made to exist (with the configured partition
 * count) before the first publish to it from this process, so a fresh cluster needs no set-up
 * and broker-side auto-creation is never relied on.
 *
 * The producer is not idempotent: kafkajs' idempotent mode wants unbounded retries, which would
 * turn a broker outage into a hanging request instead of a prompt 503, and a record written
 * twice is harmless here (key = job_id, and the worker does not run a finished job again).
 */
export class KafkaJobQueue implements JobQueue {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batcher: TurnBatcher<QueueRecord, undefined>;
  private readonly admin: Admin;
  private readonly log: Logger;
  private readonly tuning: KafkaConsumerTuning;
  private readonly consumers = new Set<KafkaConsumer>();
  /** Topics known to exist, or being created, by this process. */
  private readonly ensured = new Map<string, Promise<void>>();
  private producerConnection: Promise<void> | undefined;
  private adminConnection: Promise<void> | undefined;
  private probe: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: KafkaJobQueueOptions) {
    this.log = options.logger.child({ component: 'kafka' });
    this.tuning = { ...DEFAULT_TUNING, ...options.consumerTuning };
    const retry = options.retry ?? { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 3_000 };
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl ?? false,
      // The three mechanisms take the same fields; kafkajs types them one by one.
      ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { retries: retry.retries, initialRetryTime: retry.initialRetryTimeMs, maxRetryTime: retry.maxRetryTimeMs },
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(options.logger),
    });
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      // Keys spread over partitions added to a topic within this long, not kafkajs' 5 minutes.
      metadataMaxAge: this.tuning.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS,
      // Java's murmur2 partitioner: a key maps to the same partition as with any other client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.batcher = new TurnBatcher({
      send: async (records) => {
        await this.sendBatch(records);
        return allFulfilled(records.length, undefined);
      },
      maxBatchItems: PUBLISH_BATCH_RECORDS,
      maxBatchBytes: PUBLISH_BATCH_BYTES,
      // Values dominate a record's size; a job record's headers are a few short strings.
      sizeOf: (record) => record.value.length,
    });
    this.admin = this.kafka.admin();
  }

  async publish(record: QueueRecord): Promise<void> {
    if (this.closed) throw asUnavailable(new Error('the job queue is closed'), `publish to ${record.topic}`);
    try {
      await this.ensureTopics([record.topic]);
      await this.connectProducer();
      await this.batcher.add(record);
    } catch (error) {
      throw asUnavailable(error, `publish to ${record.topic} failed`);
    }
  }

  /**
   * A batch's records in one produce request (sendBatch, acks -1), or a few when together they
   * pass PUBLISH_MANY_BYTES: the broker refuses a partition's record batch over its
   * `message.max.bytes`, and a request bound below that keeps every partition's share under it.
   */
  async publishMany(records: QueueRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closed) throw asUnavailable(new Error('the job queue is closed'), `publish to ${records[0]!.topic}`);
    try {
      await this.ensureTopics(records.map((record) => record.topic));
      await this.connectProducer();
      for (const chunk of chunksBySize(records, PUBLISH_MANY_BYTES)) await this.sendBatch(chunk);
    } catch (error) {
      throw asUnavailable(error, `publish of ${records.length} records failed`);
    }
  }

  /** One produce request for records published together; acknowledged by all in-sync replicas. */
  private async sendBatch(records: QueueRecord[]): Promise<void> {
    const byTopic = new Map<string, QueueRecord[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic);
      if (list) list.push(record);
      else byTopic.set(record.topic, [record]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
      })),
    });
  }

  /** Creates the missing topics with the configured partition count; existing ones are left alone. */
  async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics)];
    const unknown = wanted.filter((topic) => !this.ensured.has(topic));
    if (unknown.length > 0) {
      const creating = this.createMissing(unknown);
      for (const topic of unknown) this.ensured.set(topic, creating);
      creating.catch(() => {
        // Not cached: the next call asks the broker again.
        for (const topic of unknown) if (this.ensured.get(topic) === creating) this.ensured.delete(topic);
      });
    }
    await Promise.all(wanted.map((topic) => this.ensured.get(topic)));
  }

  createConsumer(options: ConsumerOptions): JobConsumer {
    const consumer = new KafkaConsumer(options, {
      kafka: this.kafka,
      tuning: this.tuning,
      handlerRetryBackoff: this.options.handlerRetryBackoff ?? { initialMs: 100, maxMs: 5_000 },
      ...(this.options.maxRecordBytes !== undefined ? { maxRecordBytes: this.options.maxRecordBytes } : {}),
      ensureTopics: (topics) => this.ensureTopics(topics),
      publish: (record) => this.publish(record),
      readLag: (groupId, topics) => this.readLag(groupId, topics),
      logger: this.options.logger,
      onClosed: (closed) => this.consumers.delete(closed),
    });
    this.consumers.add(consumer);
    return consumer;
  }

  /** Readiness: the cluster answers a metadata request within the timeout. */
  healthCheck(): HealthCheck {
    return { name: 'kafka', check: () => this.checkCluster() };
  }

  /** Closes every consumer (abandoning in-flight work), then the producer and admin connections. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([...this.consumers].map((consumer) => consumer.close({ drainTimeoutMs: 0 })));
      const results = await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
      for (const result of results) {
        if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'kafka connection did not close cleanly');
      }
    })();
    return this.closed;
  }

  private async createMissing(topics: string[]): Promise<void> {
    try {
      await this.connectAdmin();
      // Listing first means pre-provisioned topics need no permission to create topics.
      const existing = new Set(await this.admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      await this.admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions, replicationFactor: this.options.replicationFactor ?? -1 })),
        // kafkajs' own wait gives up on the first "unknown topic" answer; see waitForLeaders.
        waitForLeaders: false,
      });
      await this.waitForLeaders(missing);
      this.log.info({ topics: missing, partitions: this.options.partitions }, 'created topics');
    } catch (error) {
      throw asUnavailable(error, `could not create topics ${topics.join(', ')}`);
    }
  }

  /**
   * Waits until every partition of the topics has a leader. A KRaft broker answers CreateTopics
   * once the controller has the topic, and its metadata can still call the topic unknown for a
   * moment after; those answers are retriable, so they are waited out, up to the request timeout.
   */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      let notYet: unknown;
      try {
        const { topics: described } = await this.admin.fetchTopicMetadata({ topics });
        const led = (name: string) => described.find((t) => t.name === name)?.partitions.every((p) => p.leader >= 0) === true;
        if (topics.every(led)) return;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        notYet = error;
      }
      if (Date.now() >= deadline) {
        throw new Error(`topics ${topics.join(', ')} have no leaders ${timeoutMs} ms after their creation`, { cause: notYet });
      }
      await delay(backoffDelay(attempt, { initialMs: 50, maxMs: 1_000 }));
    }
  }

  private checkCluster(): Promise<void> {
    this.probe ??= this.answerWithin(
      'kafka cluster',
      this.connectAdmin().then(() => this.admin.describeCluster()),
    )
      .then(() => undefined)
      .finally(() => {
        this.probe = undefined;
      });
    return this.probe;
  }

  /**
   * Lag of every partition of the topics, as the cluster has them now (partitions added since a
   * member joined included): each partition's end offset minus the group's committed offset (or
   * minus the partition's start while the group has committed nothing there, as it then starts
   * from the beginning). Read from the cluster, so it is right even while records wait. The same
   * requests whatever the number of partitions: one offset fetch for the group, and the ends of
   * each topic.
   */
  readLag(groupId: string, topics: string[]): Promise<Omit<PartitionLag, 'owned'>[]> {
    const reading = this.connectAdmin().then(() =>
      Promise.all([this.admin.fetchOffsets({ groupId, topics }), Promise.all(topics.map((topic) => this.admin.fetchTopicOffsets(topic)))]),
    );
    return this.answerWithin('kafka offsets', reading).then(([committed, ends]) =>
      topics.flatMap((topic, i) =>
        ends[i]!.map((end) => {
          const done = committed.find((c) => c.topic === topic)?.partitions.find((p) => p.partition === end.partition);
          const from = done && BigInt(done.offset) >= 0n ? BigInt(done.offset) : BigInt(end.low);
          const lag = BigInt(end.high) - from;
          return { topic, partition: end.partition, lag: Number(lag > 0n ? lag : 0n) };
        }),
      ),
    );
  }

  /** The answer of a cluster request, or an error once the health-check timeout has passed. */
  private async answerWithin<T>(what: string, request: Promise<T>): Promise<T> {
    const timeoutMs = this.options.healthCheckTimeoutMs ?? 1_000;
    if (!(await settlesWithin(request, timeoutMs))) throw new Error(`${what} did not answer within ${timeoutMs} ms`);
    return request;
  }

  private connectProducer(): Promise<void> {
    this.producerConnection ??= this.producer.connect().catch((error: unknown) => {
      this.producerConnection = undefined;
      throw error;
    });
    return this.producerConnection;
  }

  private connectAdmin(): Promise<void> {
    this.adminConnection ??= this.admin.connect().catch((error: unknown) => {
      this.adminConnection = undefined;
      throw error;
    });
    return this.adminConnection;
  }
}
