export {
  MongoResultStore,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
  DEFAULT_SOCKET_TIMEOUT_MS,
  type MongoResultStoreOptions,
} from './mongo-result-store.js';
export { MongoPingHealthCheck } from './mongo-health-check.js';
export { RESULT_INDEXES, ensureResultIndexes } from './result-indexes.js';
export { createThrottlingRetry, isThrottlingError, retryAfterMs, DEFAULT_THROTTLING_RETRY, type ThrottlingRetryOptions } from './throttling-retry.js';
export { isDuplicateKeyError, isUnavailableError, toStoreError } from './mongo-errors.js';
