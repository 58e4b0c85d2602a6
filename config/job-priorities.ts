import { z } from 'zod';
import { JOB_PRIORITIES, JOB_TYPES, type JobPriority } from '../contracts/index.js';

/** A job type's priority as a deployment sets it: `JOB_PRIORITY_OVERRIDES=github_user=low,weather=high`. */
export type JobPriorityOverrides = Readonly<Partial<Record<string, JobPriority>>>;

/**
 * JOB_PRIORITY_OVERRIDES: comma-separated `job_type=priority` pairs, each over its type's
 * `defaults.priority` (a submit's own `priority` still wins). An unknown type or priority stops
 * the process, naming the pair.
 */
export const jobPriorityOverridesSetting = z
  .string()
  .trim()
  .transform((value, ctx): JobPriorityOverrides => {
    const overrides: Record<string, JobPriority> = {};
    for (const [index, pair] of value.split(',').map((part) => part.trim()).filter(Boolean).entries()) {
      const [jobType, priority, ...rest] = pair.split('=').map((part) => part.trim());
      const where = `entry ${index + 1} ("${pair}")`;
      if (rest.length > 0 || !jobType || !priority) {
        ctx.addIssue({ code: 'custom', message: `${where} must be job_type=priority` });
      } else if (!(JOB_TYPES as readonly string[]).includes(jobType)) {
        ctx.addIssue({ code: 'custom', message: `${where} names no job type; known: ${JOB_TYPES.join(', ')}` });
      } else if (!(JOB_PRIORITIES as readonly string[]).includes(priority)) {
        ctx.addIssue({ code: 'custom', message: `${where}: the priority must be one of ${JOB_PRIORITIES.join(', ')}` });
      } else {
        overrides[jobType] = priority as JobPriority;
      }
    }
    return overrides;
  });
