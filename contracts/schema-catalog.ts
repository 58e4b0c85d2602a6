import type { z } from 'zod';
import { JOB_TYPES, JobPayloadSchemas, type JobType } from './job-types.js';
import { JobOutputSchemas } from './job-outputs.js';
import { JobMessageHeadersSchema, JobMessageSchema } from './kafka-job-message.js';
import { StatusHashSchema } from './job-status.js';
import { JobResultDocumentSchema } from './job-result.js';
import { ProgressErrorReplySchema, ProgressReplySchema, ProgressRequestSchema } from './progress-rpc.js';
import {
  CancelJobResponseSchema,
  HealthResponseSchema,
  JobResultResponseSchema,
  JobStatusResponseSchema,
  ListJobsResponseSchema,
  ListDeadLettersResponseSchema,
  ReplayDeadLetterResponseSchema,
  ReplayDeadLetterRequestSchema,
  PurgeDeadLetterResponseSchema,
  RetryJobResponseSchema,
  StatsResponseSchema,
  JobTypesResponseSchema,
  SubmitJobRequestSchema,
  SubmitJobResponseSchema,
} from './http-api.js';
import { ErrorBodySchema } from './errors.js';
import { JobEventSchema } from './job-events.js';
import { FleetResponseSchema } from './fleet.js';
import { CreateScheduleRequestSchema, ListSchedulesResponseSchema, ScheduleSchema } from './schedules.js';
import { BatchSubmitResponseSchema, BulkAcceptedResponseSchema, BulkOperationResponseSchema, BulkRequestSchema } from './bulk-api.js';

/** Every published schema by file name; JSON Schema files are generated from this list. */
export const SCHEMA_CATALOG: Record<string, z.ZodType> = {
  'kafka-job-message': JobMessageSchema,
  'kafka-job-message-headers': JobMessageHeadersSchema,
  ...perJobType('payload', JobPayloadSchemas),
  ...perJobType('output', JobOutputSchemas),
  'redis-status-hash': StatusHashSchema,
  'mongo-job-result': JobResultDocumentSchema,
  'rabbitmq-progress-request': ProgressRequestSchema,
  'rabbitmq-progress-reply': ProgressReplySchema,
  'rabbitmq-progress-error-reply': ProgressErrorReplySchema,
  'http-submit-job-request': SubmitJobRequestSchema,
  'http-submit-job-response': SubmitJobResponseSchema,
  'http-job-status-response': JobStatusResponseSchema,
  'http-job-result-response': JobResultResponseSchema,
  'http-list-jobs-response': ListJobsResponseSchema,
  'http-cancel-job-response': CancelJobResponseSchema,
  'http-retry-job-response': RetryJobResponseSchema,
  'http-stats-response': StatsResponseSchema,
  'http-fleet-response': FleetResponseSchema,
  'http-job-types-response': JobTypesResponseSchema,
  'http-list-dead-letters-response': ListDeadLettersResponseSchema,
  'http-replay-dead-letter-response': ReplayDeadLetterResponseSchema,
  'http-replay-dead-letter-request': ReplayDeadLetterRequestSchema,
  'http-purge-dead-letter-response': PurgeDeadLetterResponseSchema,
  'http-create-schedule-request': CreateScheduleRequestSchema,
  'http-schedule': ScheduleSchema,
  'http-list-schedules-response': ListSchedulesResponseSchema,
  'http-batch-submit-response': BatchSubmitResponseSchema,
  'http-bulk-request': BulkRequestSchema,
  'http-bulk-accepted-response': BulkAcceptedResponseSchema,
  'http-bulk-operation-response': BulkOperationResponseSchema,
  'http-health-response': HealthResponseSchema,
  'http-job-event': JobEventSchema,
  'http-error-body': ErrorBodySchema,
};

/** `payload-<job-type>` / `output-<job-type>` files, one per job type in the catalog. */
function perJobType(kind: 'payload' | 'output', schemas: Readonly<Record<JobType, z.ZodType>>): Record<string, z.ZodType> {
  return Object.fromEntries(JOB_TYPES.map((type) => [`${kind}-${type.replaceAll('_', '-')}`, schemas[type]]));
}
