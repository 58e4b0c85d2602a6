/**
 * The fleet view's waiting parts over the in-memory adapters of the ports they read: jobs parked
 * per key and reason, the busiest keys first and bounded, and a part that cannot be read answered
 * as null (the rest of the view stays).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobMessage } from '../../contracts/index.js';
import { MemoryDelayedJobStore, MemoryDelayedJobs, MemoryKeySlots } from '../../adapters/memory/index.js';
import { encodeJobRecord, FLEET_KEYS_PER_TYPE, readDelayedWaiting, readLimitWaiting } from '../../core/domain/index.js';
import { testLogger } from '../support/test-logger.js';

const weather = (country: string): JobMessage =>
  ({
    schema_version: '1.0',
    job_id: randomUUID(),
    trace_id: randomUUID(),
    submitted_at: new Date().toISOString(),
    job_type: 'weather',
    payload: { city: 'Paris', country_code: country, units: 'metric' },
  }) as JobMessage;

const LIMITS = { weather: { concurrency: { key: 'country_code', max: 1 }, rate: { key: 'country_code', points: 1, per_ms: 60_000 } } };

describe('fleet: jobs waiting on limits and delayed jobs', () => {
  it('counts the parked jobs per key and reason, the busiest keys first, at most 20 per type', async () => {
    const slots = new MemoryKeySlots();
    const parked = new MemoryDelayedJobs();
    for (let k = 0; k < FLEET_KEYS_PER_TYPE + 5; k += 1) {
      // Key K00 has one running and one waiting; K01 one running and two waiting; and so on.
      for (let j = 0; j <= k + 1; j += 1) {
        const key = `K${String(k).padStart(2, '0')}`;
        const message = weather(key);
        await slots.takeOrPark(`weather:${key}`, message.job_id, 1, 60_000, encodeJobRecord(message));
      }
    }
    for (let j = 0; j < 3; j += 1) {
      const message = weather('FR');
      await parked.park(message.job_id, Date.now() + 60_000, encodeJobRecord(message));
    }
    const limits = await readLimitWaiting({ limits: LIMITS, slots, parked, topicTemplate: 'jobs.%s.v1' }, testLogger());
    expect(limits).toHaveLength(1);
    const [entry] = limits!;
    expect(entry).toMatchObject({ job_type: 'weather', concurrency: { key: 'country_code', max: 1 }, rate: { key: 'country_code', points: 1, per_ms: 60_000 } });
    expect(entry!.waiting).toHaveLength(FLEET_KEYS_PER_TYPE);
    expect(entry!.waiting.slice(0, 2)).toEqual([
      { key: 'K24', reason: 'key', jobs: 25 },
      { key: 'K23', reason: 'key', jobs: 24 },
    ]);
    const all = await readLimitWaiting({ limits: LIMITS, slots: new MemoryKeySlots(), parked, topicTemplate: 'jobs.%s.v1' }, testLogger());
    expect(all![0]!.waiting).toEqual([{ key: 'FR', reason: 'rate', jobs: 3 }]);
  });

  it('answers a part it cannot read as null', async () => {
    const down = async (): Promise<never> => {
      throw new Error('connection refused');
    };
    expect(await readLimitWaiting({ limits: LIMITS, slots: { lineLengths: down }, parked: new MemoryDelayedJobs(), topicTemplate: 'jobs.%s.v1' }, testLogger())).toBeNull();
    expect(await readDelayedWaiting({ count: down, earliestRunAt: down }, testLogger())).toBeNull();
    expect(await readDelayedWaiting(new MemoryDelayedJobStore(), testLogger())).toEqual({ waiting: 0 });
  });
});
