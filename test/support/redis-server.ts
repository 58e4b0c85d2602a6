import { Redis } from 'ioredis';
import { freePort, startProcess, type RunningChild } from './processes.js';
import { waitFor } from './wait-for.js';

export interface PrivateRedis {
  readonly url: string;
  /** SIGKILL, then a new server on the same port: without persistence it starts empty. */
  restartEmpty(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A redis-server of this test's own on a free port, with no persistence (`--save ''`,
 * `--appendonly no`), so killing and restarting it loses every key, as a cache restarted without
 * persistence does. Never the shared server, which other suites use.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: RunningChild;
  const start = async () => {
    server = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning']);
    await waitFor(() => ping(url), { timeoutMs: 10_000, what: `redis-server on port ${port} (is Debian's redis-server installed?)` });
  };
  await start();
  return {
    url,
    async restartEmpty() {
      await server.stop('SIGKILL');
      await start();
    },
    async close() {
      await server.stop('SIGKILL');
    },
  };
}

async function ping(url: string): Promise<true | undefined> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused while the server starts: the probe answers undefined
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? true : undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}
