import { JOB_TYPES } from './job-types.js';

type ErrorResponse = (description: string) => Record<string, unknown>;

const EVENT_STREAM_DESCRIPTION =
  'Server-Sent Events (text/event-stream). Each event: `id: <id>`, `event: status`, `data: <one line of JSON per ./http-job-event.json>`; ' +
  'comment lines (`: heartbeat`) while nothing happens; `retry:` at the start. Resume with the Last-Event-ID header or the last_event_id parameter. ' +
  'A browser EventSource, which sends no headers, may pass its API key as api_key (or access_token); see docs/events.md.';

/** The event routes' OpenAPI entries (the wire format is in docs/events.md). */
export function eventStreamPaths(options: {
  jobId: Record<string, unknown>;
  uuidPattern: string;
  errorResponse: ErrorResponse;
  authResponses: Record<string, unknown>;
}): Record<string, unknown> {
  const { errorResponse, authResponses } = options;
  const stream = (description: string) => ({
    description,
    content: { 'text/event-stream': { schema: { type: 'string', description: EVENT_STREAM_DESCRIPTION } } },
  });
  const credential = [
    { name: 'api_key', in: 'query', schema: { type: 'string' }, description: 'An API key, on the event routes only, for clients that cannot set x-api-key (EventSource)' },
    { name: 'access_token', in: 'query', schema: { type: 'string' }, description: 'The same as api_key, by the name some SSE clients use' },
  ];
  const lastEventId = (pattern: string) => [
    { name: 'Last-Event-ID', in: 'header', schema: { type: 'string', pattern }, description: 'The last event id received: the stream resumes after it' },
    { name: 'last_event_id', in: 'query', schema: { type: 'string', pattern }, description: 'The same as Last-Event-ID, for clients that cannot set it; the header wins' },
  ];
  const refused = {
    '503': errorResponse('The instance holds EVENT_STREAMS_MAX streams, is shutting down, or a store is unavailable (SERVICE_UNAVAILABLE)'),
    ...authResponses,
  };
  return {
    '/v1/jobs/{job_id}/events': {
      get: {
        summary: "The job's status changes as Server-Sent Events; the stream ends after the final state",
        description:
          'The first event is the current state (after Last-Event-ID: every event after it, in order); then one event per change. ' +
          'The final event (state completed or failed) carries result_url or error, and the stream ends. A job finished before ' +
          'the connect gets its final state at once.',
        parameters: [options.jobId, ...lastEventId('^\\d{1,15}-\\d{1,10}$'), ...credential],
        responses: {
          '200': stream('The event stream'),
          '400': errorResponse('Malformed job id, Last-Event-ID or query (INVALID_JOB_ID, INVALID_QUERY)'),
          '404': errorResponse('Unknown job: neither a status nor a result'),
          ...refused,
        },
      },
    },
    '/v1/events': {
      get: {
        summary: "Every job's status changes as Server-Sent Events, filtered like the job list; never ends by itself",
        description:
          'Event ids are <job_id>/<event id>. A slow reader gets the newest state of each job (intermediate states of a job it has not read yet are ' +
          'dropped); after Last-Event-ID it first gets the newest state of each of the 100 most recent matching jobs that changed since.',
        parameters: [
          { name: 'state', in: 'query', schema: { type: 'string', enum: ['queued', 'running', 'completed', 'failed'] } },
          { name: 'job_type', in: 'query', schema: { type: 'string', enum: JOB_TYPES } },
          { name: 'schedule_id', in: 'query', schema: { type: 'string', pattern: options.uuidPattern } },
          ...lastEventId('^[0-9a-fA-F-]{36}/\\d{1,15}-\\d{1,10}$'),
          ...credential,
        ],
        responses: {
          '200': stream('The event stream'),
          '400': errorResponse('Bad filter or Last-Event-ID (INVALID_QUERY)'),
          ...refused,
        },
      },
    },
  };
}
