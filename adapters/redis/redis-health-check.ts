import { Cluster } from 'ioredis';
import type { HealthCheck } from '../../core/ports/index.js';
import { redisCall, type RedisClient } from './redis-connection.js';

/**
 * Ready while Redis answers PING; fails at once while the client is reconnecting. On a cluster,
 * every master the client knows must answer PING and the cluster must report `cluster_state:ok`
 * (all 16384 slots served): a cluster missing one shard fails every write whose job hashes there.
 */
export function redisHealthCheck(redis: RedisClient, name = 'redis'): HealthCheck {
  return {
    name,
    async check() {
      if (!(redis instanceof Cluster)) return expectPong(await redisCall(redis, () => redis.ping()));
      await redisCall(redis, async () => {
        const masters = redis.nodes('master');
        if (masters.length === 0) throw new Error('no cluster master is known');
        for (const reply of await Promise.all(masters.map((node) => node.ping()))) expectPong(reply);
        const info = await masters[0]!.cluster('INFO');
        const state = /^cluster_state:(\w+)/m.exec(String(info))?.[1];
        if (state !== 'ok') throw new Error(`cluster_state is ${state ?? 'unknown'}`);
      });
    },
  };
}

function expectPong(reply: unknown): void {
  if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${String(reply)}`);
}
