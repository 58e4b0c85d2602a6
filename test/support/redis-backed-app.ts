import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from './embedded-app.js';
import { TEST_REDIS_URL, deleteRedisKeys } from './services.js';
import { uniqueName } from './unique.js';

export interface RedisBackedApp {
  app: EmbeddedApp;
  /** A raw client on the same Redis, to read what the app wrote. */
  redis: Redis;
  /** The app's REDIS_KEY_PREFIX, its own. */
  prefix: string;
  /** Stops the app and deletes every key under its prefix. */
  close(): Promise<void>;
}

/** The embedded app with statuses and idempotency keys in the test Redis, under a prefix of its own. */
export async function startRedisBackedApp(name: string, env: Record<string, string> = {}): Promise<RedisBackedApp> {
  const prefix = `${uniqueName(name)}:`;
  const app = await startEmbeddedApp({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env });
  const redis = new Redis(TEST_REDIS_URL);
  return {
    app,
    redis,
    prefix,
    async close() {
      await app.close();
      redis.disconnect();
      await deleteRedisKeys(prefix);
    },
  };
}

/**
 * Starts one for the enclosing describe block (beforeAll) and closes it after (afterAll); the
 * returned object is filled in once it runs.
 */
export function useRedisBackedApp(name: string, env: Record<string, string> = {}): RedisBackedApp {
  const running = {} as RedisBackedApp;
  beforeAll(async () => {
    Object.assign(running, await startRedisBackedApp(name, env));
  });
  afterAll(() => running.close?.());
  return running;
}
