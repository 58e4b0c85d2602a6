import { describe, expect, it } from 'vitest';
import { EventStreams, type StreamFollower } from '../../api/events/event-streams.js';
import { MemoryJobEvents } from '../../adapters/memory/index.js';
import type { JobEventRecord, JobEvents } from '../../core/ports/index.js';
import { createApiMetrics } from '../../telemetry/index.js';
import { testLogger } from '../support/test-logger.js';

const JOB_ID = '3f1c1b7e-1111-4222-8333-444455556666';
const event = (progress: number) => ({ job_id: JOB_ID, state: 'running' as const, progress_percent: progress, message: 'running', updated_at: new Date().toISOString() });

/** The memory feed, with a count of the listeners following it now. */
function countedFeed(): { events: JobEvents; following: () => number } {
  const inner = new MemoryJobEvents();
  let following = 0;
  const events: JobEvents = {
    append: (e) => inner.append(e),
    history: (id, after) => inner.history(id, after),
    follow: async (listener) => {
      const unfollow = await inner.follow(listener);
      following += 1;
      return () => {
        following -= 1;
        unfollow();
      };
    },
    close: () => inner.close(),
  };
  return { events, following: () => following };
}

function recordingFollower(): StreamFollower & { seen: JobEventRecord[] } {
  const seen: JobEventRecord[] = [];
  return { seen, onEvent: (record) => seen.push(record), onResync: () => {} };
}

describe('event streams of one instance', () => {
  it('let go of the live feed when the last stream ends, and follow it again, once, for the next', async () => {
    const feed = countedFeed();
    const streams = new EventStreams({ events: feed.events, maxStreams: 10, heartbeatMs: 60_000, metrics: createApiMetrics(), logger: testLogger() });
    try {
      const first = recordingFollower();
      const outbox = (await streams.reserve('job', first)).start('every-event');
      expect(feed.following()).toBe(1);
      await feed.events.append(event(20));
      expect(first.seen).toHaveLength(1);

      await outbox.body.cancel();
      expect(streams.count).toBe(0);
      expect(feed.following()).toBe(0);
      await feed.events.append(event(50));
      expect(first.seen).toHaveLength(1);

      const refused = recordingFollower();
      (await streams.reserve('job', refused)).release();
      expect(feed.following()).toBe(0);

      const second = recordingFollower();
      (await streams.reserve('all', second)).start('latest-per-key');
      expect(feed.following()).toBe(1);
      await feed.events.append(event(80));
      expect(second.seen.map((record) => record.event.progress_percent)).toEqual([80]);
    } finally {
      await streams.close();
    }
  });
});
