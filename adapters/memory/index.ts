export { MemoryStatusStore } from './memory-status-store.js';
export { MemoryIdempotencyStore } from './memory-idempotency-store.js';
export { MemoryResultStore } from './memory-result-store.js';
export { MemoryJobQueue } from './memory-job-queue.js';
export { MemoryProgressBus } from './memory-progress-rpc.js';
export { MemoryDeadLetters } from './memory-dead-letters.js';
export { MemoryJobLeases } from './memory-job-leases.js';
export { MemoryScheduleStore } from './memory-schedule-store.js';
export { MemoryKeySlots, MemoryDelayedJobs, memoryRateLimits } from './memory-key-slots.js';
