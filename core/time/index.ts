export { settlesWithin, withinDeadline } from './deadline.js';
