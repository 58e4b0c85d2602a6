import {
  MemoryDelayedJobStore,
  MemoryIdempotencyStore,
  MemoryJobEvents,
  MemoryJobLeases,
  MemoryJobQueue,
  MemoryProgressBus,
  MemoryResultStore,
  MemoryScheduleStore,
  MemoryStatusStore,
  MemoryWebhookOutbox,
} from '../../adapters/memory/index.js';
import { testLogger } from '../support/test-logger.js';
import { describeDelayedJobsConformance } from './delayed-jobs.suite.js';
import { describeIdempotencyStoreConformance } from './idempotency-store.suite.js';
import { describeJobLeasesConformance } from './job-leases.suite.js';
import { describeJobEventsConformance } from './job-events.suite.js';
import { describeJobQueueConformance } from './job-queue.suite.js';
import { describeProgressRpcConformance } from './progress-rpc.suite.js';
import { describeResultStoreConformance } from './result-store.suite.js';
import { describeScheduleStoreConformance } from './schedule-store.suite.js';
import { describeStatusStoreConformance } from './status-store.suite.js';
import { describeWebhookOutboxConformance } from './webhook-outbox.suite.js';

describeJobQueueConformance('in-memory', async () => {
  const queue = new MemoryJobQueue({ partitions: 3, retryBackoff: { initialMs: 10, maxMs: 50 } });
  // One record per partition waits for a slot.
  return { queue, partitions: 3, bufferBound: () => 3, cleanup: () => queue.close() };
});

describeStatusStoreConformance('in-memory', async ({ ttlSeconds }) => {
  const store = new MemoryStatusStore(ttlSeconds ? { ttlSeconds } : {});
  return { store, cleanup: () => store.close() };
});

describeIdempotencyStoreConformance('in-memory', async () => {
  const store = new MemoryIdempotencyStore();
  return { store, cleanup: () => store.close() };
});

describeJobEventsConformance('in-memory', async ({ maxPerJob }) => {
  const events = new MemoryJobEvents({ ...(maxPerJob ? { maxPerJob } : {}) });
  return { writer: events, reader: events, cleanup: () => events.close() };
});

describeJobLeasesConformance('in-memory', async () => {
  const leases = new MemoryJobLeases();
  return { leases, cleanup: () => leases.close() };
});

describeScheduleStoreConformance('in-memory', async () => {
  const store = new MemoryScheduleStore();
  return { store, cleanup: () => store.close() };
});

describeResultStoreConformance('in-memory', async () => {
  const store = new MemoryResultStore();
  return { store, cleanup: () => store.close() };
});

describeProgressRpcConformance('in-memory', async () => {
  const bus = new MemoryProgressBus();
  const closers: Array<() => Promise<void>> = [];
  return {
    client: async (options) => {
      const client = bus.createClient({ timeoutMs: options?.timeoutMs ?? 2_000 });
      closers.push(() => client.close());
      return client;
    },
    responder: async (handler) => {
      const responder = bus.createResponder({ handler, logger: testLogger() });
      closers.push(() => responder.close());
      return responder;
    },
    cleanup: async () => {
      for (const close of closers) await close();
    },
  };
});

describeDelayedJobsConformance('in-memory', async () => {
  const delayed = new MemoryDelayedJobStore();
  return { delayed, cleanup: () => delayed.close() };
});

describeWebhookOutboxConformance('in-memory', async () => {
  const outbox = new MemoryWebhookOutbox();
  return { outbox, cleanup: () => outbox.close() };
});
