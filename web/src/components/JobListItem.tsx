import type { JobSummary } from '../../../contracts/http-api.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';
import { jobPath } from '../router.js';
import { formatTime, shortId } from './format.js';
import { Link } from './Link.js';
import { ProgressBar } from './ProgressBar.js';
import { StateBadge } from './StateBadge.js';

export function JobListItem({ job }: { job: JobSummary }) {
  const name = `${JOB_TYPE_LABELS[job.job_type]} job ${shortId(job.job_id)}`;
  return (
    <li className="card job-item" data-job-id={job.job_id} data-state={job.state}>
      <div className="job-item-head">
        <Link to={jobPath(job.job_id)} className="job-link">
          {name}
        </Link>
        <StateBadge state={job.state} />
      </div>
      <ProgressBar percent={job.progress_percent} state={job.state} message={job.message} label={`Progress of ${name}`} />
      <div className="job-item-meta">
        <span>
          Submitted <time dateTime={job.submitted_at}>{formatTime(job.submitted_at)}</time>
        </span>
        {job.error_code && <code className="error-code">{job.error_code}</code>}
      </div>
    </li>
  );
}
