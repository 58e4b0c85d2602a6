import { z } from 'zod';
import { MAX_BATCH_JOBS, MAX_BULK_JOB_IDS, MAX_BULK_PAGE, type BulkKind } from './bulk-api.js';
import { UtcTimestampSchema } from './common.js';
import { JOB_TYPES } from './job-types.js';

/** The states each bulk action's filter may narrow to (dead letters have none). */
const FILTER_STATES: Record<BulkKind, readonly string[]> = { cancel: ['queued', 'running'], retry: ['failed'], replay: [] };

/**
 * A bulk request as the server takes it for one kind: job_ids or filter, exactly one, and a
 * filter state the kind acts on, so no request the document allows is refused.
 */
function bulkRequestSchema(kind: BulkKind, uuidPattern: string): Record<string, unknown> {
  const { $schema: _dialect, ...timestamp } = z.toJSONSchema(UtcTimestampSchema) as Record<string, unknown>;
  const states = FILTER_STATES[kind];
  const filter = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...(states.length > 0 ? { state: { type: 'string', enum: states } } : {}),
      job_type: { type: 'string', enum: JOB_TYPES },
      schedule_id: { type: 'string', pattern: uuidPattern },
      submitted_after: timestamp,
      submitted_before: timestamp,
    },
  };
  const jobIds = { type: 'array', minItems: 1, maxItems: MAX_BULK_JOB_IDS, items: { type: 'string', pattern: uuidPattern } };
  return {
    oneOf: [
      { type: 'object', title: 'job_ids', properties: { job_ids: jobIds }, required: ['job_ids'], additionalProperties: false },
      { type: 'object', title: 'filter', properties: { filter }, required: ['filter'], additionalProperties: false },
    ],
  };
}

type ResponseObject = Record<string, unknown>;

/** What the OpenAPI document's other paths share, handed in so these paths read exactly as they do. */
export interface OpenApiParts {
  errorResponse: (description: string) => ResponseObject;
  authResponses: Record<string, ResponseObject>;
  idempotencyKeyHeader: Record<string, unknown>;
  json: (ref: string) => Record<string, unknown>;
  uuidPattern: string;
  maxBodyMiB: number;
}

/** POST /v1/jobs/batch and the /v1/bulk routes. */
export function bulkOpenApiPaths(parts: OpenApiParts): Record<string, unknown> {
  const { errorResponse, authResponses, idempotencyKeyHeader, json } = parts;
  const operationId = { name: 'operation_id', in: 'path', required: true, schema: { type: 'string', pattern: parts.uuidPattern }, description: 'A UUID v4, in any case' };
  const bulkPost = (kind: BulkKind, summary: string) => ({
    post: {
      summary,
      description:
        'Exactly one of job_ids (1 to 10,000) and filter (state, job_type, schedule_id, submitted_after, submitted_before; every field narrows; submitted_after inclusive, submitted_before exclusive). ' +
        'The operation and every job it matched are stored before any job is acted on; the answer comes at once, the jobs are acted on behind it. ' +
        'With an Idempotency-Key a repeat answers the same operation. Logged with who asked.',
      parameters: [idempotencyKeyHeader],
      requestBody: { required: true, content: { 'application/json': { schema: bulkRequestSchema(kind, parts.uuidPattern) } } },
      responses: {
        '202': { description: 'Accepted; Location points at the operation', content: json('http-bulk-accepted-response') },
        '400': errorResponse('Malformed body: both or neither of job_ids and filter, a bad id or filter field, a state the action does not act on, a filter matching over 50,000 jobs'),
        '409': errorResponse('Idempotency-Key reused with another body'),
        '415': errorResponse('Body not sent as content-type: application/json'),
        '503': errorResponse('A store or Kafka unavailable'),
        ...authResponses,
      },
    },
  });
  return {
    '/v1/jobs/batch': {
      post: {
        summary: `Submit up to ${MAX_BATCH_JOBS} jobs in one request`,
        description:
          'Each item is what POST /v1/jobs takes. Items are answered in request order: a job id and status URL, or the error a single submit of it would get, its fields named within the batch (jobs[3].payload.city). ' +
          'Accepted jobs are written and published together. An Idempotency-Key covers the whole batch: a repeat answers the same items.',
        parameters: [idempotencyKeyHeader],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  jobs: {
                    type: 'array',
                    minItems: 1,
                    maxItems: MAX_BATCH_JOBS,
                    // Any item is taken: one that is not a valid submit is answered in its place, not refused with the batch.
                    items: { description: 'What POST /v1/jobs takes (see its request body)' },
                    examples: [[{ job_type: 'quote', payload: { tag: 'wisdom' } }]],
                  },
                },
                required: ['jobs'],
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          '202': { description: 'Every item answered in its place, with accepted and rejected counts', content: json('http-batch-submit-response') },
          '400': errorResponse(`Malformed JSON, or a wrong envelope: not an object, no jobs array, 0 or over ${MAX_BATCH_JOBS} jobs, an unknown field`),
          '409': errorResponse('Idempotency-Key reused with another body'),
          '413': errorResponse(`Body over ${parts.maxBodyMiB} MiB`),
          '415': errorResponse('Body not sent as content-type: application/json'),
          '503': errorResponse('Queue or status store unavailable; details.job_ids names the jobs whose enqueue is unconfirmed'),
          ...authResponses,
        },
      },
    },
    '/v1/bulk/cancel': bulkPost('cancel', 'Cancel many queued or running jobs'),
    '/v1/bulk/retry': bulkPost('retry', 'Retry many failed jobs, each as a new job (once per operation)'),
    '/v1/bulk/replay': bulkPost('replay', 'Replay many dead letters onto their job topics (filter: no state)'),
    '/v1/bulk/{operation_id}': {
      get: {
        summary: 'A bulk operation: state (running, finished, interrupted), done of total, counts by outcome, and a page of outcomes per job in match order',
        parameters: [
          operationId,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_BULK_PAGE } },
          { name: 'cursor', in: 'query', schema: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' }, description: "A previous page's next_cursor" },
        ],
        responses: {
          '200': { description: 'The operation', content: json('http-bulk-operation-response') },
          '400': errorResponse('Malformed operation id (INVALID_OPERATION_ID), bad limit or cursor'),
          '404': errorResponse('Unknown operation (BULK_OPERATION_NOT_FOUND)'),
          '503': errorResponse('Bulk operation store unavailable'),
          ...authResponses,
        },
      },
    },
    '/v1/bulk/{operation_id}/resume': {
      post: {
        summary: 'Resume an interrupted operation: act on the jobs it has not reached; a finished or live one is answered as it is (resumed: false)',
        parameters: [operationId],
        responses: {
          '202': { description: 'The operation, with resumed true when this request took it over', content: json('http-bulk-accepted-response') },
          '400': errorResponse('Malformed operation id (INVALID_OPERATION_ID)'),
          '404': errorResponse('Unknown operation (BULK_OPERATION_NOT_FOUND)'),
          '503': errorResponse('Bulk operation store unavailable'),
          ...authResponses,
        },
      },
    },
  };
}
