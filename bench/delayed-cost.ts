/**
 * What a delayed job costs in MongoDB, where it waits: the stored bytes per held job (collStats
 * after holding `--jobs` weather jobs), the latency of the hold a delayed submit adds, and the
 * hand-over's round trips and time per job when all of them are due at once (claims of
 * `--batch` jobs, then the delete of the handed-over ones; publishing is not counted). On the
 * server of MONGODB_URI, in a database of its own, dropped after.
 * `npx tsx bench/delayed-cost.ts [--jobs 2000] [--batch 1000]`
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { encodeJobRecord } from '../core/domain/index.js';
import { DELAYED_JOBS_COLLECTION, MongoDelayedJobStore } from '../adapters/mongodb/index.js';
import { SCHEMA_VERSION, type JobMessage } from '../contracts/index.js';
import { WEATHER_PAYLOAD } from './lib/job-body.js';
import { MONGODB_URI } from './lib/dtq-stack.js';
import { percentiles, round } from './lib/stats.js';

const { values: args } = parseArgs({ options: { jobs: { type: 'string', default: '2000' }, batch: { type: 'string', default: '1000' } } });
const jobs = Number(args.jobs);
const batch = Number(args.batch);
const database = `delayed_cost_${randomBytes(3).toString('hex')}`;
const client = new MongoClient(MONGODB_URI);
const store = new MongoDelayedJobStore({ client, database, logger: pino({ level: 'silent' }) });

try {
  await store.init();
  const runAt = new Date(Date.now() + 60_000).toISOString();
  const took = new Float64Array(jobs);
  for (let i = 0; i < jobs; i++) {
    const message = { schema_version: SCHEMA_VERSION, job_id: randomUUID(), job_type: 'weather', submitted_at: new Date().toISOString(), trace_id: randomUUID(), payload: WEATHER_PAYLOAD } as JobMessage;
    const started = performance.now();
    await store.hold({ job_id: message.job_id, run_at: runAt, record: encodeJobRecord(message, 'jobs.%s.v1', { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` }) });
    took[i] = performance.now() - started;
  }
  const stats = (await client.db(database).command({ collStats: DELAYED_JOBS_COLLECTION })) as { size?: number; count?: number; avgObjSize?: number; totalIndexSize?: number; storageSize?: number };
  const hold = percentiles(took);

  const handStarted = performance.now();
  let claims = 0;
  for (;;) {
    const claimed = await store.claimDue({ now: new Date(Date.parse(runAt) + 1), holder: 'cost', leaseMs: 60_000, limit: batch });
    if (claimed.length === 0) break;
    claims++;
    await store.handedOver(claimed);
  }
  const handSeconds = (performance.now() - handStarted) / 1000;
  console.log(
    JSON.stringify(
      {
        server: new URL(MONGODB_URI).host,
        jobs,
        batch,
        bytesPerJob: stats.avgObjSize ?? (stats.size && stats.count ? round(stats.size / stats.count, 0) : undefined),
        indexBytesPerJob: stats.totalIndexSize !== undefined ? round(stats.totalIndexSize / jobs, 0) : undefined,
        holdMs: { p50: round(hold.p50, 2), p99: round(hold.p99, 2) },
        // Per batch: four round trips to claim (lapsed markers, live markers, due jobs, insert) and two to mark it handed over.
        handOver: { claims, roundTripsPerJob: round((claims * 6) / jobs, 4), msPerJob: round((handSeconds * 1000) / jobs, 3), seconds: round(handSeconds, 2) },
        left: await store.count(),
      },
      null,
      2,
    ),
  );
} finally {
  await client.db(database).dropDatabase().catch(() => undefined);
  await client.close();
}
