import type { SubmitJobResponse } from '../../../contracts/http-api.js';
import { JOB_TYPE_LABELS } from '../forms/job-type-labels.js';
import { jobPath } from '../router.js';
import { shortId } from './format.js';
import { Link } from './Link.js';

export function SubmitSuccess({ response }: { response: SubmitJobResponse }) {
  return (
    <p role="status" className="notice notice-ok">
      Submitted {JOB_TYPE_LABELS[response.job_type]} job <code>{shortId(response.job_id)}</code>.{' '}
      <Link to={jobPath(response.job_id)}>View details</Link>
    </p>
  );
}
