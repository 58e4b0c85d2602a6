import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryJobEvents, MemoryStatusStore } from '../../adapters/memory/index.js';
import { RedisJobEvents, RedisStatusStore, closeRedis, createRedisConnection } from '../../adapters/redis/index.js';
import { recordingJobEvents } from '../../core/domain/index.js';
import type { JobEvents, StatusStore, StatusWrite } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { REDIS_TARGETS, deleteTargetKeys } from '../support/redis-cluster.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const logger = testLogger();

interface Backend {
  statuses: StatusStore;
  events: JobEvents;
  cleanup(): Promise<void>;
}

/** The status store every process composes (each applied write logged as an event), on each backend. */
const backends: Array<[string, () => Backend]> = [
  ['in memory', () => {
    const store = new MemoryStatusStore();
    const events = new MemoryJobEvents();
    return { statuses: recordingJobEvents(store, { events, logger }), events, cleanup: async () => void (await store.close(), await events.close()) };
  }],
  ...REDIS_TARGETS.map((target): [string, () => Backend] => [target.name, () => {
    const keyPrefix = `${uniqueName('dtq-test')}:`;
    const redis = createRedisConnection({ url: target.url, cluster: target.cluster, logger });
    const events = new RedisJobEvents({ redis, subscriber: () => createRedisConnection({ url: target.url, cluster: target.cluster, logger }), keyPrefix, logger });
    const store = new RedisStatusStore({ redis, keyPrefix, logger });
    return {
      statuses: recordingJobEvents(store, { events, logger }),
      events,
      cleanup: async () => void (await events.close(), await closeRedis(redis), await deleteTargetKeys(target, keyPrefix)),
    };
  }]),
];

/** A job's logged events once there are `count`: a milestone's event is appended after its write returns. */
const loggedEvents = (events: JobEvents, jobId: string, count: number) =>
  waitFor(async () => {
    const records = await events.history(jobId);
    return records.length >= count ? records.map((record) => record.event) : undefined;
  }, { what: `${count} events of job ${jobId}` });

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

const queued = (jobId: string): StatusWrite => ({
  job_id: jobId,
  state: 'queued',
  progress_percent: 0,
  message: 'queued',
  updated_at: at(0),
  submitted_at: at(0),
  job_type: 'weather',
});

const milestone = (jobId: string, progress: number, i: number): StatusWrite => ({
  job_id: jobId,
  state: progress === 100 ? 'completed' : 'running',
  progress_percent: progress,
  message: `p${progress}#${i}`,
  updated_at: at(10 + i),
});

for (const [name, create] of backends) {
  describe(`status writes logged as events: ${name}`, () => {
    const onCleanup = closeAfterEach();
    const backend = () => {
      const made = create();
      onCleanup(() => made.cleanup());
      return made;
    };

    it('logs a job\'s milestones once each, in order, with the fields only the queued write carried', async () => {
      const { statuses, events } = backend();
      const jobId = randomUUID();
      await statuses.write(queued(jobId));
      for (const [i, progress] of [20, 50, 80, 100].entries()) await statuses.write(milestone(jobId, progress, i));
      const logged = await loggedEvents(events, jobId, 5);
      expect(logged.map((event) => [event.state, event.progress_percent])).toEqual([['queued', 0], ['running', 20], ['running', 50], ['running', 80], ['completed', 100]]);
      expect(logged.every((event) => event.job_type === 'weather')).toBe(true);
      expect(logged.at(-1)?.result_url).toBe(`/v1/jobs/${jobId}/result`);
    });

    it('logs exactly the applied ones of concurrent writes, in the order they applied', async () => {
      const { statuses, events } = backend();
      // Many jobs, so on a cluster their keys live on every node.
      const ids = Array.from({ length: 12 }, () => randomUUID());
      await Promise.all(ids.map((id) => statuses.write(queued(id))));
      const order = [50, 20, 80, 20, 60, 50, 90, 80, 30, 95];
      const outcomes = await Promise.all(ids.map((id) => Promise.all(order.map((progress, i) => statuses.write(milestone(id, progress, i))))));
      for (const [j, id] of ids.entries()) {
        const applied = order.flatMap((progress, i) => (outcomes[j]![i]!.applied ? [`p${progress}#${i}`] : []));
        const logged = await loggedEvents(events, id, 1 + applied.length);
        expect(logged[0]?.state).toBe('queued');
        // Every applied write's event, none of a refused one's, each once.
        expect(logged.slice(1).map((event) => event.message).sort()).toEqual([...applied].sort());
        // In the order they applied: progress never goes back along the log.
        const progress = logged.map((event) => event.progress_percent);
        expect(progress).toEqual([...progress].sort((a, b) => a - b));
      }
    });
  });
}
