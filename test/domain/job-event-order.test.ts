import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryJobEvents, MemoryStatusStore } from '../../adapters/memory/index.js';
import type { JobEvent } from '../../contracts/index.js';
import { recordingJobEvents } from '../../core/domain/index.js';
import type { JobEvents, StatusWrite } from '../../core/ports/index.js';
import { deferred, outcomeWithin } from '../support/wait-for.js';
import { testLogger } from '../support/test-logger.js';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const write = (jobId: string, state: StatusWrite['state'], progress: number): StatusWrite => ({
  job_id: jobId,
  state,
  progress_percent: progress,
  message: `${state} ${progress}`,
  updated_at: at(progress),
  ...(state === 'queued' ? { submitted_at: at(0), job_type: 'weather' as const } : {}),
});

/** The memory event log, whose appends wait until the test lets each one through. */
function heldEvents() {
  const inner = new MemoryJobEvents();
  const held: Array<{ event: JobEvent; release: () => void }> = [];
  const events: JobEvents = {
    append: async (event) => {
      const gate = deferred();
      held.push({ event, release: () => gate.resolve() });
      await gate.promise;
      return inner.append(event);
    },
    history: (id, after) => inner.history(id, after),
    follow: (listener) => inner.follow(listener),
    close: () => inner.close(),
  };
  return { events, held, inner };
}

describe('status writes and their events', () => {
  it('a queued write returns once its event is logged; a milestone write at once, its event after the ones before it', async () => {
    const { events, held, inner } = heldEvents();
    const statuses = recordingJobEvents(new MemoryStatusStore(), { events, logger: testLogger() });
    const jobId = randomUUID();

    const queued = statuses.write(write(jobId, 'queued', 0));
    expect(await outcomeWithin(queued, 50)).toBe('pending');
    held.shift()!.release();
    expect((await queued).applied).toBe(true);

    // Two milestones return while neither event is logged yet.
    expect((await statuses.write(write(jobId, 'running', 20))).applied).toBe(true);
    expect((await statuses.write(write(jobId, 'running', 50))).applied).toBe(true);
    // The second waits for the first: only one append is on its way.
    expect(held.map((entry) => entry.event.progress_percent)).toEqual([20]);
    held.shift()!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.map((entry) => entry.event.progress_percent)).toEqual([50]);

    // Closing waits for the append still on its way.
    const closed = statuses.close();
    expect(await outcomeWithin(closed, 50)).toBe('pending');
    held.shift()!.release();
    await closed;
    expect((await inner.history(jobId)).map((record) => record.event.progress_percent)).toEqual([0, 20, 50]);
  });
});
