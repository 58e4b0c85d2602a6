import { getSchedule } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/schedules/{schedule_id}: the schedule and its coming ticks. */
export const scheduleGet: RouteDefinition = {
  name: 'schedule-get',
  methods: ['GET'],
  route: 'v1/schedules/{schedule_id}',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, await getSchedule(deps.schedules, request.params.schedule_id)),
};
