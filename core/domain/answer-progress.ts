import { ProgressRequestSchema, type ProgressAnyReply } from '../../contracts/index.js';
import type { StatusStore } from '../ports/index.js';
import { jobLinks } from './job-links.js';

/**
 * The worker's answer to a progress request, read from the status store. A malformed request
 * and an unknown job get an error reply rather than silence, so the caller need not time out.
 */
export async function answerProgress(
  statuses: StatusStore,
  request: unknown,
  now: () => Date,
): Promise<ProgressAnyReply> {
  const timestamp = now().toISOString();
  const parsed = ProgressRequestSchema.safeParse(request);
  if (!parsed.success) {
    const jobId = (request as { job_id?: unknown } | null)?.job_id;
    return {
      ...(typeof jobId === 'string' ? { job_id: jobId } : {}),
      error: { code: 'INVALID_REQUEST', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
      timestamp,
    };
  }
  const { job_id } = parsed.data;
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
    ...jobLinks(status),
  };
}
