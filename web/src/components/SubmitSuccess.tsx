import type { SubmittedJobResponse } from '../api/api-client.js';
import { jobTypeLabel } from '../forms/job-type-labels.js';
import { jobPath } from '../router.js';
import { shortId } from './format.js';
import { Link } from './Link.js';

export function SubmitSuccess({ response }: { response: SubmittedJobResponse }) {
  return (
    <p role="status" className="notice notice-ok">
      Submitted {jobTypeLabel(response.job_type)} job <code>{shortId(response.job_id)}</code>.{' '}
      <Link to={jobPath(response.job_id)}>View details</Link>
    </p>
  );
}
