import { Cluster } from 'ioredis';
import type { HealthCheck } from '../../core/ports/index.js';
import { redisCall, type RedisClient } from './redis-connection.js';
import { CLUSTER_SLOTS, keySlot } from './redis-key-slot.js';

/**
 * Ready while Redis answers PING; fails at once while the client is reconnecting. On a cluster:
 * the slot map covers all 16384 slots, a command routed to each master the way the stores'
 * commands are (a key in one of its slots) is answered — a shard that is away fails every
 * write whose job hashes there — and the cluster says `cluster_state:ok`.
 */
export function redisHealthCheck(redis: RedisClient, name = 'redis'): HealthCheck {
  return {
    name,
    async check() {
      if (!(redis instanceof Cluster)) {
        const reply = await redisCall(redis, () => redis.ping());
        if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${String(reply)}`);
        return;
      }
      await redisCall(redis, () => checkCluster(redis));
    },
  };
}

async function checkCluster(cluster: Cluster): Promise<void> {
  const probes = new Map<string, string>();
  for (let slot = 0; slot < CLUSTER_SLOTS; slot += 1) {
    const master = cluster.slots[slot]?.[0];
    if (!master) throw new Error(`slot ${slot} has no node`);
    probes.set(master, '');
  }
  // A key per master, found by trying names: each lands on a master with the odds of its share of
  // the slots. A master with too few slots to be hit is left to cluster_state below.
  for (let n = 0; [...probes.values()].includes('') && n < 100 * probes.size; n += 1) {
    const key = `dtq:health-probe:${n}`;
    const master = cluster.slots[keySlot(key)]![0]!;
    if (probes.get(master) === '') probes.set(master, key);
  }
  await Promise.all([...probes.values()].filter(Boolean).map((key) => cluster.exists(key)));
  const state = /^cluster_state:(\w+)/m.exec(String(await cluster.cluster('INFO')))?.[1];
  if (state !== 'ok') throw new Error(`cluster_state is ${state ?? 'unknown'}`);
}
