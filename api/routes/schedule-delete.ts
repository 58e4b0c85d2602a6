import { deleteSchedule } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';

/** DELETE /v1/schedules/{schedule_id}: no more ticks; the jobs it made stay. 204. */
export const scheduleDelete: RouteDefinition = {
  name: 'schedule-delete',
  methods: ['DELETE'],
  route: 'v1/schedules/{schedule_id}',
  authLevel: 'function',
  create: (deps) => async (request) => {
    await deleteSchedule(deps.schedules, request.params.schedule_id);
    return { status: 204 };
  },
};
