// Kept so the adapters' imports stay short; the helper itself is core/time's one deadline.
export { settlesWithin } from '../../core/time/index.js';
