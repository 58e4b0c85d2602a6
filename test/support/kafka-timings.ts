/**
 * Consumer group timings for tests: kafkajs heartbeats only between fetches, so short long-polls
 * and frequent heartbeats make joins, leaves and rebalances take milliseconds instead of seconds;
 * finished records are committed within 50 ms.
 */
export const FAST_KAFKA_GROUP = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 100, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100, commitIntervalMs: 50 };
