import { Redis } from 'ioredis';
import { freePort, startProcess, type RunningChild } from './processes.js';

/** A Redis server of one test's own: its command counts (INFO commandstats) are that test's alone. */
export interface PrivateRedis {
  url: string;
  /** A plain client of it, for looking at what reached it. */
  client: Redis;
  /** Calls of one command since the server started or since `resetCounts`. */
  calls(command: string): Promise<number>;
  resetCounts(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `redis-server` (Debian's `redis-server` package) on a free port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: RunningChild;
  try {
    server = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  } catch (error) {
    throw new Error('a private Redis needs redis-server on PATH (Debian package redis-server)', { cause: error });
  }
  await server.waitForLine(/Ready to accept connections/, 20_000).catch((error: unknown) => {
    throw new Error(`the private redis-server on port ${port} did not start: ${server.stderr.join('\n')}`, { cause: error });
  });
  const client = new Redis(port, '127.0.0.1');
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    async calls(command) {
      const info = await client.info('commandstats');
      return Number(new RegExp(`^cmdstat_${command.toLowerCase()}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    },
    async resetCounts() {
      await client.config('RESETSTAT');
    },
    async close() {
      client.disconnect();
      await server.stop('SIGTERM');
    },
  };
}
