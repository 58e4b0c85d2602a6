import { setSchedulePaused } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/schedules/{schedule_id}/pause: no ticks until resumed; repeats are harmless. */
export const schedulePausePost: RouteDefinition = {
  name: 'schedule-pause-post',
  methods: ['POST'],
  route: 'v1/schedules/{schedule_id}/pause',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, await setSchedulePaused(deps.schedules, request.params.schedule_id, true)),
};
