// What one finished job costs in Redis: runs jobs of every seed type through the API and the
// worker (in this process, statuses and idempotency keys in Redis, the rest in memory), then asks
// Redis for MEMORY USAGE of each job's status hash, its idempotency key and its share of the
// recent-jobs index. `npx tsx bench/redis-footprint.ts [--jobs 400]`; REDIS_URL names the server
// (default redis://127.0.0.1:6379). Every key it makes is under a prefix of its own, deleted at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import { startApiHost } from '../composition/api-host.js';
import { buildApi } from '../composition/build-api.js';
import { buildWorker } from '../composition/build-worker.js';
import { createAdapters } from '../composition/create-adapters.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const jobsArg = process.argv.indexOf('--jobs');
const JOBS = jobsArg > 0 ? Number(process.argv[jobsArg + 1]) : 400;

/** One body per seed type, with inputs of a typical length. */
const BODIES = [
  { job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'metric' } },
  { job_type: 'quote', payload: { tag: 'wisdom' } },
  { job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: 100 } },
  { job_type: 'github_user', payload: { username: 'octocat' } },
];

async function main(): Promise<void> {
  // Short, as deployments' prefixes are (the default is none): every key's name counts in its bytes.
  const prefix = `fp${randomBytes(3).toString('hex')}:`;
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SIMULATED_PROVIDER_DELAY_MS: '0', REDIS_URL, REDIS_KEY_PREFIX: prefix });
  const logger = pino({ level: 'silent' });
  const adapters = createAdapters(config, logger);
  await adapters.init();
  const api = buildApi({ config, adapters, logger });
  const worker = buildWorker({ config, adapters, logger, healthPort: null });
  const host = await startApiHost({ config, logger, adapters, api, worker, host: '127.0.0.1' });
  const redis = new Redis(REDIS_URL);
  try {
    const base = `http://127.0.0.1:${host.port}`;
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const response = await fetch(`${base}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(BODIES[i % BODIES.length]),
      });
      if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
      jobIds.push(((await response.json()) as { job_id: string }).job_id);
    }
    const deadline = Date.now() + 120_000;
    for (const jobId of jobIds) {
      for (;;) {
        const state = await redis.hget(`${prefix}job:${jobId}:status`, 'state');
        if (state === 'completed' || state === 'failed') break;
        if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const statusBytes = await Promise.all(jobIds.map((id) => redis.memory('USAGE', `${prefix}job:${id}:status`, 'SAMPLES', 0)));
    const idempotencyKeys = await scan(redis, `${prefix}idempotency:*`);
    const idempotencyBytes = await Promise.all(idempotencyKeys.map((key) => redis.memory('USAGE', key, 'SAMPLES', 0)));
    const indexBytes = Number(await redis.memory('USAGE', `${prefix}jobs:recent`, 'SAMPLES', 0));
    const sample = await redis.hgetall(`${prefix}job:${jobIds[0]}:status`);
    const mean = (values: Array<number | null>) => Math.round(values.reduce<number>((sum, v) => sum + Number(v ?? 0), 0) / values.length);
    const perJob = {
      status_hash: mean(statusBytes),
      idempotency_key: mean(idempotencyBytes),
      index_entry: Math.round(indexBytes / jobIds.length),
    };
    const fields = Object.entries(sample).map(([field, value]) => ({ field, bytes: field.length + Buffer.byteLength(value) }));
    console.log(
      JSON.stringify(
        {
          jobs: jobIds.length,
          key_prefix_bytes: prefix.length,
          bytes_per_job: {
            ...perJob,
            without_idempotency_key: perJob.status_hash + perJob.index_entry,
            with_idempotency_key: perJob.status_hash + perJob.idempotency_key + perJob.index_entry,
          },
          hash_fields: fields.length,
          hash_field_bytes: fields.reduce((sum, f) => sum + f.bytes, 0),
          fields,
          ttl_seconds: await redis.ttl(`${prefix}job:${jobIds[0]}:status`),
        },
        null,
        2,
      ),
    );
  } finally {
    await host.close();
    const keys = await scan(redis, `${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
  }
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

await main();
