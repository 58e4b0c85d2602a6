import { z } from 'zod';
import { JobStateSchema } from '../contracts/common.js';

/** One change of a job as its event stream carries it (docs/events.md). */
export const JobEventSchema = z.looseObject({
  job_id: z.string(),
  state: JobStateSchema,
  progress_percent: z.number(),
  message: z.string(),
  updated_at: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  result_url: z.string().optional(),
  /** The event's id: give it back as `lastEventId` to resume after it. */
  event_id: z.string().optional(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;
