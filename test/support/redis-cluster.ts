import { Cluster } from 'ioredis';
import { deleteRedisKeys, escapeGlob, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from './services.js';

/** The test cluster as the app is configured for it: REDIS_URL names one node, REDIS_CLUSTER=true. */
export const TEST_REDIS_CLUSTER_URL = `redis://${TEST_REDIS_CLUSTER_NODES[0]}`;

/** The two Redis deployments every Redis adapter test runs on. */
export const REDIS_TARGETS = [
  { name: 'redis', url: TEST_REDIS_URL, cluster: false },
  { name: 'redis cluster', url: TEST_REDIS_CLUSTER_URL, cluster: true },
] as const;
export type RedisTarget = (typeof REDIS_TARGETS)[number];

/** A plain ioredis client of the test cluster, for looking at what landed where. */
export function rawClusterClient(): Cluster {
  return new Cluster(TEST_REDIS_CLUSTER_NODES.map(parseNode));
}

/**
 * Deletes every key under a test's prefix on every master of the test cluster: SCAN per node,
 * then one DEL per key (a DEL of several keys is refused unless they share a slot).
 */
export async function deleteRedisClusterKeys(prefix: string): Promise<number> {
  const cluster = rawClusterClient();
  try {
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('error', reject);
    });
    const counts = await Promise.all(cluster.nodes('master').map(async (node) => {
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
        cursor = next;
        const replies = await Promise.all(keys.map((key) => node.del(key)));
        deleted += replies.reduce((sum, n) => sum + n, 0);
      } while (cursor !== '0');
      return deleted;
    }));
    return counts.reduce((sum, count) => sum + count, 0);
  } finally {
    cluster.disconnect();
  }
}

/** Deletes a test's keys from whichever deployment it used. */
export function deleteTargetKeys(target: RedisTarget, prefix: string): Promise<number> {
  return target.cluster ? deleteRedisClusterKeys(prefix) : deleteRedisKeys(prefix, target.url);
}

/** `host:port` as ioredis wants a node. */
export function parseNode(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}
