/**
 * The Kafka broker itself dies mid-flow (kill -9, jobs in flight) and comes back on the same data
 * directory: a broker of the test's own, so the shared one is never disturbed. Submits during the
 * outage answer 503 and the client retries them with the same Idempotency-Key; the worker's
 * uncommitted jobs come again after the restart. Every accepted job ends completed with exactly
 * one result document. API and worker are separate built processes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobStack, waitForJobsInFlight, type JobStack } from '../support/job-stack.js';
import { REPO_ROOT, freePort } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

const BROKER_SCRIPT = join(REPO_ROOT, 'scripts/services/kafka/broker.sh');
const run = promisify(execFile);

describe('the Kafka broker killed and restarted mid-flow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtq-kafka-restart-'));
  let ports: [number, number];
  let stack: JobStack;

  const startBroker = () =>
    run('bash', [BROKER_SCRIPT, 'start', String(ports[0]), String(ports[1]), dir], { timeout: 120_000, env: { ...process.env, DTQ_KAFKA_HEAP: '256m' } }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`the private Kafka broker did not start: ${error.stderr ?? error.message} (see ${dir}/server.log)`);
    });
  const brokerPid = () => Number(readFileSync(join(dir, 'broker.pid'), 'utf8').trim());
  const running = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    ports = [await freePort(), await freePort()];
    await startBroker();
    stack = await startJobStack({ name: 'dtq-broker-restart', brokers: [`127.0.0.1:${ports[0]}`], providerDelayMs: 500, concurrency: 6 });
  }, 180_000);

  afterAll(async () => {
    try {
      await stack?.close();
    } finally {
      // Its state is thrown away, so no controlled shutdown is needed.
      if (existsSync(join(dir, 'broker.pid'))) {
        const pid = brokerPid();
        if (running(pid)) process.kill(pid, 'SIGKILL');
        await waitFor(() => (running(pid) ? undefined : true), { timeoutMs: 10_000, what: 'the private broker to exit' });
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('completes every accepted job once, including those retried through the outage', async () => {
    const worker = await stack.startWorker('worker');
    const before = await stack.submit(16, 'Before');
    await waitForJobsInFlight(worker);

    const pid = brokerPid();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => (running(pid) ? undefined : true), { timeoutMs: 10_000, what: 'the broker process to die' });

    // Clients keep submitting through the outage; each retries with its own key until accepted.
    const refusedOnce = new Set<number>();
    const submitters = Array.from({ length: 4 }, (_, i) => stack.submitUntilAccepted(`Outage ${i}`, 150_000, () => refusedOnce.add(i)));
    await waitFor(() => (refusedOnce.size === submitters.length ? true : undefined), { timeoutMs: 90_000, intervalMs: 100, what: 'every outage submit refused once' });

    await startBroker();
    const during = await Promise.all(submitters);
    for (const { refused } of during) expect(new Set(refused)).toEqual(new Set([503]));
    await stack.expectAllCompletedOnce([...before, ...during.map((s) => s.jobId)], 120_000);
  }, 300_000);
});
