export * from './logger.js';
export * from './lifecycle.js';
export * from './job-queue.js';
export * from './status-store.js';
export * from './idempotency-store.js';
export * from './result-store.js';
export * from './progress-rpc.js';
export * from './job-provider.js';
