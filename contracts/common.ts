import { z } from 'zod';

export const SCHEMA_VERSION = '1.0' as const;

/** RFC 3339 timestamp in UTC ("Z" suffix), as every contract requires. */
export const UtcTimestampSchema = z.iso.datetime({ offset: false });
export const UuidV4Schema = z.uuidv4();

export const JOB_STATES = ['queued', 'running', 'completed', 'failed'] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobStateSchema>;
export const TERMINAL_STATES: readonly JobState[] = ['completed', 'failed'];

/** The only progress values a job passes through, in order. */
export const PROGRESS_MILESTONES = [0, 20, 50, 80, 100] as const;
export const ProgressPercentSchema = z.number().int().min(0).max(100);
