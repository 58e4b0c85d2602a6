import { z } from 'zod';
import { SCHEMA_CATALOG } from './schema-catalog.js';
import { UtcTimestampSchema, UuidV4Schema } from './common.js';
import { DEAD_LETTER_ID_PATTERN, IdempotencyKeySchema, JOB_SEARCH_SCAN_LIMIT, MAX_DELAY_MS, MAX_REQUEST_BODY_BYTES } from './http-api.js';
import { JOB_LABEL_MAX_LENGTH } from './job-status.js';
import { JOB_TYPES } from './job-types.js';
import { CRON_MAX_LENGTH } from './schedules.js';
import { JobTimeoutMsSchema } from './job-timeout.js';
import { JobPrioritySchema } from './job-priority.js';
import { payloadJsonSchema } from './payload-text.js';
import { eventStreamPaths } from './event-stream-openapi.js';
import { CALLBACK_URL_MAX_LENGTH } from './webhooks.js';
import { bulkOpenApiPaths } from './bulk-openapi.js';

const BASE_ID = 'https://dtq.dev/schemas/';

/** The JSON Schema documents for every contract, as the checked-in files must read. */
export function renderJsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, schema] of Object.entries(SCHEMA_CATALOG)) {
    const rendered = name.startsWith('payload-') ? payloadJsonSchema(schema) : z.toJSONSchema(schema, { io: 'input' });
    const doc = { $id: `${BASE_ID}${name}.json`, ...rendered };
    files[`${name}.json`] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return files;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: './http-error-body.json' } } },
});

/** Job routes need an API key where the host requires one (401 none sent, 403 refused), and are rate limited (429). */
const authResponses = {
  '401': errorResponse('No API key sent (x-api-key or Authorization: Bearer), where the host requires one: UNAUTHORIZED'),
  '403': errorResponse('API key refused: FORBIDDEN'),
  '429': {
    ...errorResponse('Too many requests from this caller, or too many refused credentials from its address: RATE_LIMITED'),
    headers: { 'Retry-After': { description: 'Seconds until the caller may ask again', schema: { type: 'integer', minimum: 1 } } },
  },
};

/**
 * Parameters say what the server accepts, from the same schemas it parses with: a job id is a
 * UUID v4 (any case), a dead-letter id `<partition>-<offset>`, an Idempotency-Key 1-255 visible
 * ASCII characters, a cursor is what next_cursor gave.
 */
function parameterSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}
const UUID_V4_PATTERN = String(parameterSchema(UuidV4Schema).pattern);
const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: parameterSchema(IdempotencyKeySchema),
  description: 'Makes the request safe to retry for 24 h: the same key and body answer the same job',
};
const cursorQuery = {
  name: 'cursor',
  in: 'query',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
  description: "A previous page's next_cursor, as given; any other value is refused (400 INVALID_QUERY)",
};
/**
 * The jobs list's time range and search. They read the status window alone, newest first, and one
 * request reads at most JOB_SEARCH_SCAN_LIMIT statuses: a page may then hold fewer items than asked,
 * or none, with a next_cursor to go on.
 */
const searchQueries = [
  { name: 'submitted_after', in: 'query', schema: parameterSchema(UtcTimestampSchema), description: 'Only jobs submitted at or after this UTC time (…Z)' },
  { name: 'submitted_before', in: 'query', schema: parameterSchema(UtcTimestampSchema), description: 'Only jobs submitted before this UTC time (…Z)' },
  {
    name: 'q',
    in: 'query',
    schema: { type: 'string', minLength: 1, maxLength: 100 },
    description:
      "Words that must all appear, in any case, in the job's label (what its input is about: city, currency pair, user name, tag) or its id. " +
      `Searches the status window only, at most ${JOB_SEARCH_SCAN_LIMIT} statuses per request; a page may be short or empty and still have a next_cursor`,
  },
  { name: 'label', in: 'query', schema: { type: 'string', minLength: 1, maxLength: JOB_LABEL_MAX_LENGTH }, description: 'Only jobs whose label is exactly this' },
];
const limitQuery = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } };

/** A small OpenAPI 3.1 description of the HTTP API whose bodies point at the generated schemas. */
export function renderOpenApi(): string {
  const jobId = { name: 'job_id', in: 'path', required: true, schema: { type: 'string', pattern: UUID_V4_PATTERN }, description: 'A UUID v4, in any case' };
  const json = (ref: string) => ({ 'application/json': { schema: { $ref: `./${ref}.json` } } });
  const scheduleId = { name: 'schedule_id', in: 'path', required: true, schema: { type: 'string', pattern: UUID_V4_PATTERN }, description: 'A UUID v4, in any case' };
  const deadLetterId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: DEAD_LETTER_ID_PATTERN.source }, description: '<partition>-<offset> on the dead-letter topic' };
  const scheduleAnswers = {
    '400': errorResponse('Malformed schedule id (INVALID_SCHEDULE_ID)'),
    '404': errorResponse('Unknown schedule (SCHEDULE_NOT_FOUND)'),
    '503': errorResponse('Schedule store unavailable'),
    ...authResponses,
  };
  const doc = {
    openapi: '3.1.0',
    info: { title: 'dtq API', version: '1.0.0' },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ apiKey: [] }, { bearer: [] }],
    paths: {
      '/v1/jobs': {
        post: {
          summary: 'Submit a job',
          parameters: [idempotencyKeyHeader],
          description:
            'The body names a job type of the catalog (GET /v1/job-types) and a payload that passes its schema. ' +
            'Payload strings must not hold C0 control characters other than tab, LF and CR, nor unpaired surrogates (the payload schemas say it as a pattern).',
          requestBody: { required: true, content: { 'application/json': { schema: withStartFields(submitRequestPerJobType()) } } },
          responses: {
            '202': { description: 'Accepted; Location points at the status', content: json('http-submit-job-response') },
            '400': errorResponse('Malformed JSON, unknown job type, invalid payload field or Idempotency-Key, or a callback_url dtq may not call'),
            '409': errorResponse('Idempotency-Key reused with another body'),
            '413': errorResponse(`Body over ${MAX_REQUEST_BODY_BYTES / 1024 / 1024} MiB`),
            '415': errorResponse('Body not sent as content-type: application/json'),
            '503': errorResponse('Queue or status store unavailable'),
            ...authResponses,
          },
        },
        get: {
          summary: 'List jobs, newest first: the 24 h status window, then the stored results',
          description:
            'Pages first through the status window (jobs submitted in the last 24 h, newest submission first, live). ' +
            "When the window has no more pages and the filter allows finished jobs, the window's last page is filled up, and " +
            'next_cursor continues, with jobs that completed before the window began, from their stored results, newest ' +
            'completion first; those items have source "results", submitted_at is when their run started and progress_percent ' +
            'is 100. A job submitted before the window that completed within it is in neither part. A state of queued or ' +
            'running ends with the window. When the result store cannot be read the listing ends with the window.',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] } },
            { name: 'job_type', in: 'query', schema: { type: 'string', enum: JOB_TYPES } },
            {
              name: 'schedule_id',
              in: 'query',
              schema: { type: 'string', pattern: UUID_V4_PATTERN },
              description: "Only the jobs a schedule's ticks made; from the status window only (the stored results do not keep the schedule)",
            },
            ...searchQueries,
            limitQuery,
            cursorQuery,
          ],
          responses: {
            '200': { description: 'A page of jobs', content: json('http-list-jobs-response') },
            '400': errorResponse('Bad filter'),
            '503': errorResponse('Status store unavailable, or the result store on a page of the results part'),
            ...authResponses,
          },
        },
      },
      '/v1/job-types': {
        get: {
          summary: 'The job types this deployment runs: for each, its payload and output JSON Schema, an example payload and its retry defaults',
          responses: {
            '200': { description: 'Every job type of the catalog', content: json('http-job-types-response') },
            ...authResponses,
          },
        },
      },
      '/v1/jobs/{job_id}/status': {
        get: {
          summary: 'Current status, answered by the worker over the progress RPC',
          description:
            'A finished job the status store no longer holds (past its 24 h window, or a Redis that lost its data) is answered ' +
            'from its stored result: state completed or failed, progress_percent 100, its error, result_url; no milestones. ' +
            'A job submitted with a callback_url has, once it ended, a webhook: its delivery (attempts, last status code or error, ' +
            'next attempt, delivered or given up).',
          parameters: [jobId],
          responses: {
            '200': { description: 'Status', content: json('http-job-status-response') },
            '400': errorResponse('Malformed job id'),
            '404': errorResponse('Unknown job: neither a status nor a result'),
            '503': errorResponse('Broker or result store unavailable'),
            '504': errorResponse('No reply in time'),
            ...authResponses,
          },
        },
      },
      ...eventStreamPaths({ jobId, uuidPattern: UUID_V4_PATTERN, errorResponse, authResponses }),
      '/v1/jobs/{job_id}/result': {
        get: {
          summary: 'The durable result document',
          parameters: [jobId],
          responses: {
            '200': { description: 'Result', content: json('http-job-result-response') },
            '400': errorResponse('Malformed job id'),
            '404': errorResponse('Unknown job, or no result yet'),
            '503': errorResponse('Result store (or, for an unknown result, status store) unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/jobs/{job_id}/cancel': {
        post: {
          summary: 'Cancel a queued or running job: it ends failed with error_code CANCELLED (a queued job at once, a running one at its next milestone)',
          parameters: [jobId],
          responses: {
            '202': { description: 'Cancel recorded; Location points at the status', content: json('http-cancel-job-response') },
            '400': errorResponse('Malformed job id'),
            '404': errorResponse('Unknown job'),
            '409': errorResponse(
              'The job is completed or failed already, or running past its last milestone check (80 %: its provider has answered and it completes): JOB_NOT_CANCELLABLE, details.state says which',
            ),
            '503': errorResponse('Status store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/jobs/{job_id}/retry': {
        post: {
          summary: 'Submit a failed job again as a new job with the same type and input; the new job names it in retry_of',
          parameters: [jobId, idempotencyKeyHeader],
          responses: {
            '202': { description: 'The new job; Location points at its status', content: json('http-retry-job-response') },
            '400': errorResponse('Malformed job id or Idempotency-Key'),
            '404': errorResponse('Unknown job'),
            '409': errorResponse('The job is not failed, or its result is not stored yet (JOB_NOT_RETRYABLE)'),
            '503': errorResponse('Queue or a store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/schedules': {
        post: {
          summary: 'Create a schedule: each tick of its cron submits the job, exactly once however many workers run',
          description:
            'cron has five fields (minute hour day-of-month month day-of-week) or six with seconds first (*/2 * * * * *), ' +
            'read in timezone (an IANA name, default UTC). The job type and payload are checked as a submit checks them. ' +
            'The first tick is the first after now. Ticks missed while no worker ran are coalesced: the first of them makes ' +
            'one job, and the schedule goes on from the first tick after now.',
          requestBody: { required: true, content: { 'application/json': { schema: submitRequestPerJobType(scheduleFields()) } } },
          responses: {
            '201': { description: 'Created; Location points at the schedule', content: json('http-schedule') },
            '400': errorResponse('Malformed JSON, unknown job type, invalid payload field, a cron that does not parse or never fires, an unknown time zone'),
            '413': errorResponse(`Body over ${MAX_REQUEST_BODY_BYTES / 1024 / 1024} MiB`),
            '415': errorResponse('Body not sent as content-type: application/json'),
            '503': errorResponse('Schedule store unavailable'),
            ...authResponses,
          },
        },
        get: {
          summary: 'Every schedule, newest first, with its coming ticks',
          responses: {
            '200': { description: 'The schedules', content: json('http-list-schedules-response') },
            '400': errorResponse('A query parameter (none are taken)'),
            '503': errorResponse('Schedule store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/schedules/{schedule_id}': {
        get: {
          summary: 'A schedule: its state, next run, the coming ticks and the last tick that made a job',
          parameters: [scheduleId],
          responses: { '200': { description: 'The schedule', content: json('http-schedule') }, ...scheduleAnswers },
        },
        delete: {
          summary: 'Delete a schedule: no more ticks; the jobs it made stay',
          parameters: [scheduleId],
          responses: { '204': { description: 'Deleted' }, ...scheduleAnswers },
        },
      },
      '/v1/schedules/{schedule_id}/pause': {
        post: {
          summary: 'Pause a schedule: no ticks until resumed (repeats are harmless)',
          parameters: [scheduleId],
          responses: { '200': { description: 'The schedule, paused', content: json('http-schedule') }, ...scheduleAnswers },
        },
      },
      '/v1/schedules/{schedule_id}/resume': {
        post: {
          summary: 'Resume a schedule from the first tick after now: ticks that fell while it was paused make no jobs',
          parameters: [scheduleId],
          responses: { '200': { description: 'The schedule, active', content: json('http-schedule') }, ...scheduleAnswers },
        },
      },
      '/v1/stats': {
        get: {
          summary: 'Jobs per state and per type in the 24 h status window, and jobs completed and failed per minute over the last hour, from the status store',
          responses: {
            '200': { description: 'Counts', content: json('http-stats-response') },
            '400': errorResponse('A query parameter (none are taken)'),
            '503': errorResponse('Status store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/fleet': {
        get: {
          summary: "The running workers (instance, version, concurrency, jobs in flight, last heartbeat) and their consumer group's lag per job topic and partition",
          description:
            'Each worker writes a heartbeat every heartbeat_interval_ms; one that stopped is gone at once, one that died after heartbeat_ttl_ms. ' +
            'The lag is read from the queue, not from the workers, so it shows (and grows) while none runs; lag is null, with lag_error, when the queue cannot be read.',
          responses: {
            '200': { description: 'The fleet', content: json('http-fleet-response') },
            '400': errorResponse('A query parameter (none are taken)'),
            '503': errorResponse('Heartbeat store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/dead-letters': {
        get: {
          summary: 'Records on the dead-letter topic (jobs.dlq.v1), newest first: reason, source topic, partition and offset, time, the first bytes of the value, the job id when one can be read',
          parameters: [limitQuery, cursorQuery],
          responses: {
            '200': { description: 'A page of dead letters', content: json('http-list-dead-letters-response') },
            '400': errorResponse('Bad limit or cursor'),
            '503': errorResponse('Kafka unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/dead-letters/{id}/replay': {
        post: {
          summary: 'Publish a dead letter back to its job topic when it now passes the contract, or a corrected value in its place',
          description:
            'Without a body the record is published as it lies. With {"value": {...}} the corrected job message is published instead; ' +
            'it must pass the contract and keep the job_id the record names. A replayed record is marked handled (outcome replayed).',
          parameters: [deadLetterId],
          requestBody: { required: false, content: json('http-replay-dead-letter-request') },
          responses: {
            '202': { description: 'Back on its topic; Location points at the job status', content: json('http-replay-dead-letter-response') },
            '400': errorResponse('Malformed dead-letter id (INVALID_DEAD_LETTER_ID), or a body that is not {"value": {...}} (INVALID_BODY)'),
            '404': errorResponse('No such dead letter (DEAD_LETTER_NOT_FOUND)'),
            '409': errorResponse('Its job has a result already (DEAD_LETTER_JOB_DONE)'),
            '422': errorResponse('It still breaks the contract; details.reason says how (DEAD_LETTER_INVALID)'),
            '503': errorResponse('Kafka or a store unavailable'),
            ...authResponses,
          },
        },
      },
      '/v1/dead-letters/{id}/purge': {
        post: {
          summary: 'Mark a dead letter handled (purged): it stays on the topic, and the listing carries the mark; repeats answer the first mark',
          parameters: [deadLetterId],
          responses: {
            '200': { description: 'The mark', content: json('http-purge-dead-letter-response') },
            '400': errorResponse('Malformed dead-letter id (INVALID_DEAD_LETTER_ID)'),
            '404': errorResponse('No such dead letter (DEAD_LETTER_NOT_FOUND)'),
            '503': errorResponse('Kafka or the mark store unavailable'),
            ...authResponses,
          },
        },
      },
      ...bulkOpenApiPaths({
        errorResponse,
        authResponses,
        idempotencyKeyHeader,
        json,
        uuidPattern: UUID_V4_PATTERN,
        maxBodyMiB: MAX_REQUEST_BODY_BYTES / 1024 / 1024,
      }),
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Alive', content: json('http-health-response') } } } },
      '/readyz': {
        get: {
          summary: 'Readiness of every dependency',
          security: [],
          responses: {
            '200': { description: 'Ready', content: json('http-health-response') },
            '503': { description: 'Not ready', content: json('http-health-response') },
          },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'Text exposition format' } } } },
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The optional start of a submitted job, as SubmitJobRequestSchema parses it. */
const startProperties = {
  delay_ms: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_DELAY_MS,
    description: 'Start the job this many milliseconds after the submit (at most 30 days); it stays queued, with run_at in its status, until then',
  },
  run_at: {
    type: 'string',
    format: 'date-time',
    description: 'Start the job at this time (RFC 3339 with an offset); a time already past starts it at once, one more than 30 days ahead is refused',
  },
};

/** POST /v1/jobs: the submit variants with a job's optional start, a delay or a time but not both. */
function withStartFields(request: ReturnType<typeof submitRequestPerJobType>) {
  return {
    ...request,
    oneOf: request.oneOf.map((variant) => ({ ...variant, properties: { ...variant.properties, ...startProperties }, not: { required: ['delay_ms', 'run_at'] } })),
  };
}

/** The optional `timeout_ms` of a submit, as every variant below declares it. */
const TIMEOUT_MS_JSON_SCHEMA = (({ $schema: _dialect, ...schema }) => schema)(z.toJSONSchema(JobTimeoutMsSchema) as Record<string, unknown>);
/** callback_url as a client sees it; which hosts are called is the deployment's rule (docs/webhooks.md). */
const CALLBACK_URL_JSON_SCHEMA = {
  type: 'string',
  format: 'uri',
  maxLength: CALLBACK_URL_MAX_LENGTH,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
  description:
    'Where dtq POSTs the job\'s outcome when it ends, signed per Standard Webhooks. Refused (400 naming callback_url) when its host is not ' +
    'in CALLBACK_ALLOWED_HOSTS (when set), or is or resolves to a private, loopback, link-local or other non-public address unless listed there.',
};

/** The optional `priority` of a submit. */
const PRIORITY_JSON_SCHEMA = {
  ...(({ $schema: _dialect, ...schema }) => schema)(z.toJSONSchema(JobPrioritySchema) as Record<string, unknown>),
  description: 'high overtakes normal jobs waiting; low waits behind normal jobs but still gets turns (docs/flow-control.md). Unset: the job type\'s default (GET /v1/job-types).',
};

/** The fields POST /v1/schedules adds to a submit's body; cron's grammar beyond its field count is croner's. */
function scheduleFields() {
  return {
    properties: {
      cron: { type: 'string', minLength: 1, maxLength: CRON_MAX_LENGTH, pattern: '^\\s*\\S+(\\s+\\S+){4,5}\\s*$', examples: ['*/5 * * * *', '*/2 * * * * *'] },
      timezone: { type: 'string', minLength: 1, maxLength: 64, examples: ['UTC', 'Europe/Berlin'] },
    },
    required: ['cron'],
  };
}

/**
 * POST /v1/jobs (and, with the schedule's fields, POST /v1/schedules), one variant per job
 * type, each pointing at its payload's published schema.
 */
function submitRequestPerJobType(extra: { properties: Record<string, unknown>; required: string[] } = { properties: { timeout_ms: TIMEOUT_MS_JSON_SCHEMA, callback_url: CALLBACK_URL_JSON_SCHEMA, priority: PRIORITY_JSON_SCHEMA }, required: [] }) {
  return {
    oneOf: JOB_TYPES.map((type) => ({
      type: 'object',
      title: type,
      properties: {
        job_type: { const: type },
        payload: { $ref: `./payload-${type.replaceAll('_', '-')}.json` },
        ...extra.properties,
      },
      required: ['job_type', 'payload', ...extra.required],
      additionalProperties: false,
    })),
    discriminator: { propertyName: 'job_type' },
  };
}
