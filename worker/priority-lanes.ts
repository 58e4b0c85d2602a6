import { DEFAULT_JOB_PRIORITY, JOB_PRIORITIES, JOB_TYPES, topicPriority, type JobPriority } from '../contracts/index.js';
import type { ConsumerLanes, PartitionLag } from '../core/ports/index.js';

/**
 * Turns each priority gets while records of several wait for a slot: of every 10 starts, 6 go
 * to high, 3 to normal and 1 to low, as long as each has records waiting; a priority with none
 * waiting gives its turns to the others. So a high job overtakes a normal backlog (it starts at
 * the next free slot), a steady normal stream still gets a third of the slots under a high
 * flood, and low jobs a tenth under both. Why weighted turns rather than strict order:
 * docs/flow-control.md.
 */
export const PRIORITY_WEIGHTS: Readonly<Record<JobPriority, number>> = { high: 6, normal: 3, low: 1 };

/** The consumer's lanes: one per priority, a topic's lane named by its priority. */
export function priorityLanes(topicTemplate: string): ConsumerLanes {
  const byTopic = new Map<string, JobPriority>();
  return {
    of(topic) {
      let priority = byTopic.get(topic);
      if (priority === undefined) {
        priority = topicPriority(topicTemplate, topic, JOB_TYPES) ?? DEFAULT_JOB_PRIORITY;
        byTopic.set(topic, priority);
      }
      return priority;
    },
    weights: PRIORITY_WEIGHTS,
  };
}

/** Records waiting on the job topics (the group's lag), per priority; every priority listed. */
export function waitingByPriority(lags: PartitionLag[], lanes: ConsumerLanes): Map<JobPriority, number> {
  const waiting = new Map<JobPriority, number>(JOB_PRIORITIES.map((priority) => [priority, 0]));
  for (const { topic, lag } of lags) {
    const priority = lanes.of(topic) as JobPriority;
    waiting.set(priority, (waiting.get(priority) ?? 0) + lag);
  }
  return waiting;
}
