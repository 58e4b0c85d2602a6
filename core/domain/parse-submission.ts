import {
  JOB_TYPES,
  DEFAULT_JOB_TIMEOUT_SETTINGS,
  jobContract,
  jobPriority,
  jobTimeoutMs,
  JobPayloadSchemas,
  JobTypeSchema,
  payloadTextIssues,
  SubmitJobRequestSchema,
  type JobPayload,
  type JobPriority,
  type JobTimeoutSettings,
  type JobType,
} from '../../contracts/index.js';
import { InvalidBodyError, InvalidPayloadError, UnknownJobTypeError } from '../errors/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';

export interface Submission {
  job_type: JobType;
  payload: JobPayload;
  /** The timeout the job runs with: the one asked for, else its type's default, else the deployment's. */
  timeout_ms: number;
  /** The priority the job runs with: the one asked for, else the deployment's for its type, else its type's default. */
  priority: JobPriority;
  /** Where the job's outcome is POSTed when it ends; its host is checked by the submit path. */
  callback_url?: string;
}

/**
 * Validates a submit body: its shape, then the job type, then the payload for that type. A
 * `timeout_ms` above the deployment's JOB_TIMEOUT_MAX_MS is refused here: the contract's own
 * bound is the highest any deployment may set.
 */
export function parseSubmission(
  body: unknown,
  timeouts: JobTimeoutSettings = DEFAULT_JOB_TIMEOUT_SETTINGS,
  priorities: Readonly<Partial<Record<string, JobPriority>>> = {},
): Submission {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidBodyError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const shape = SubmitJobRequestSchema.safeParse(body, PARSE_OPTIONS);
  if (!shape.success) throw new InvalidBodyError(toFieldIssues(shape.error));
  const requestedTimeout = shape.data.timeout_ms;
  if (requestedTimeout !== undefined && requestedTimeout > timeouts.maxMs) {
    throw new InvalidBodyError([{ field: 'timeout_ms', message: `must be at most ${timeouts.maxMs} ms, the longest timeout this deployment allows` }]);
  }

  const jobType = JobTypeSchema.safeParse(shape.data.job_type);
  if (!jobType.success) throw new UnknownJobTypeError(shape.data.job_type, JOB_TYPES);

  // The payload as the client sent it: the record schema's copy has lost own keys such as
  // `__proto__`, which the worker's check of the published message would then refuse.
  const sent = (body as { payload: unknown }).payload;
  // The text rule holds for every job type (contracts/payload-text.ts), on what was sent: a
  // schema that trims would otherwise hide a control character at either end.
  const textIssues = payloadTextIssues(sent, 'payload');
  if (textIssues.length > 0) throw new InvalidPayloadError(textIssues);
  const payload = JobPayloadSchemas[jobType.data].safeParse(sent, PARSE_OPTIONS);
  if (!payload.success) throw new InvalidPayloadError(toFieldIssues(payload.error, 'payload'));
  return {
    job_type: jobType.data,
    payload: payload.data,
    timeout_ms: jobTimeoutMs(jobContract(jobType.data), requestedTimeout, timeouts),
    priority: jobPriority(jobContract(jobType.data), shape.data.priority, priorities),
    ...(shape.data.callback_url !== undefined ? { callback_url: shape.data.callback_url } : {}),
  };
}
