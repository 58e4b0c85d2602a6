import { z } from 'zod';

/**
 * A job's priority. Kafka keeps order only within a partition, so each priority has topics of its
 * own: `normal` stays on `jobs.{job_type}.v1` (the contract's topic, unchanged for every existing
 * producer and consumer), `high` and `low` go to `jobs.{job_type}.high.v1` and
 * `jobs.{job_type}.low.v1`. The worker takes turns between them (docs/flow-control.md).
 */
export const JOB_PRIORITIES = ['high', 'normal', 'low'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/** The priority of a job that asks for none and whose type declares none. */
export const DEFAULT_JOB_PRIORITY: JobPriority = 'normal';

export const JobPrioritySchema = z.enum(JOB_PRIORITIES, { error: `must be one of ${JOB_PRIORITIES.join(', ')}` });

/**
 * The topic of a job type's jobs of one priority: the template's `%s` becomes the job type, and
 * `{job_type}.high` / `{job_type}.low` for the other two. A job type's name holds no dot, so a
 * priority topic never meets another type's topic (nor the dead-letter topic, `dlq`).
 */
export function priorityTopic(template: string, jobType: string, priority: JobPriority = DEFAULT_JOB_PRIORITY): string {
  return template.replace('%s', priority === 'normal' ? jobType : `${jobType}.${priority}`);
}

/** The priority of a job topic made by `priorityTopic` under `template`; undefined for any other topic. */
export function topicPriority(template: string, topic: string, jobTypes: readonly string[]): JobPriority | undefined {
  for (const jobType of jobTypes) {
    for (const priority of JOB_PRIORITIES) if (priorityTopic(template, jobType, priority) === topic) return priority;
  }
  return undefined;
}

/**
 * The priority a job gets: the one asked for on submit, else the deployment's for its type
 * (JOB_PRIORITY_OVERRIDES), else its type's `defaults.priority`, else normal.
 */
export function jobPriority(
  contract: { job_type: string; defaults: { priority?: JobPriority } },
  requested: JobPriority | undefined,
  overrides: Readonly<Partial<Record<string, JobPriority>>> = {},
): JobPriority {
  return requested ?? overrides[contract.job_type] ?? contract.defaults.priority ?? DEFAULT_JOB_PRIORITY;
}

/**
 * Kafka refuses a topic whose name differs from an existing one only in `.` against `_` (its
 * metric names would clash): a type named `weather_high` would clash with weather's high topic,
 * `jobs.weather.high.v1` against `jobs.weather_high.v1`. Names the first such pair of the catalog.
 */
export function priorityTopicClash(jobTypes: readonly string[]): string | undefined {
  for (const jobType of jobTypes) {
    for (const priority of JOB_PRIORITIES) {
      if (priority !== 'normal' && jobTypes.includes(`${jobType}_${priority}`)) {
        return `job type "${jobType}_${priority}" clashes with the ${priority} priority topic of "${jobType}" (Kafka treats . and _ in topic names alike): rename it`;
      }
    }
  }
  return undefined;
}
