/**
 * What a keyed submit pays for its idempotency key, Redis against MongoDB: the two calls submit
 * makes per key (claim, then mark enqueued), sequentially (latency) and 32 at a time
 * (throughput), alternating rounds in one process on the servers of REDIS_URL and MONGODB_URI.
 * `npx tsx bench/idempotency-cost.ts [--keys 400] [--rounds 3]`
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { MongoIdempotencyStore } from '../adapters/mongodb/index.js';
import { RedisIdempotencyStore } from '../adapters/redis/index.js';
import type { IdempotencyStore } from '../core/ports/index.js';
import { deleteRedisPrefix } from './chaos/outcomes.js';
import { MONGODB_URI, REDIS_URL } from './lib/dtq-stack.js';
import { median, percentiles, round } from './lib/stats.js';

const { values: args } = parseArgs({ options: { keys: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } } });
const keys = Number(args.keys);
const rounds = Number(args.rounds);
const run = `idem-cost-${randomBytes(3).toString('hex')}`;
const logger = pino({ level: 'silent' });

/** One keyed submit's store calls. */
async function keyedSubmit(store: IdempotencyStore, key: string): Promise<void> {
  const jobId = randomUUID();
  const claim = await store.claim(key, { job_id: jobId, fingerprint: 'f', trace_id: randomUUID(), job_type: 'quote', submitted_at: new Date().toISOString() }, 86_400);
  if (!claim.claimed || !(await store.markEnqueued(key, jobId))) throw new Error(`key ${key} was not claimed and marked`);
}

async function sequential(store: IdempotencyStore, tag: string): Promise<{ p50: number; p99: number }> {
  const took = new Float64Array(keys);
  for (let i = 0; i < keys; i++) {
    const started = performance.now();
    await keyedSubmit(store, `${tag}-${i}`);
    took[i] = performance.now() - started;
  }
  const { p50, p99 } = percentiles(took);
  return { p50, p99 };
}

async function concurrent(store: IdempotencyStore, tag: string, inFlight = 32): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < keys) await keyedSubmit(store, `${tag}-${next++}`);
  }));
  return keys / ((performance.now() - started) / 1000);
}

const mongo = new MongoClient(MONGODB_URI);
const stores: Record<string, IdempotencyStore> = {
  redis: new RedisIdempotencyStore({ redis: REDIS_URL, keyPrefix: `${run}:`, logger }),
  mongodb: new MongoIdempotencyStore({ client: mongo, database: run, logger }),
};
const measured: Record<string, { p50: number[]; p99: number[]; perS: number[] }> = { redis: { p50: [], p99: [], perS: [] }, mongodb: { p50: [], p99: [], perS: [] } };
try {
  await (stores.mongodb as MongoIdempotencyStore).init();
  for (const name of Object.keys(stores)) await keyedSubmit(stores[name]!, `warm-${name}`);
  for (let round_ = 0; round_ < rounds; round_++) {
    for (const name of Object.keys(stores)) {
      const latency = await sequential(stores[name]!, `seq-${round_}`);
      measured[name]!.p50.push(latency.p50);
      measured[name]!.p99.push(latency.p99);
      measured[name]!.perS.push(await concurrent(stores[name]!, `par-${round_}`));
    }
  }
  const row = (name: string) => ({ p50: median(measured[name]!.p50), p99: median(measured[name]!.p99), perS: median(measured[name]!.perS) });
  const redis = row('redis');
  const mongodb = row('mongodb');
  console.log(`idempotency cost per keyed submit (claim + mark enqueued), ${keys} keys × ${rounds} rounds, medians`);
  console.log(`store    p50 ms  p99 ms  keyed submits/s at 32 in flight`);
  for (const [name, r] of [['redis', redis], ['mongodb', mongodb]] as const) console.log(`${name.padEnd(8)} ${String(round(r.p50, 2)).padStart(6)}  ${String(round(r.p99, 2)).padStart(6)}  ${round(r.perS, 0)}`);
  console.log(`mongodb / redis: p50 ${round(mongodb.p50 / redis.p50, 1)} ×, p99 ${round(mongodb.p99 / redis.p99, 1)} ×, throughput ${round(mongodb.perS / redis.perS, 2)} ×`);
} finally {
  await Promise.allSettled(Object.values(stores).map((store) => store.close()));
  await mongo.db(run).dropDatabase().catch(() => undefined);
  await mongo.close();
  await deleteRedisPrefix(`${run}:`);
}
