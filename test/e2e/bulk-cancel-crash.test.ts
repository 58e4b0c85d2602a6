/**
 * A bulk cancel by filter whose API is killed (SIGKILL) in the middle: every job is left either
 * cancelled or untouched, the operation shows interrupted, and after a rerun of the request (the
 * same operation, by its Idempotency-Key) and a resume on a new API process every matching job
 * has been reached exactly once. Built API processes on the real servers, no worker, so the
 * jobs wait queued.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkOperationResponseSchema, IDEMPOTENCY_KEY_HEADER, type BulkOperationResponse } from '../../contracts/index.js';
import { postJson, request, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { TEST_REDIS_URL } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const API_KEY = `bulk-crash-key-${randomUUID()}`;
const BATCHES = 3;
const BATCH_SIZE = 1_000;

describe('bulk cancel by filter through an API SIGKILL, a rerun and a resume', () => {
  const services = servicesMode('dtq-bulk-crash');
  let redis: Redis;
  let api: { process: RunningChild; base: string } | undefined;
  const startApi = async () => {
    const port = await freePort();
    const child = startNode(API_ENTRY, {
      ...services.env,
      PORT: String(port),
      SERVE_WEB: 'false',
      LOG_LEVEL: 'info',
      API_KEYS: API_KEY,
      API_RATE_LIMIT_PER_MINUTE: '0',
      BULK_OPERATION_STALE_MS: '2000',
    });
    await child.waitForLine(/dtq API ready/, 60_000);
    return { process: child, base: `http://127.0.0.1:${port}` };
  };
  const auth = { 'x-api-key': API_KEY };
  const operation = async (id: string, query = ''): Promise<BulkOperationResponse> =>
    BulkOperationResponseSchema.parse((await request(`${api!.base}/v1/bulk/${id}${query}`, { headers: auth })).body);
  const allItems = async (id: string) => {
    const items: BulkOperationResponse['items'] = [];
    let cursor: string | null = null;
    do {
      const page = await operation(id, `?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  };
  const statusOf = (jobId: string) => redis.hgetall(`${services.env.REDIS_KEY_PREFIX}job:${jobId}:status`);

  beforeAll(async () => {
    if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run npm run build:server first (npm test does)`);
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    api = await startApi();
  }, 90_000);
  afterAll(async () => {
    await api?.process.stop('SIGKILL');
    redis?.disconnect();
    await services.cleanup();
  }, 60_000);

  it('leaves each job cancelled or untouched, shows the operation interrupted, and reaches every job once after the rerun', async () => {
    const from = new Date().toISOString();
    const jobIds: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const response = await postJson(`${api!.base}/v1/jobs/batch`, { jobs: Array.from({ length: BATCH_SIZE }, (_, i) => weatherJob(`Crash ${b}-${i}`)) }, auth);
      expect(response.status).toBe(202);
      expect(response.body.accepted).toBe(BATCH_SIZE);
      jobIds.push(...(response.body.items as Array<{ job_id: string }>).map((item) => item.job_id));
    }
    const body = { filter: { job_type: 'weather', state: 'queued', submitted_after: from } };
    const key = { ...auth, [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const started = await postJson(`${api!.base}/v1/bulk/cancel`, body, key);
    expect(started.status).toBe(202);
    const operationId = started.body.operation_id as string;
    expect(started.body.matched).toBe(jobIds.length);

    // The crash point: some jobs done, others not.
    const before = await waitFor(
      async () => {
        const seen = await operation(operationId, '?limit=1');
        if (seen.state === 'finished') throw new Error('the operation finished before the API could be killed');
        return seen.done > 0 ? seen : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 10, what: 'the bulk cancel to be under way' },
    );
    await api!.process.stop('SIGKILL');
    expect(before.done).toBeLessThan(jobIds.length);

    // Each job either cancelled or untouched, nothing in between.
    const states = await Promise.all(jobIds.map(statusOf));
    const cancelledAtKill = states.filter((s) => s.state === 'failed').length;
    for (const status of states) {
      if (status.state === 'failed') expect(status).toMatchObject({ error_code: 'CANCELLED', message: 'cancelled' });
      else expect(status.state).toBe('queued');
      if (status.state === 'queued') expect(status.cancel_requested_at).toBeUndefined();
    }
    expect(cancelledAtKill).toBeGreaterThanOrEqual(before.done);
    expect(cancelledAtKill).toBeLessThan(jobIds.length);

    api = await startApi();
    const interrupted = await waitFor(
      async () => {
        const seen = await operation(operationId, '?limit=1');
        return seen.state === 'interrupted' ? seen : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the operation to show interrupted' },
    );
    expect(interrupted.done).toBeLessThan(interrupted.total);
    expect(interrupted.total).toBe(jobIds.length);

    // The rerun: the same request, the same key: the same operation, still to be resumed.
    const rerun = await postJson(`${api!.base}/v1/bulk/cancel`, body, key);
    expect(rerun.status).toBe(202);
    expect(rerun.body).toMatchObject({ operation_id: operationId, state: 'interrupted', matched: jobIds.length });
    const resumed = await postJson(`${api!.base}/v1/bulk/${operationId}/resume`, {}, auth);
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ operation_id: operationId, resumed: true });
    const again = await postJson(`${api!.base}/v1/bulk/${operationId}/resume`, {}, auth);
    expect(again.body).toMatchObject({ resumed: false, state: 'running' });

    const finished = await waitFor(
      async () => {
        const seen = await operation(operationId, '?limit=1');
        return seen.state === 'finished' ? seen : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'the resumed operation to finish' },
    );
    expect(finished).toMatchObject({ done: jobIds.length, total: jobIds.length });
    const items = await allItems(operationId);
    expect(items.map((item) => item.job_id).sort()).toEqual([...jobIds].sort());
    // Acted on at most once more than recorded: only those in hand when the API died.
    expect((finished.outcomes.cancelled ?? 0) + (finished.outcomes.already_cancelled ?? 0)).toBe(jobIds.length);
    expect(finished.outcomes.already_cancelled ?? 0).toBeLessThanOrEqual(cancelledAtKill - before.done + 8);
    const after = await Promise.all(jobIds.map(statusOf));
    expect(after.every((s) => s.state === 'failed' && s.error_code === 'CANCELLED')).toBe(true);

    // Who asked is logged by a key id, never the key.
    const lines = [...api!.process.lines].map((line) => JSON.parse(line) as { msg?: string; requested_by?: string });
    const resumeLine = lines.find((line) => line.msg === 'bulk operation resumed');
    expect(resumeLine?.requested_by).toMatch(/^key:[0-9a-f]{12}$/);
    expect(api!.process.lines.join('\n')).not.toContain(API_KEY);
  }, 300_000);
});
