// The coalescing of publishes into produce requests, with the send step recorded (the Kafka side
// is covered on the real broker in kafka-job-queue.test.ts).
import { describe, expect, it } from 'vitest';
import { PublishBatcher } from '../../adapters/kafka/publish-batcher.js';
import type { QueueRecord } from '../../core/ports/index.js';

const record = (n: number, bytes = 10): QueueRecord => ({ topic: 't', key: String(n), value: Buffer.alloc(bytes, n % 256), headers: {} });

function recordingBatcher(options: { maxBatchBytes?: number; maxBatchRecords?: number; fail?: (records: QueueRecord[]) => boolean } = {}) {
  const batches: string[][] = [];
  const batcher = new PublishBatcher({
    maxBatchBytes: options.maxBatchBytes ?? 1_000,
    maxBatchRecords: options.maxBatchRecords ?? 100,
    send: async (records) => {
      batches.push(records.map((r) => r.key!));
      if (options.fail?.(records)) throw new Error('broker refused the batch');
    },
  });
  return { batcher, batches };
}

describe('publish batcher', () => {
  it('sends what is published in one turn of the event loop as one batch, and a later turn as another', async () => {
    const { batcher, batches } = recordingBatcher();
    await Promise.all([1, 2, 3].map((n) => batcher.publish(record(n))));
    await batcher.publish(record(4));
    expect(batches).toEqual([['1', '2', '3'], ['4']]);
  });

  it('starts a new batch before the byte or record bound would be passed, and sends an oversized record alone', async () => {
    const bytes = recordingBatcher({ maxBatchBytes: 25 });
    await Promise.all([record(1), record(2), record(3), record(4, 60), record(5)].map((r) => bytes.batcher.publish(r)));
    expect(bytes.batches).toEqual([['1', '2'], ['3'], ['4'], ['5']]);

    const count = recordingBatcher({ maxBatchRecords: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => count.batcher.publish(record(n))));
    expect(count.batches).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('rejects every record of a batch the send refused, and only those', async () => {
    const { batcher } = recordingBatcher({ maxBatchRecords: 2, fail: (records) => records.some((r) => r.key === '3') });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.publish(record(n))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });
});
