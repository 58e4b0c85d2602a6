import type { JobSummary } from '../../../contracts/http-api.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';
import { shortId } from './format.js';

/** What a row is called: its type and what it is about (`Weather · Austin, US`); the short id for jobs without a label. */
export function jobName(job: Pick<JobSummary, 'job_type' | 'job_id' | 'label'>): string {
  return `${JOB_TYPE_LABELS[job.job_type]} ${job.label ? `· ${job.label}` : `job ${shortId(job.job_id)}`}`;
}
