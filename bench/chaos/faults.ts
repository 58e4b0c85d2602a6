import type { FaultProxy } from '../../testkit/fault-proxy.js';
import type { KafkaBrokerControl } from './kafka-broker.js';
import type { ChaosStack } from './stack.js';
import type { TopicPartitionGrowth } from './topic-partitions.js';

/**
 * In the default order the broker restart comes last: when its damage outlasts the recovery
 * timeout, the faults after it would measure that damage rather than their own.
 */
export const FAULT_TARGETS = ['redis', 'rabbitmq', 'mongodb', 'redis-loses-data', 'api', 'worker', 'partitions', 'kafka'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

/** One fault of the schedule: what it does, how long it is held, and how it is undone. */
export interface FaultStep {
  name: string;
  target: FaultTarget;
  /** How long the fault stays in place before `restore`; 0 for a kill followed by a restart. */
  holdMs: number;
  inject(): Promise<string | void>;
  restore(): Promise<void>;
}

export interface FaultTools {
  proxies: Partial<Record<'redis' | 'rabbitmq' | 'mongodb', FaultProxy>>;
  kafka: KafkaBrokerControl;
  /** The run's job topics, whose partitions the `partitions` fault raises. */
  topics: TopicPartitionGrowth;
  stack: ChaosStack;
  holdMs: number;
  /**
   * Deletes every key of the run's Redis prefix, as a Redis restarted without persistence (or
   * flushed) forgets them, without touching other users of a shared server. Answers how many.
   */
  forgetRedisData: () => Promise<number>;
}

/** The schedule for the chosen targets, in the order given: cut then freeze for each server, then the kills. */
export function faultSchedule(targets: FaultTarget[], tools: FaultTools): FaultStep[] {
  const steps: FaultStep[] = [];
  for (const target of targets) {
    if (target === 'redis' || target === 'rabbitmq' || target === 'mongodb') {
      const proxy = tools.proxies[target]!;
      steps.push(
        {
          name: `${target} cut`,
          target,
          holdMs: tools.holdMs,
          inject: async () => proxy.cut(),
          restore: async () => proxy.restore(),
        },
        {
          name: `${target} frozen`,
          target,
          holdMs: tools.holdMs,
          inject: async () => proxy.freeze(),
          restore: async () => proxy.restore(),
        },
      );
    } else if (target === 'kafka') {
      steps.push(
        {
          name: 'kafka frozen (SIGSTOP)',
          target,
          holdMs: tools.holdMs,
          inject: async () => tools.kafka.freeze(),
          restore: async () => tools.kafka.thaw(),
        },
        {
          name: 'kafka stopped',
          target,
          holdMs: tools.holdMs,
          inject: () => tools.kafka.stop(),
          restore: () => tools.kafka.start(),
        },
      );
    } else if (target === 'redis-loses-data') {
      steps.push({
        name: 'redis loses its data',
        target,
        holdMs: 0,
        inject: async () => `${await tools.forgetRedisData()} key(s) forgotten`,
        restore: async () => {},
      });
    } else if (target === 'partitions') {
      steps.push({
        name: 'partitions added (x2)',
        target,
        // While held, jobs keyed onto the new partitions queue until the group takes them.
        holdMs: tools.holdMs,
        inject: () => tools.topics.double(),
        // Partitions cannot be removed: the topics keep them.
        restore: async () => undefined,
      });
    } else if (target === 'api') {
      steps.push({ name: 'api SIGKILL', target, holdMs: 0, inject: () => tools.stack.killApi(), restore: () => tools.stack.restartApi() });
    } else {
      steps.push({
        name: 'worker SIGKILL mid-job',
        target,
        holdMs: 0,
        inject: async () => `${await tools.stack.killWorkerMidJob(0, 10_000)} job(s) in flight`,
        restore: () => tools.stack.restartWorker(0),
      });
    }
  }
  return steps;
}

/** Every server fault undone: proxies forward, the broker runs. Never throws half-way. */
export async function restoreAll(tools: Pick<FaultTools, 'proxies' | 'kafka'>): Promise<string[]> {
  const problems: string[] = [];
  for (const proxy of Object.values(tools.proxies)) proxy?.restore();
  try {
    await tools.kafka.restore();
  } catch (error) {
    problems.push(`could not restore Kafka: ${(error as Error).message}`);
  }
  return problems;
}
