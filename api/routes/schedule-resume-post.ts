import { setSchedulePaused } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/schedules/{schedule_id}/resume: ticks again from the first after now (ticks while paused make no jobs). */
export const scheduleResumePost: RouteDefinition = {
  name: 'schedule-resume-post',
  methods: ['POST'],
  route: 'v1/schedules/{schedule_id}/resume',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, await setSchedulePaused(deps.schedules, request.params.schedule_id, false)),
};
