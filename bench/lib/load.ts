import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * autocannon against one URL. Its latency histogram has 1 ms resolution. A warm-up of
 * `warmupSeconds` is run first and thrown away.
 */
export async function loadTest(options: {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Called between warm-up and measurement; what its meter counts comes back as `cpu`. */
  onMeasureStart: () => { stop(): Record<string, number> };
}): Promise<{ result: LoadResult; cpu: Record<string, number> }> {
  const run = (duration: number) =>
    autocannon({
      url: options.url,
      method: options.method,
      connections: options.connections,
      duration,
      ...(options.body === undefined ? {} : { body: options.body, headers: { 'content-type': 'application/json' } }),
    });
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  const meter = options.onMeasureStart();
  const result = await run(options.durationSeconds);
  const cpu = meter.stop();
  const summary: LoadResult = {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  return { result: summary, cpu };
}
