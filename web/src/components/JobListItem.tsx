import type { JobSummary } from '../../../contracts/http-api.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';
import { isTerminal } from '../api/job-queries.js';
import { jobPath } from '../router.js';
import { formatDuration, formatTime, shortId } from './format.js';
import { Link } from './Link.js';
import { ProgressBar } from './ProgressBar.js';
import { StateBadge } from './StateBadge.js';

/** What a row is called: its type and what it is about (`Weather · Austin, US`); the short id for jobs without a label. */
export function jobName(job: Pick<JobSummary, 'job_type' | 'job_id' | 'label'>): string {
  return `${JOB_TYPE_LABELS[job.job_type]} ${job.label ? `· ${job.label}` : `job ${shortId(job.job_id)}`}`;
}

export function JobListItem({ job }: { job: JobSummary }) {
  const name = jobName(job);
  const stored = job.source === 'results';
  return (
    <li className="card job-item" data-job-id={job.job_id} data-state={job.state}>
      <div className="job-item-head">
        <Link to={jobPath(job.job_id)} className="job-link">
          {name}
        </Link>
        <StateBadge state={job.state} />
      </div>
      {/* A job past the status window comes from its stored result, which keeps no milestones. */}
      {stored ? null : <ProgressBar percent={job.progress_percent} state={job.state} message={job.message} label={`Progress of ${name}`} />}
      <div className="job-item-meta">
        <span>
          {stored ? 'Started' : 'Submitted'} <time dateTime={job.submitted_at}>{formatTime(job.submitted_at)}</time>
        </span>
        {isTerminal(job.state) && <span className="job-duration">took {formatDuration(job.submitted_at, job.updated_at)}</span>}
        {stored && <span className="job-source">older than 24 h: from the stored result</span>}
        {job.label && <code className="job-short-id">{shortId(job.job_id)}</code>}
        {job.error_code && <code className="error-code">{job.error_code}</code>}
        {job.priority && job.priority !== 'normal' && <span className={`job-priority job-priority-${job.priority}`}>{job.priority} priority</span>}
      </div>
    </li>
  );
}
