/**
 * A worker that stalls past its session timeout (SIGSTOP, as a long GC pause or a frozen VM
 * would) while it holds jobs: the broker evicts it, the other member takes its partitions and
 * completes its jobs; resumed (SIGCONT), the stalled worker finds the group has moved on, must
 * rejoin by itself and consume again, and no job ends with two result documents. API and workers
 * are separate built processes on the shared Kafka, Redis, RabbitMQ and MongoDB servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http-client.js';
import { jobsLogged, jobsRunning, jobsSettled, metricValue, startJobStack, waitForJobsInFlight, type JobStack, type StackWorker } from '../support/job-stack.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_TIMEOUT_MS = 6_000;

describe('a worker stalled past its Kafka session timeout', () => {
  let stack: JobStack;

  beforeAll(async () => {
    stack = await startJobStack({ name: 'dtq-stall', providerDelayMs: 800, sessionTimeoutMs: SESSION_TIMEOUT_MS, concurrency: 6 });
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  const joins = (worker: StackWorker) => worker.process.lines.filter((line) => line.includes('joined the consumer group')).length;

  it('is evicted, its jobs complete elsewhere, and once resumed it rejoins and consumes again', async () => {
    const stalled = await stack.startWorker('stalled');
    const other = await stack.startWorker('other');
    // Both members own partitions before the first job arrives.
    await stack.waitForGroup(2);

    const before = await stack.submit(12, 'Before');
    await waitForJobsInFlight(stalled);
    stalled.process.child.kill('SIGSTOP');

    // Its session expires; the other member takes its partitions, and with them the held jobs.
    await stack.expectAllCompletedOnce(before, 60_000);
    const resumedAt = Date.now();
    const joinsBeforeResume = joins(stalled);
    stalled.process.child.kill('SIGCONT');
    // Held: started and not settled while it ran; nothing it logged before the resume is later than the stop.
    const held = jobsRunning(stalled, resumedAt);
    expect(held.length, 'jobs the stalled worker held').toBeGreaterThan(0);
    const settledByOther = jobsSettled(other);
    for (const id of held) expect(settledByOther.has(id), `job ${id} held by the stalled worker`).toBe(true);

    // Its handlers finish and try to commit for a member the coordinator has forgotten.
    const rejoined = await waitFor(
      async () => {
        if (joins(stalled) > joinsBeforeResume) return 'rejoined';
        if (stalled.process.lines.some((line) => line.includes('will not restart'))) {
          // Stopped for good: then at least liveness must say so, or nothing ever restarts it.
          return `stopped consuming for good; /healthz ${(await request(`${stalled.base}/healthz`)).status}`;
        }
        return undefined;
      },
      { timeoutMs: 45_000, intervalMs: 100, what: 'the resumed worker to rejoin the group' },
    );
    expect(rejoined).toBe('rejoined');
    expect((await request(`${stalled.base}/healthz`)).status).toBe(200);
    await waitFor(async () => ((await request(`${stalled.base}/readyz`)).status === 200 ? true : undefined), { timeoutMs: 20_000, what: '/readyz of the resumed worker' });
    expect(await metricValue(stalled, 'dtq_worker_ready')).toBe(1);

    const after = await stack.submit(12, 'After');
    await stack.expectAllCompletedOnce([...before, ...after], 60_000);
    const resumedDid = [...jobsLogged(stalled, 'job finished')].filter((id) => after.includes(id));
    expect(resumedDid.length, 'jobs submitted after the resume that the resumed worker ran').toBeGreaterThan(0);
  }, 180_000);
});
