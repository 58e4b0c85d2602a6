export * from './config-schema.js';
export * from './load-config.js';
export * from './api-keys.js';
export * from './job-priorities.js';
