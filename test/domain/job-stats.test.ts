import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStatusStore } from '../../adapters/memory/index.js';
import { jobStats } from '../../core/domain/index.js';

describe('job stats', () => {
  it('buckets finished jobs by the minute of their final status, leaves older ones out, and says when it stopped counting', async () => {
    const statuses = new MemoryStatusStore();
    const now = new Date('2026-03-01T12:30:30.000Z');
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
    const finished = [
      ['completed', 0],
      ['completed', 0],
      ['failed', 1],
      ['completed', 59],
      ['completed', 61],
    ] as const;
    for (const [state, minutesAgo] of finished) {
      await statuses.write({ job_id: randomUUID(), state, progress_percent: state === 'completed' ? 100 : 50, message: state, updated_at: at(minutesAgo), submitted_at: at(minutesAgo + 1), job_type: 'quote' });
    }
    await statuses.write({ job_id: randomUUID(), state: 'running', progress_percent: 20, message: 'started', updated_at: at(0), submitted_at: at(0), job_type: 'weather' });

    const stats = await jobStats(statuses, [], { now: () => now });
    expect(stats.by_state).toEqual({ queued: 0, running: 1, completed: 4, failed: 1, total: 6 });
    expect(stats.per_minute.at(-1)).toEqual({ minute: '2026-03-01T12:30:00.000Z', completed: 2, failed: 0 });
    expect(stats.per_minute.at(-2)).toEqual({ minute: '2026-03-01T12:29:00.000Z', completed: 0, failed: 1 });
    expect(stats.per_minute[0]).toEqual({ minute: '2026-03-01T11:31:00.000Z', completed: 1, failed: 0 });
    expect(stats.window.truncated).toBe(false);

    const capped = await jobStats(statuses, [], { now: () => now, maxJobs: 2 });
    expect(capped.by_state.total).toBe(2);
    expect(capped.window.truncated).toBe(true);
    await statuses.close();
  });
});
