import { MemoryStatusStore } from '../../adapters/memory/index.js';
import { RedisStatusStore } from '../../adapters/redis/index.js';
import type { Logger, StatusStore } from '../../core/ports/index.js';
import { deleteTargetKeys, REDIS_TARGETS } from './redis-cluster.js';
import { uniqueName } from './unique.js';

/** A status store in memory and one on the test Redis under a prefix of its own, each with what removes it. */
export function statusStoreTargets(prefix: string, logger: Logger): Array<[string, () => { store: StatusStore; cleanup: () => Promise<void> }]> {
  return [
    ['in memory', () => {
      const store = new MemoryStatusStore();
      return { store, cleanup: () => store.close() };
    }],
    ['Redis', () => {
      const target = REDIS_TARGETS[0];
      const keyPrefix = `${uniqueName(prefix)}:`;
      const store = new RedisStatusStore({ redis: target.url, keyPrefix, logger });
      return { store, cleanup: async () => void (await store.close(), await deleteTargetKeys(target, keyPrefix)) };
    }],
  ];
}
