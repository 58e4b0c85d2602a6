import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../contracts/index.js';
import { compareEventIds, type JobEventRecord, type JobEvents } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { waitFor } from '../support/wait-for.js';

export interface JobEventsFixture {
  /** What a worker appends with. */
  writer: JobEvents;
  /** What an API process reads and follows with: another client of the same store where there is one. */
  reader: JobEvents;
  cleanup(): Promise<void>;
}

const event = (jobId: string, progress: number, state: JobEvent['state'] = 'running'): JobEvent => ({
  job_id: jobId,
  state,
  progress_percent: progress,
  message: `at ${progress}`,
  updated_at: new Date().toISOString(),
  job_type: 'weather',
});

/** The job-events port's guarantees; every adapter runs this suite. */
export function describeJobEventsConformance(adapter: string, create: (options: { maxPerJob?: number }) => Promise<JobEventsFixture>): void {
  describe(`job events conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function fixture(options: { maxPerJob?: number } = {}) {
      const made = await create(options);
      onCleanup(() => made.cleanup());
      return made;
    }

    it('gives each job increasing ids, also within one millisecond, and reads the log after an id', async () => {
      const { writer, reader } = await fixture();
      const jobId = randomUUID();
      const ids: string[] = [];
      for (const progress of [0, 20, 50, 50, 80, 100]) ids.push(await writer.append(event(jobId, progress)));
      for (let i = 1; i < ids.length; i++) expect(compareEventIds(ids[i]!, ids[i - 1]!)).toBeGreaterThan(0);
      const all = await reader.history(jobId);
      expect(all.map((r) => r.id)).toEqual(ids);
      expect(all.map((r) => r.event.progress_percent)).toEqual([0, 20, 50, 50, 80, 100]);
      expect((await reader.history(jobId, ids[2])).map((r) => r.id)).toEqual(ids.slice(3));
      expect(await reader.history(randomUUID())).toEqual([]);
    });

    it('hands every append, by any client, to a follower, in order', async () => {
      const { writer, reader } = await fixture();
      const jobId = randomUUID();
      const seen: JobEventRecord[] = [];
      const stop = await reader.follow((record) => record.event.job_id === jobId && seen.push(record));
      const ids = [await writer.append(event(jobId, 20)), await writer.append(event(jobId, 50)), await writer.append(event(jobId, 100, 'completed'))];
      await waitFor(() => (seen.length >= 3 ? true : undefined), { what: 'three followed events' });
      expect(seen.map((r) => r.id)).toEqual(ids);
      expect(seen[2]!.event.state).toBe('completed');
      stop();
      await writer.append(event(jobId, 100, 'completed'));
      expect(seen).toHaveLength(3);
    });

    it('keeps the newest entries of a job up to its bound', async () => {
      const { writer, reader } = await fixture({ maxPerJob: 3 });
      const jobId = randomUUID();
      for (const progress of [0, 20, 50, 80, 100]) await writer.append(event(jobId, progress));
      expect((await reader.history(jobId)).map((r) => r.event.progress_percent)).toEqual([50, 80, 100]);
    });
  });
}
