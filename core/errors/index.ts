export * from './dtq-error.js';
