import type { RouteDefinition } from './http/route-definition.js';
import { deadLetterReplayPost } from './routes/dead-letter-replay-post.js';
import { deadLetterPurgePost } from './routes/dead-letter-purge-post.js';
import { deadLettersGet } from './routes/dead-letters-get.js';
import { healthzGet } from './routes/healthz-get.js';
import { jobCancelPost } from './routes/job-cancel-post.js';
import { jobRetryPost } from './routes/job-retry-post.js';
import { jobResultGet } from './routes/job-result-get.js';
import { jobStatusGet } from './routes/job-status-get.js';
import { jobsListGet } from './routes/jobs-list-get.js';
import { jobsPost } from './routes/jobs-post.js';
import { jobsBatchPost } from './routes/jobs-batch-post.js';
import { bulkCancelPost, bulkReplayPost, bulkRetryPost } from './routes/bulk-post.js';
import { bulkGet } from './routes/bulk-get.js';
import { bulkResumePost } from './routes/bulk-resume-post.js';
import { metricsGet } from './routes/metrics-get.js';
import { readyzGet } from './routes/readyz-get.js';
import { statsGet } from './routes/stats-get.js';
import { fleetGet } from './routes/fleet-get.js';
import { jobTypesGet } from './routes/job-types-get.js';
import { scheduleDelete } from './routes/schedule-delete.js';
import { scheduleGet } from './routes/schedule-get.js';
import { schedulePausePost } from './routes/schedule-pause-post.js';
import { scheduleResumePost } from './routes/schedule-resume-post.js';
import { schedulesListGet } from './routes/schedules-list-get.js';
import { schedulesPost } from './routes/schedules-post.js';
import { jobEventsGet } from './routes/job-events-get.js';
import { eventsGet } from './routes/events-get.js';

/** Every HTTP route. Both hosts register exactly this list, so they cannot disagree. */
export const ROUTES: readonly RouteDefinition[] = [
  jobsPost,
  jobsBatchPost,
  jobsListGet,
  jobStatusGet,
  jobResultGet,
  jobCancelPost,
  jobRetryPost,
  schedulesPost,
  schedulesListGet,
  scheduleGet,
  scheduleDelete,
  schedulePausePost,
  scheduleResumePost,
  statsGet,
  fleetGet,
  jobTypesGet,
  deadLettersGet,
  deadLetterReplayPost,
  deadLetterPurgePost,
  bulkCancelPost,
  bulkRetryPost,
  bulkReplayPost,
  bulkGet,
  bulkResumePost,
  healthzGet,
  readyzGet,
  metricsGet,
  jobEventsGet,
  eventsGet,
];
