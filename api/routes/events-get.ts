import { ALL_JOBS_EVENT_ID_PATTERN, EventsQuerySchema } from '../../contracts/index.js';
import { InvalidQueryError } from '../../core/errors/index.js';
import { openAllEventsStream } from '../events/all-events-stream.js';
import { eventStreamResponse, lastEventIdOf, parseStreamQuery } from '../events/stream-response.js';
import type { RouteDefinition } from '../http/route-definition.js';

/** GET /v1/events?state=&job_type=&schedule_id=: every job's status changes as Server-Sent Events; never ends by itself (docs/events.md). */
export const eventsGet: RouteDefinition = {
  name: 'events-get',
  methods: ['GET'],
  route: 'v1/events',
  authLevel: 'function',
  credentialsInQuery: true,
  create: (deps) => async (request, context) => {
    const query = parseStreamQuery(EventsQuerySchema, request);
    const lastEventId = lastEventIdOf(request, query.last_event_id);
    if (lastEventId !== undefined && !ALL_JOBS_EVENT_ID_PATTERN.test(lastEventId)) {
      throw new InvalidQueryError([{ field: 'Last-Event-ID', message: 'must be an event id this stream gave out (<job_id>/<ms>-<seq>)' }]);
    }
    const filter = {
      ...(query.state ? { state: query.state } : {}),
      ...(query.job_type ? { job_type: query.job_type } : {}),
      ...(query.schedule_id ? { schedule_id: query.schedule_id } : {}),
    };
    const body = await openAllEventsStream({ streams: deps.eventStreams, events: deps.jobEvents, statuses: deps.statuses, logger: context.logger }, filter, lastEventId?.toLowerCase());
    context.logger.info({ filter, ...(lastEventId ? { last_event_id: lastEventId } : {}) }, 'all-jobs event stream opened');
    return eventStreamResponse(body);
  },
};
