import type { Config } from '../config/index.js';
import { loadJobLimits } from '../config/job-limits.js';
import type { JobQueue, Logger, StatusStore } from '../core/ports/index.js';
import type { KeyLimitStores } from './create-key-limit-stores.js';
import type { WorkerMetrics } from '../telemetry/index.js';
import { createKeyLimitMetrics } from '../telemetry/index.js';
import { KeyLimitGate } from '../worker/key-limit-gate.js';

/**
 * The worker's per-key limits over the process's key-limit stores (see create-key-limit-stores.ts);
 * each type's limits from its definition and JOB_LIMITS_* (a bad variable stops the start naming it).
 */
export function createKeyLimitGate(options: { config: Config; stores: KeyLimitStores; queue: JobQueue; statuses: StatusStore; metrics: WorkerMetrics; logger: Logger }): KeyLimitGate {
  const { config, logger } = options;
  const limits = loadJobLimits();
  // The stores are the process's (PortAdapters): they close with the adapters, not with the gate.
  const { slots, delayed, rates } = options.stores;
  let gate: KeyLimitGate | undefined = undefined;
  const metrics = createKeyLimitMetrics(options.metrics.registry, () => gate!.waiting());
  gate = new KeyLimitGate({
    slots,
    delayed,
    rates,
    limits,
    queue: options.queue,
    statuses: options.statuses,
    topicTemplate: config.KAFKA_TOPIC_TEMPLATE,
    metrics,
    logger,
  });
  return gate;
}
