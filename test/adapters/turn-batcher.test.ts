// Coalescing by turn of the event loop, with the send step recorded; the real sends are covered
// on the real broker (kafka-job-queue.test.ts) and on the real MongoDB-wire server (result store).
import { describe, expect, it } from 'vitest';
import { TurnBatcher, allFulfilled } from '../../adapters/shared/turn-batcher.js';

interface Item {
  key: string;
  bytes: number;
}
const item = (n: number, bytes = 10): Item => ({ key: String(n), bytes });

function recordingBatcher(options: { maxBatchBytes?: number; maxBatchItems?: number; fail?: (items: Item[]) => boolean; refuse?: (item: Item) => boolean } = {}) {
  const batches: string[][] = [];
  const batcher = new TurnBatcher<Item, string>({
    maxBatchItems: options.maxBatchItems ?? 100,
    maxBatchBytes: options.maxBatchBytes ?? 1_000,
    sizeOf: (i) => i.bytes,
    send: async (items) => {
      batches.push(items.map((i) => i.key));
      if (options.fail?.(items)) throw new Error('the batch was refused');
      if (!options.refuse) return allFulfilled(items.length, 'sent');
      return items.map((i) => (options.refuse!(i) ? { status: 'rejected', reason: new Error(`refused ${i.key}`) } : { status: 'fulfilled', value: `sent ${i.key}` }));
    },
  });
  return { batcher, batches };
}

describe('turn batcher', () => {
  it('sends what is added in one turn of the event loop as one batch, and a later turn as another', async () => {
    const { batcher, batches } = recordingBatcher();
    expect(await Promise.all([1, 2, 3].map((n) => batcher.add(item(n))))).toEqual(['sent', 'sent', 'sent']);
    await batcher.add(item(4));
    expect(batches).toEqual([['1', '2', '3'], ['4']]);
  });

  it('starts a new batch before the byte or item bound would be passed, and sends an oversized item alone', async () => {
    const bytes = recordingBatcher({ maxBatchBytes: 25 });
    await Promise.all([item(1), item(2), item(3), item(4, 60), item(5)].map((i) => bytes.batcher.add(i)));
    expect(bytes.batches).toEqual([['1', '2'], ['3'], ['4'], ['5']]);

    const count = recordingBatcher({ maxBatchItems: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => count.batcher.add(item(n))));
    expect(count.batches).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('rejects every item of a batch whose send failed, and only those', async () => {
    const { batcher } = recordingBatcher({ maxBatchItems: 2, fail: (items) => items.some((i) => i.key === '3') });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.add(item(n))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('gives each item the outcome the send answered for it', async () => {
    const { batcher } = recordingBatcher({ refuse: (i) => i.key === '2' });
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(item(n))));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'sent 1' },
      { status: 'rejected', reason: new Error('refused 2') },
      { status: 'fulfilled', value: 'sent 3' },
    ]);
  });
});
