export * from './dtq-error.js';
export * from './bulk-errors.js';
