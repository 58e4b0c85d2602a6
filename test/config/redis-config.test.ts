import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { createStatusStores } from '../../composition/create-status-stores.js';
import { deleteRedisClusterKeys, TEST_REDIS_CLUSTER_URL } from '../support/redis-cluster.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { configProblems } from '../support/config-problems.js';

const problems = configProblems;

describe('Redis cluster configuration', () => {
  it('reads REDIS_CLUSTER as a flag, off unless set', () => {
    expect(loadConfig({}).REDIS_CLUSTER).toBe(false);
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@cache.example:10000', REDIS_CLUSTER: 'true' }).REDIS_CLUSTER).toBe(true);
  });

  it('stops on a bad value, naming the variable', () => {
    expect(problems({ REDIS_URL: 'redis://127.0.0.1:7001', REDIS_CLUSTER: 'cluster' }).map((p) => p.variable)).toEqual(['REDIS_CLUSTER']);
    expect(problems({ REDIS_CLUSTER: 'true' })).toEqual([{ variable: 'REDIS_CLUSTER', message: 'needs REDIS_URL (one node of the cluster)' }]);
    expect(problems({ REDIS_URL: 'redis://127.0.0.1:7001/2', REDIS_CLUSTER: 'true' }).map((p) => p.variable)).toEqual(['REDIS_URL']);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:7001/0', REDIS_CLUSTER: 'yes' }).REDIS_CLUSTER).toBe(true);
  });

  it('gives the app cluster-aware stores and a readiness check that the cluster passes', async () => {
    const keyPrefix = `${uniqueName('dtq-config')}:`;
    const stores = createStatusStores(loadConfig({ REDIS_URL: TEST_REDIS_CLUSTER_URL, REDIS_CLUSTER: 'true', REDIS_KEY_PREFIX: keyPrefix }), testLogger());
    try {
      const jobId = randomUUID();
      const now = new Date().toISOString();
      await stores.statuses.write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: now, submitted_at: now, job_type: 'quote' });
      expect(await stores.statuses.get(jobId)).toMatchObject({ state: 'queued', job_type: 'quote' });
      expect((await stores.statuses.listRecent({ limit: 5 })).items.map((item) => item.job_id)).toEqual([jobId]);
      expect(await stores.idempotency.claim('k', { job_id: jobId, fingerprint: 'f', trace_id: randomUUID(), submitted_at: now }, 60)).toEqual({ claimed: true });
      for (const check of stores.readiness) await check.check();
      expect(stores.readiness.map((check) => check.name)).toEqual(['redis']);
    } finally {
      await stores.close();
      await deleteRedisClusterKeys(keyPrefix);
    }
  });
});
