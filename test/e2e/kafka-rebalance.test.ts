/**
 * A consumer group rebalancing while handlers run: three workers share the job topics, one is
 * killed (SIGKILL) with jobs provably in flight, a fourth joins later. The survivors' commits
 * meet a new generation mid-job and must rejoin, the killed member's uncommitted jobs run again
 * elsewhere, and every job ends completed with exactly one result document. API and workers are
 * separate built processes on the shared Kafka, Redis, RabbitMQ and MongoDB servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http-client.js';
import { jobsRunning, jobsSettled, startJobStack, waitForJobsInFlight, type JobStack, type StackWorker } from '../support/job-stack.js';
import { waitFor } from '../support/wait-for.js';

describe('a Kafka rebalance while handlers are running', () => {
  let stack: JobStack;

  beforeAll(async () => {
    stack = await startJobStack({ name: 'dtq-rebalance', providerDelayMs: 500, concurrency: 6 });
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  const assigned = (worker: StackWorker) =>
    worker.process.lines.some((line) => line.includes('joined the consumer group') && /jobs\.weather\.[^"]+":\[\d/.test(line));

  it('loses no job and runs none twice when a member is killed mid-job and another joins', async () => {
    const [first, victim, third] = await Promise.all(['first', 'victim', 'third'].map((name) => stack.startWorker(name)));
    await stack.waitForGroup(3);

    const ids = await stack.submit(40, 'Rebalance');
    await waitForJobsInFlight(victim!);
    expect(await victim!.process.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    const late = await stack.startWorker('late');

    await stack.expectAllCompletedOnce(ids, 90_000);
    const survivors = [first!, third!, late];
    // Read once the log is complete: the jobs the victim started and never settled.
    const interrupted = jobsRunning(victim!);
    expect(interrupted.length, 'jobs the killed worker had in flight').toBeGreaterThan(0);
    const redone = new Set(survivors.flatMap((w) => [...jobsSettled(w)]));
    for (const id of interrupted) expect(redone.has(id), `job ${id} interrupted by SIGKILL`).toBe(true);
    await waitFor(() => (assigned(late) ? true : undefined), { timeoutMs: 30_000, what: 'the late worker to be assigned partitions' });

    // Every survivor is still a consuming member: none crashed for good on a stale commit.
    await stack.waitForGroup(3);
    for (const worker of survivors) {
      expect(worker.process.lines.filter((line) => line.includes('will not restart')), worker.name).toEqual([]);
      expect((await request(`${worker.base}/readyz`)).status, worker.name).toBe(200);
    }
  }, 180_000);
});
