export { settlesWithin, withinDeadline } from './deadline.js';
export { SharedResult } from './shared-result.js';
