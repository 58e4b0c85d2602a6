import { Agent, request } from 'node:http';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A keep-alive HTTP client for one base URL, with at most `maxSockets` connections. */
export function httpClient(baseUrl: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const base = new URL(baseUrl);
  function send(method: string, path: string, body?: string): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: string) => send('POST', path, body),
    close: () => agent.destroy(),
  };
}
export type HttpClient = ReturnType<typeof httpClient>;

/** Runs `task(0..total-1)` with at most `concurrency` running at once; the first failure stops it. */
export async function runBounded(total: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async () => {
    while (failed === undefined && next < total) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  if (failed !== undefined) throw failed;
}

/**
 * Closed-loop latency: `concurrency` callers each issue `call` back to back until `requests`
 * calls are done. Answers each call's latency in milliseconds, and the wall time.
 */
export async function measureLatencies(options: {
  requests: number;
  concurrency: number;
  call: (index: number) => Promise<void>;
}): Promise<{ latenciesMs: Float64Array; wallMs: number }> {
  const latencies = new Float64Array(options.requests);
  const started = performance.now();
  await runBounded(options.requests, options.concurrency, async (index) => {
    const t0 = performance.now();
    await options.call(index);
    latencies[index] = performance.now() - t0;
  });
  return { latenciesMs: latencies, wallMs: performance.now() - started };
}
