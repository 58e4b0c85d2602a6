import { z } from 'zod';
import { JobEventSchema as StreamedJobEventSchema } from '../contracts/job-events.js';

/**
 * One change of a job as its event stream carries it (docs/events.md), of any job type the API
 * serves, with the id the client read it under.
 */
export const JobEventSchema = StreamedJobEventSchema.extend({
  job_type: z.string().optional(),
  /** The event's id: give it back as `lastEventId` to resume after it. */
  event_id: z.string().optional(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;
