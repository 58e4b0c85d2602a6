import { Redis } from 'ioredis';
import { cpuMeter } from '../lib/cpu.js';
import { REDIS_URL } from '../lib/dtq-stack.js';
import { httpClient } from '../lib/http.js';
import { openLoop } from '../lib/open-loop.js';
import { percentiles, round } from '../lib/stats.js';

export interface LatencySummary {
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
  failures: number;
}

export interface StatusLatencyResult {
  ratePerSecond: number;
  /** GET /v1/jobs/{id}/status: HTTP → API → RabbitMQ request-reply → worker → Redis and back. */
  rpc: LatencySummary;
  /** HGETALL of the same hashes from one Redis connection at the same rate: the floor. */
  redis: LatencySummary;
  /** rpc p99 over redis p99. */
  p99Ratio: number;
  /** CPU time per status request of each process during the RPC measurement, in microseconds. */
  rpcCpuMicrosPerRequest: Record<string, number>;
}

function summarize(run: { latenciesMs: Float64Array; wallMs: number; failures: number }): LatencySummary {
  const p = percentiles(run.latenciesMs);
  return {
    requests: run.latenciesMs.length,
    p50Ms: round(p.p50, 3),
    p90Ms: round(p.p90, 3),
    p99Ms: round(p.p99, 3),
    maxMs: round(p.max, 3),
    perSecond: round(run.latenciesMs.length / (run.wallMs / 1000), 0),
    failures: run.failures,
  };
}

/**
 * Status questions over stored jobs arriving at a fixed rate (open loop), then HGETALLs of the
 * same hashes at the same rate; each after a warm-up at that rate.
 */
export async function runStatusLatency(options: {
  apiUrl: string;
  jobIds: string[];
  redisKeyPrefix: string;
  ratePerSecond: number;
  requests: number;
  warmupRequests: number;
  /** Processes whose CPU time to count, by label. */
  cpuPids: Record<string, number>;
}): Promise<StatusLatencyResult> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const ids = options.jobIds;
  const key = (index: number) => `${options.redisKeyPrefix}job:${ids[index % ids.length]}:status`;
  // Enough sockets that the client never queues a due request behind a slow one.
  const client = httpClient(options.apiUrl, 512);
  try {
    if ((await redis.exists(key(0))) !== 1) throw new Error(`no Redis hash ${key(0)}: the status key prefix does not match the API's`);
    const rpcCall = async (index: number) => {
      const reply = await client.get(`/v1/jobs/${ids[index % ids.length]}/status`);
      if (reply.status !== 200) throw new Error(`status answered ${reply.status}: ${reply.body}`);
    };
    const redisCall = async (index: number) => {
      const hash = await redis.hgetall(key(index));
      if (!hash.state) throw new Error(`no status in ${key(index)}`);
    };
    const rate = options.ratePerSecond;
    await openLoop({ ratePerSecond: rate, requests: options.warmupRequests, call: rpcCall });
    const meter = cpuMeter(options.cpuPids);
    const rpc = await openLoop({ ratePerSecond: rate, requests: options.requests, call: rpcCall });
    const cpu = meter.stop();
    if (rpc.failures > 0) throw new Error(`${rpc.failures} of ${options.requests} status requests failed: ${(rpc.firstFailure as Error).message}`);
    await openLoop({ ratePerSecond: rate, requests: options.warmupRequests, call: redisCall });
    const floor = await openLoop({ ratePerSecond: rate, requests: options.requests, call: redisCall });
    const result: StatusLatencyResult = {
      ratePerSecond: rate,
      rpc: summarize(rpc),
      redis: summarize(floor),
      p99Ratio: 0,
      rpcCpuMicrosPerRequest: Object.fromEntries(Object.entries(cpu).map(([name, seconds]) => [name, round((seconds * 1e6) / options.requests, 0)])),
    };
    result.p99Ratio = round(result.rpc.p99Ms / result.redis.p99Ms, 1);
    process.stdout.write(
      `  status @${rate}/s: rpc p50 ${result.rpc.p50Ms} p99 ${result.rpc.p99Ms} ms; redis p50 ${result.redis.p50Ms} p99 ${result.redis.p99Ms} ms\n`,
    );
    return result;
  } finally {
    client.close();
    await redis.quit();
  }
}
