import type { z } from 'zod';
import { JobPayloadSchemas } from './job-types.js';
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
  RetryJobResponseSchema,
  StatsResponseSchema,
  SubmitJobRequestSchema,
  SubmitJobResponseSchema,
} from './http-api.js';
import { ErrorBodySchema } from './errors.js';

/** Every published schema by file name; JSON Schema files are generated from this list. */
export const SCHEMA_CATALOG: Record<string, z.ZodType> = {
  'kafka-job-message': JobMessageSchema,
  'kafka-job-message-headers': JobMessageHeadersSchema,
  'payload-weather': JobPayloadSchemas.weather,
  'payload-quote': JobPayloadSchemas.quote,
  'payload-exchange-rate': JobPayloadSchemas.exchange_rate,
  'payload-github-user': JobPayloadSchemas.github_user,
  'output-weather': JobOutputSchemas.weather,
  'output-quote': JobOutputSchemas.quote,
  'output-exchange-rate': JobOutputSchemas.exchange_rate,
  'output-github-user': JobOutputSchemas.github_user,
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
  'http-list-dead-letters-response': ListDeadLettersResponseSchema,
  'http-replay-dead-letter-response': ReplayDeadLetterResponseSchema,
  'http-health-response': HealthResponseSchema,
  'http-error-body': ErrorBodySchema,
};
