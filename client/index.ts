/** dtq's typed client: `import { DtqClient } from 'dtq/client'`. */
export { DtqClient, type DtqClientOptions, type SubmitRequest, type SubmittedJob, type JobResult, type JobList, type JobFilters, type EventsOptions } from './dtq-client.js';
export { JobEventSchema, type JobEvent } from './job-event.js';
export {
  DtqError,
  DtqInvalidRequestError,
  DtqNotFoundError,
  DtqConflictError,
  DtqAuthError,
  DtqRateLimitedError,
  DtqUnavailableError,
  DtqNetworkError,
  DtqWaitTimeoutError,
  isDtqError,
} from './errors.js';
