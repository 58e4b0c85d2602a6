import type { ProgressAnyReply, ProgressRequest } from '../../contracts/index.js';
import type { StatusStore } from '../ports/index.js';
import { jobLinks } from './job-links.js';

/**
 * The worker's answer to a progress request, read from the status store. An unknown job gets an
 * error reply rather than silence, so the caller need not time out. The request arrives
 * validated: the RabbitMQ responder checks it against the contract (and answers a malformed one
 * INVALID_REQUEST itself), and in process the client builds it; checking it again here cost the
 * worker a second zod parse on every status answer.
 */
export async function answerProgress(
  statuses: StatusStore,
  request: ProgressRequest,
  now: () => Date,
): Promise<ProgressAnyReply> {
  const timestamp = now().toISOString();
  const { job_id } = request;
  let status;
  try {
    status = await statuses.get(job_id);
  } catch (error) {
    return { job_id, error: { code: 'STATUS_UNAVAILABLE', message: (error as Error).message }, timestamp };
  }
  if (!status) return { job_id, error: { code: 'JOB_NOT_FOUND', message: `job ${job_id} was not found` }, timestamp };
  return {
    job_id,
    state: status.state,
    progress_percent: status.progress_percent,
    message: status.message,
    timestamp,
    updated_at: status.updated_at,
    ...(status.error_code ? { error_code: status.error_code } : {}),
    ...(status.error_message ? { error_message: status.error_message } : {}),
    ...(status.milestones ? { milestones: status.milestones } : {}),
    ...(status.timeout_ms !== undefined ? { timeout_ms: status.timeout_ms } : {}),
    ...(status.priority ? { priority: status.priority } : {}),
    ...(status.has_webhook ? { has_webhook: true } : {}),
    ...jobLinks(status),
  };
}
