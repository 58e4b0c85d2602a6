export { MongoResultStore, type MongoResultStoreOptions } from './mongo-result-store.js';
export { createMongoClient, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SERVER_SELECTION_TIMEOUT_MS, DEFAULT_SOCKET_TIMEOUT_MS } from './mongo-client.js';
export { MongoPingHealthCheck } from './mongo-health-check.js';
export { RESULT_INDEXES, ensureResultIndexes } from './result-indexes.js';
export { createThrottlingRetry, isThrottlingError, retryAfterMs, DEFAULT_THROTTLING_RETRY, type ThrottlingRetryOptions } from './throttling-retry.js';
export { isDuplicateKeyError, isUnavailableError, toStoreError } from './mongo-errors.js';
export { MongoIdempotencyStore, IDEMPOTENCY_COLLECTION, type MongoIdempotencyStoreOptions } from './mongo-idempotency-store.js';
export { MongoScheduleStore, SCHEDULE_COLLECTION, SCHEDULE_INDEXES, type MongoScheduleStoreOptions } from './mongo-schedule-store.js';
export { MongoDeadLetterMarks, DEAD_LETTER_MARKS_COLLECTION, type MongoDeadLetterMarksOptions } from './mongo-dead-letter-marks.js';
