import { Counter, Gauge, type Registry } from 'prom-client';

/** Why a job is held back off the workers. */
export type WaitReason = 'key' | 'rate';

/** Metrics of per-key limits, on the worker's registry. */
export interface KeyLimitMetrics {
  /** Jobs parked, by job type and reason. */
  parked: Counter<'job_type' | 'reason'>;
  /** Parked jobs published again, by reason. */
  handedBack: Counter<'reason'>;
  /** Rounds of the hand-back loop that failed. */
  roundsFailed: Counter;
}

/**
 * Registers the key-limit metrics; `waiting` is read at each scrape: `dtq_worker_jobs_waiting`
 * (reason key: in a key's line; reason rate: until a rate window or a provider's Retry-After).
 */
export function createKeyLimitMetrics(registry: Registry, waiting: () => Promise<Record<WaitReason, number>>): KeyLimitMetrics {
  new Gauge({
    name: 'dtq_worker_jobs_waiting',
    help: 'Jobs held back by a per-key limit, parked off the workers, by reason (key: concurrency per key; rate: rate limit or Retry-After)',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      const counts = await waiting().catch(() => undefined);
      if (!counts) return;
      for (const [reason, count] of Object.entries(counts)) this.set({ reason }, count);
    },
  });
  return {
    parked: new Counter({ name: 'dtq_worker_jobs_parked_total', help: 'Jobs parked by a per-key limit, by job type and reason', labelNames: ['job_type', 'reason'], registers: [registry] }),
    handedBack: new Counter({ name: 'dtq_worker_jobs_handed_back_total', help: 'Parked jobs published again to their topic, by reason', labelNames: ['reason'], registers: [registry] }),
    roundsFailed: new Counter({ name: 'dtq_worker_key_limit_rounds_failed_total', help: 'Rounds of the parked-job hand-back loop that failed (they are tried again)', registers: [registry] }),
  };
}
