import { JobEventsQuerySchema } from '../../contracts/index.js';
import { parseJobId } from '../../core/domain/index.js';
import { openJobEventStream } from '../events/job-event-stream.js';
import { eventStreamResponse, lastEventIdOf, parseStreamQuery } from '../events/stream-response.js';
import type { RouteDefinition } from '../http/route-definition.js';

/** GET /v1/jobs/{job_id}/events: the job's status changes as Server-Sent Events, ending after the final one (docs/events.md). */
export const jobEventsGet: RouteDefinition = {
  name: 'job-events-get',
  methods: ['GET'],
  route: 'v1/jobs/{job_id}/events',
  authLevel: 'function',
  credentialsInQuery: true,
  create: (deps) => async (request, context) => {
    const jobId = parseJobId(request.params.job_id);
    const query = parseStreamQuery(JobEventsQuerySchema, request);
    const lastEventId = lastEventIdOf(request, query.last_event_id);
    const body = await openJobEventStream(
      { streams: deps.eventStreams, events: deps.jobEvents, statuses: deps.statuses, results: deps.results, logger: context.logger.child({ job_id: jobId }) },
      jobId,
      lastEventId,
    );
    context.logger.info({ job_id: jobId, ...(lastEventId ? { last_event_id: lastEventId } : {}) }, 'job event stream opened');
    return eventStreamResponse(body);
  },
};
