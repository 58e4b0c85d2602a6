export * from './logger.js';
export * from './api-metrics.js';
export * from './worker-metrics.js';
export * from './tracing.js';
export * from './key-limit-metrics.js';
export * from './trace-export.js';
