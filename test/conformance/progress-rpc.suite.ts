import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import type { ProgressAnyReply } from '../../contracts/index.js';
import { StatusTimeoutError } from '../../core/errors/index.js';
import type { ProgressClient, ProgressRequestHandler, ProgressResponder } from '../../core/ports/index.js';

export interface ProgressRpcFixture {
  client(options?: { timeoutMs?: number }): Promise<ProgressClient>;
  responder(handler: ProgressRequestHandler): Promise<ProgressResponder>;
  cleanup(): Promise<void>;
}

const reply = (jobId: string, progress: number): ProgressAnyReply => ({
  job_id: jobId,
  state: 'running',
  progress_percent: progress,
  message: `at ${progress}`,
  timestamp: new Date().toISOString(),
});

/** The progress-RPC port's guarantees; every adapter runs this suite. */
export function describeProgressRpcConformance(adapter: string, create: () => Promise<ProgressRpcFixture>): void {
  describe(`progress RPC conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function setup() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture;
    }

    it('answers a request with the responder reply for that job', async () => {
      const rpc = await setup();
      const responder = await rpc.responder(async (request) => reply(request.job_id, 50));
      await responder.start();
      const client = await rpc.client();
      const jobId = randomUUID();
      expect(await client.request(jobId)).toMatchObject({ job_id: jobId, state: 'running', progress_percent: 50 });
    });

    it('passes error replies such as not-found through', async () => {
      const rpc = await setup();
      const responder = await rpc.responder(async (request) => ({
        job_id: request.job_id,
        error: { code: 'JOB_NOT_FOUND', message: 'unknown' },
        timestamp: new Date().toISOString(),
      }));
      await responder.start();
      const client = await rpc.client();
      const jobId = randomUUID();
      expect(await client.request(jobId)).toMatchObject({ job_id: jobId, error: { code: 'JOB_NOT_FOUND' } });
    });

    it('never crosses replies between 200 concurrent callers asking about 50 jobs', async () => {
      const rpc = await setup();
      const progressOf = new Map<string, number>(Array.from({ length: 50 }, (_, i) => [randomUUID(), i % 101] as const));
      // Replies come back in a shuffled order: slow answers for some jobs, fast for others.
      const responder = await rpc.responder(async (request) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
        return reply(request.job_id, progressOf.get(request.job_id) ?? -1);
      });
      await responder.start();
      const client = await rpc.client({ timeoutMs: 10_000 });
      const jobs = [...progressOf.keys()];
      const asks = Array.from({ length: 200 }, (_, i) => jobs[i % jobs.length]!);
      const answers = await Promise.all(asks.map((jobId) => client.request(jobId)));
      answers.forEach((answer, i) => {
        expect(answer).toMatchObject({ job_id: asks[i], progress_percent: progressOf.get(asks[i]!) });
      });
    });

    it('times out when no responder answers', async () => {
      const rpc = await setup();
      const client = await rpc.client({ timeoutMs: 300 });
      await expect(client.request(randomUUID())).rejects.toBeInstanceOf(StatusTimeoutError);
    });

    it('times out when the responder is too slow, and a late reply does not leak into the next call', async () => {
      const rpc = await setup();
      const slow = randomUUID();
      const responder = await rpc.responder(async (request) => {
        if (request.job_id === slow) await new Promise((resolve) => setTimeout(resolve, 600));
        return reply(request.job_id, 20);
      });
      await responder.start();
      const client = await rpc.client({ timeoutMs: 200 });
      await expect(client.request(slow)).rejects.toBeInstanceOf(StatusTimeoutError);
      const fast = randomUUID();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await client.request(fast, { timeoutMs: 2_000 })).toMatchObject({ job_id: fast });
    });

    it('stops answering once the responder is closed', async () => {
      const rpc = await setup();
      const responder = await rpc.responder(async (request) => reply(request.job_id, 80));
      await responder.start();
      const client = await rpc.client({ timeoutMs: 300 });
      await client.request(randomUUID());
      await responder.close();
      expect(responder.ready()).toBe(false);
      await expect(client.request(randomUUID())).rejects.toBeInstanceOf(StatusTimeoutError);
    });

    it('survives a handler that throws, and keeps answering others', async () => {
      const rpc = await setup();
      const bad = randomUUID();
      const responder = await rpc.responder(async (request) => {
        if (request.job_id === bad) throw new Error('boom');
        return reply(request.job_id, 20);
      });
      await responder.start();
      const client = await rpc.client({ timeoutMs: 300 });
      await expect(client.request(bad)).rejects.toBeInstanceOf(StatusTimeoutError);
      const good = randomUUID();
      expect(await client.request(good, { timeoutMs: 2_000 })).toMatchObject({ job_id: good });
    });
  });
}
