/**
 * Consumer group timings for tests: kafkajs heartbeats only between fetches, so short long-polls
 * and frequent heartbeats make joins, leaves and rebalances take milliseconds instead of seconds.
 */
export const FAST_KAFKA_GROUP = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 100, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 };
