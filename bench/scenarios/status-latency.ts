import { Redis } from 'ioredis';
import { cpuMeter } from '../lib/cpu.js';
import { REDIS_URL } from '../lib/dtq-stack.js';
import { httpClient, measureLatencies } from '../lib/http.js';
import { percentiles, round } from '../lib/stats.js';

export interface LatencySummary {
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
}

export interface StatusLatencyLevel {
  concurrency: number;
  /** GET /v1/jobs/{id}/status: HTTP → API → RabbitMQ request-reply → worker → Redis and back. */
  rpc: LatencySummary;
  /** HGETALL of the same hashes from one Redis connection: the floor. */
  redis: LatencySummary;
  /** rpc p99 over redis p99. */
  p99Ratio: number;
  /** CPU time per status request of each process during the RPC measurement, in microseconds. */
  rpcCpuMicrosPerRequest: Record<string, number>;
}

function summarize(latencies: Float64Array, wallMs: number): LatencySummary {
  const p = percentiles(latencies);
  return {
    requests: latencies.length,
    p50Ms: round(p.p50, 3),
    p90Ms: round(p.p90, 3),
    p99Ms: round(p.p99, 3),
    maxMs: round(p.max, 3),
    perSecond: round(latencies.length / (wallMs / 1000), 0),
  };
}

/**
 * Closed-loop callers, `concurrency` at a time, each asking for the status of stored jobs in
 * turn; then the same count of direct HGETALLs at the same concurrency.
 */
export async function runStatusLatency(options: {
  apiUrl: string;
  jobIds: string[];
  redisKeyPrefix: string;
  levels: number[];
  requests: number;
  warmupRequests: number;
  /** Processes whose CPU time to count, by label. */
  cpuPids: Record<string, number>;
}): Promise<StatusLatencyLevel[]> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const ids = options.jobIds;
  const key = (index: number) => `${options.redisKeyPrefix}job:${ids[index % ids.length]}:status`;
  if ((await redis.exists(key(0))) !== 1) {
    await redis.quit();
    throw new Error(`no Redis hash ${key(0)}: the status key prefix does not match the API's`);
  }
  const levels: StatusLatencyLevel[] = [];
  try {
    for (const concurrency of options.levels) {
      const client = httpClient(options.apiUrl, concurrency);
      const rpcCall = async (index: number) => {
        const reply = await client.get(`/v1/jobs/${ids[index % ids.length]}/status`);
        if (reply.status !== 200) throw new Error(`status answered ${reply.status}: ${reply.body}`);
      };
      const redisCall = async (index: number) => {
        const hash = await redis.hgetall(key(index));
        if (!hash.state) throw new Error(`no status in ${key(index)}`);
      };
      await measureLatencies({ requests: options.warmupRequests, concurrency, call: rpcCall });
      const meter = cpuMeter(options.cpuPids);
      const rpc = await measureLatencies({ requests: options.requests, concurrency, call: rpcCall });
      const cpu = meter.stop();
      client.close();
      await measureLatencies({ requests: options.warmupRequests, concurrency, call: redisCall });
      const floor = await measureLatencies({ requests: options.requests, concurrency, call: redisCall });
      const level = {
        concurrency,
        rpc: summarize(rpc.latenciesMs, rpc.wallMs),
        redis: summarize(floor.latenciesMs, floor.wallMs),
        p99Ratio: 0,
        rpcCpuMicrosPerRequest: Object.fromEntries(
          Object.entries(cpu).map(([name, seconds]) => [name, round((seconds * 1e6) / options.requests, 0)]),
        ),
      };
      level.p99Ratio = round(level.rpc.p99Ms / level.redis.p99Ms, 1);
      levels.push(level);
      process.stdout.write(
        `  status @${concurrency}: rpc p50 ${level.rpc.p50Ms} p99 ${level.rpc.p99Ms} ms (${level.rpc.perSecond}/s); redis p50 ${level.redis.p50Ms} p99 ${level.redis.p99Ms} ms\n`,
      );
    }
  } finally {
    await redis.quit();
  }
  return levels;
}
